"""Department data sources: CSV layouts, batch imports, lookups for checks."""
