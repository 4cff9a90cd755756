"""The emulated Zuora, free of Flask and HTTP: Emulator -> Registry -> Tenant -> stores; returns models."""
