"""State snapshots: the emulator's whole state as one versioned JSON document, and back."""

from zuora_mock.backend.state.dump import VERSION, export_state
from zuora_mock.backend.state.load import load_state

__all__ = ["VERSION", "export_state", "load_state"]
