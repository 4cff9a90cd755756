"""The baseline: a minimal Flask app answering the same first request, on the same Werkzeug server."""

from __future__ import annotations

import argparse
import signal
import threading

from flask import Flask, jsonify, request
from werkzeug.serving import make_server


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/oauth/token")
    def token():
        return jsonify(access_token="x" * 32, token_type="bearer", client=request.form.get("client_id"))

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = make_server("127.0.0.1", args.port, create_app(), threaded=True)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    print(f"listening on http://127.0.0.1:{server.port}", flush=True)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
