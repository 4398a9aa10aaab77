"""Framework-free helpers shared by every capability."""
