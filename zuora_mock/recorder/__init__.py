"""Record exchanges with a real Zuora tenant, replay them against the emulator, and report every difference.

- :class:`RecordingProxy` (``zuora-mock record``): a local proxy in front of an upstream, writing cassettes;
- :func:`replay` (``zuora-mock replay``): sends the recorded requests to the emulator, compares the answers.

The cassette format and the workflow are described in docs/recording.md.
"""

from __future__ import annotations

from zuora_mock.recorder.cassette import CASSETTE_VERSION
from zuora_mock.recorder.proxy import RecordingProxy
from zuora_mock.recorder.replay import ReplayOptions, replay
from zuora_mock.recorder.report import Report
from zuora_mock.recorder.targets import Credentials

__all__ = ["CASSETTE_VERSION", "Credentials", "RecordingProxy", "ReplayOptions", "Report", "replay"]
