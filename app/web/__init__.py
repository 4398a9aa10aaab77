"""HTTP plumbing every capability inherits: request ids, access, idempotency, one commit, headers."""
