"""Rules as code (政策规则): the pure policy engine — facts in, an explained assessment out."""
