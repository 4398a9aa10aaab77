"""Economic checks (核对): the consent gate, department records, the policy applied, the sealed report."""
