"""Adapters to external systems, each with a real and a development implementation."""
