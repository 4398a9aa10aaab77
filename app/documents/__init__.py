"""Sealed documents (电子签章): the registry of every PDF the platform sealed, and their public verification."""
