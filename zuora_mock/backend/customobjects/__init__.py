"""Custom objects: definitions, records and the batch operation; no Flask here."""
