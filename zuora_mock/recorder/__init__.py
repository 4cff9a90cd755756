"""Record exchanges with a real Zuora tenant, to replay them against the emulator and report every difference.

- :class:`RecordingProxy` (``zuora-mock record``): a local proxy in front of an upstream, writing cassettes.

The cassette format and the workflow are described in docs/recording.md.
"""

from __future__ import annotations

from zuora_mock.recorder.cassette import CASSETTE_VERSION
from zuora_mock.recorder.proxy import RecordingProxy

__all__ = ["CASSETTE_VERSION", "RecordingProxy"]
