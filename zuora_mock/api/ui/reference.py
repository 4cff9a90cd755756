"""The API reference page: the served OpenAPI document, grouped by tag, browsable without any tool."""

from __future__ import annotations

from typing import Any

from flask import render_template

from zuora_mock.api.openapi import document


def operations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of the document, flattened for the page, in the document's order."""
    found: list[dict[str, Any]] = []
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            found.append(
                {
                    "path": path,
                    "method": method,
                    "tag": operation["tags"][0],
                    "summary": operation["summary"],
                    "parameters": operation.get("parameters", []),
                    "request": ", ".join(operation.get("requestBody", {}).get("content", {})),
                    "responses": [(status, r["description"]) for status, r in operation["responses"].items()],
                }
            )
    return found


def reference() -> str:
    doc = document()
    return render_template("ui/reference.html", doc=doc, tags=doc["tags"], operations=operations(doc))
