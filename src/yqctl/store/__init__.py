"""The edges that do I/O: YAML reading and writing, the case store, and git as the audit trail."""
