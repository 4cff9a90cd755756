"""Serve the emulator app (or the parse-only baseline) with one candidate WSGI server, for compare_servers.py.

    python bench/serve_candidate.py {werkzeug,waitress,cheroot,granian,zuora} {emulator,baseline} PORT THREADS

waitress here is plain waitress (zuora-mock's own hooks are left out, to compare the servers themselves);
zuora is zuora-mock's own server (waitress with its wire and pool, zuora_mock.server) with default settings.
granian is not a dependency: install it to include it (pip install granian).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Any

UNLIMITED = 10**9


def load_app(which: str) -> Any:
    if which == "baseline":
        from bare_flask import create_app

        return create_app()
    from zuora_mock import create_app as create_emulator

    limits = {f"rate_limit_{w}": UNLIMITED for w in ("minute", "hour", "day")}
    return create_emulator({**limits, "bulk_progression": "manual"}, environ={})


def serve(server: str, which: str, port: int, threads: int) -> None:
    print(f"listening on http://127.0.0.1:{port}", flush=True)
    if server == "werkzeug":
        from werkzeug.serving import make_server

        httpd = make_server("127.0.0.1", port, load_app(which), threaded=True)
        httpd.daemon_threads = True
        signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=httpd.shutdown).start())
        httpd.serve_forever()
    elif server == "waitress":
        from waitress.server import create_server

        wsgi = create_server(
            load_app(which), host="127.0.0.1", port=port, threads=threads, connection_limit=1000
        )
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        wsgi.run()
    elif server == "zuora":
        from zuora_mock.server import build_server

        ours = build_server(load_app(which), "127.0.0.1", port)
        signal.signal(signal.SIGTERM, lambda *_: ours.stop())
        ours.serve_forever()
    elif server == "cheroot":
        from cheroot.wsgi import Server

        cheroot = Server(("127.0.0.1", port), load_app(which), numthreads=threads, max=threads)
        signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=cheroot.stop).start())
        cheroot.safe_start()
    elif server == "granian":
        from granian.constants import Interfaces
        from granian.server import Server as Granian

        os.environ["CANDIDATE_APP"] = which
        granian = Granian(
            "serve_candidate:granian_target",
            address="127.0.0.1",
            port=port,
            interface=Interfaces.WSGI,
            workers=1,
            blocking_threads=threads,
            log_enabled=False,
        )
        granian.serve()


def __getattr__(name: str) -> Any:
    """granian imports its target by name in its worker process."""
    if name == "granian_target":
        return load_app(os.environ.get("CANDIDATE_APP", "emulator"))
    raise AttributeError(name)


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
