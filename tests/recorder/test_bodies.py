"""Bodies in cassettes: readable kinds, byte-exact rebuilds for the replay, and the size limit."""

from __future__ import annotations

import io
import zipfile

import httpx
import pytest

from zuora_mock.recorder import bodies

JSON = "application/json;charset=utf-8"


def multipart() -> tuple[bytes, str]:
    """A mass-action upload exactly as httpx (and so the contract suite's client) encodes it."""
    request = httpx.Request(
        "POST",
        "http://x/v1/bulk",
        data={"params": '{"actionType": "DeleteRevenueSchedule"}'},
        files={"file": ("rs.csv", b"Revenue Schedule Number\r\nRS-1\r\n", "text/csv")},
    )
    return request.read(), request.headers["Content-Type"]


def test_json_keeps_key_order_and_number_types() -> None:
    body = bodies.capture(b'{"b":1,"a":1.0,"c":[null,true]}', JSON, request=False)
    assert body == {"kind": "json", "json": {"b": 1, "a": 1.0, "c": [None, True]}}
    assert list(body["json"]) == ["b", "a", "c"]
    assert bodies.rebuild(body, JSON) == b'{"b":1,"a":1.0,"c":[null,true]}'


def test_a_json_string_body_and_a_non_json_one() -> None:
    assert bodies.capture(b'"/objects/x"', JSON, request=False) == {"kind": "json", "json": "/objects/x"}
    assert bodies.capture(b"{oops", JSON, request=False) == {"kind": "text", "text": "{oops"}
    assert bodies.capture(b"NaN", JSON, request=False) == {"kind": "text", "text": "NaN"}
    assert bodies.capture(b"", JSON, request=True) == {"kind": "empty"}


def test_a_form_is_pairs_in_order() -> None:
    body = bodies.capture(
        b"grant_type=client_credentials&client_id=a%2Bb", "application/x-www-form-urlencoded", request=True
    )
    assert body == {"kind": "form", "form": [["grant_type", "client_credentials"], ["client_id", "a+b"]]}
    assert bodies.rebuild(body, None) == b"grant_type=client_credentials&client_id=a%2Bb"


def test_multipart_is_readable_parts_and_rebuilds_byte_for_byte() -> None:
    data, content_type = multipart()
    body = bodies.capture(data, content_type, request=True)
    assert body["kind"] == "multipart"
    params, upload = body["parts"]
    assert params == {
        "headers": [["Content-Disposition", 'form-data; name="params"']],
        "text": '{"actionType": "DeleteRevenueSchedule"}',
    }
    assert upload["text"] == "Revenue Schedule Number\r\nRS-1\r\n"
    assert bodies.rebuild(body, content_type) == data


def test_binary_parts_are_base64_and_oversized_uploads_are_not_replayable() -> None:
    request = httpx.Request(
        "POST", "http://x/", files={"file": ("a.zip", b"PK\x03\x04\xff\xfe", "application/zip")}
    )
    data, content_type = request.read(), request.headers["Content-Type"]
    body = bodies.capture(data, content_type, request=True)
    assert "base64" in body["parts"][0]
    assert bodies.rebuild(body, content_type) == data
    small = bodies.capture(data, content_type, request=True, limit=4)
    assert "omitted" in small["parts"][0]
    with pytest.raises(bodies.NotReplayable):
        bodies.rebuild(small, content_type)
    whole = bodies.capture(b"x" * 10, "text/plain", request=True, limit=4)
    assert whole == {"kind": "omitted", "size": 10, "sha256": whole["sha256"]}


def test_a_result_file_is_kept_as_its_csv_text() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("rs-response.csv", "Revenue Schedule Number,Success\r\nRS-1,N\r\n")
    body = bodies.capture(buffer.getvalue(), "application/zip", request=False)
    assert body["kind"] == "zip"
    assert body["members"] == [
        {"name": "rs-response.csv", "size": 41, "text": "Revenue Schedule Number,Success\r\nRS-1,N\r\n"}
    ]
    cut = bodies.capture(buffer.getvalue(), "application/zip", request=False, limit=10)
    assert cut["members"][0] == {
        "name": "rs-response.csv",
        "size": 41,
        "text": "Revenue Sc",
        "truncated": True,
    }


def test_broken_multipart_is_kept_as_it_came() -> None:
    data = b"--b\r\nno blank line\r\n--b--\r\n"
    body = bodies.capture(data, "multipart/form-data; boundary=b", request=True)
    assert body == {"kind": "text", "text": data.decode()}
    assert bodies.rebuild(body, None) == data
