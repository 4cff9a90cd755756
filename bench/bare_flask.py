"""The baseline: a minimal Flask app on Werkzeug's threaded server that only parses what zuora-mock is sent.

It answers the same first request as zuora-mock (POST /oauth/token) for the start-up benchmark, and, for the
throughput benchmark, parses the same bodies zuora-mock gets (JSON records, a 1,000-record batch, a multipart
upload) and answers a small JSON body: no auth, no validation, no store.
"""

from __future__ import annotations

import argparse
import signal
import threading

from flask import Flask, Response, jsonify, request
from werkzeug.serving import make_server

EMPTY_JSON = b"{}"


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 8 * 1024 * 1024

    @app.post("/oauth/token")
    def token() -> Response:
        return jsonify(access_token="x" * 32, token_type="bearer", client=request.form.get("client_id"))

    @app.post("/objects/records/default/<name>")
    @app.post("/objects/batch/default/<name>")
    def parse_json(name: str) -> Response:
        request.get_json()
        return Response(EMPTY_JSON, content_type="application/json;charset=utf-8")

    @app.post("/v1/bulk")
    def upload() -> Response:
        size = len(request.files["file"].read())
        return jsonify(success=True, size=size, params=request.form["params"])

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
