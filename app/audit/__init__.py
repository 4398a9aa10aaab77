"""Audit trail: append-only, hash-chained events written with the change they record."""
