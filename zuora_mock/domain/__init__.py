"""Tenants, tokens, fixtures, idempotency and limits: state shared by every API family; no Flask here."""
