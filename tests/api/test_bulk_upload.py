"""POST /v1/bulk: every upload error with its exact envelope, valid uploads, zips, checksums and
idempotency."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from typing import Any

import orjson
import pytest
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from zuora_mock.app import emulator_of
from zuora_mock.backend.massactions import messages as m

BULK_KEY_RE = re.compile(r"^[0-9a-f]{32}$")
PROCESS_ID_RE = re.compile(r"^[0-9A-F]{16}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

DELETE_CSV = b"Revenue Schedule Number\nRS-00000001\n"
VALID_FILES = {
    "UpdateAccountingCode": (
        b"Object Key,Object Type,Accounting Code\n2c92c0f96b1e2a4b016b2f0c3a5e0201,Invoice Item,Cash\n"
    ),
    "CreateRevenueSchedule": (
        b"Subscription Charge Key,Revenue Schedule Date,Revenue Schedule Amount\nC-00000001,2025-12-01,10\n"
    ),
    "UpdateRevenueSchedule": b"Revenue Schedule Number,Revenue Schedule Notes\nRS-00000001,hello\n",
    "DeleteRevenueSchedule": DELETE_CSV,
    "ImportFXRate": (
        b"Provider Exchange Rate Date,Currency (From),Currency (To),Exchange Rate\n2025-12-01,EUR,USD,1.1\n"
    ),
    "MPU": (
        b"Payment Amount,Currency,Payment Date,Payment Method ID\n"
        b"5,USD,2025-12-01,2c92c0f96b1e2a4b016b2f0c3a600001\n"
    ),
}


def orjson_error(text: str) -> str:
    """orjson's own description of a syntax error, which the message quotes."""
    try:
        orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return str(exc)
    raise AssertionError("valid JSON")


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def post_bulk(
    client: FlaskClient,
    auth: dict[str, str],
    *,
    file: bytes | None = DELETE_CSV,
    filename: str | None = "rs.csv",
    params: Any = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """Upload like the SDK: `file` as a file part with a name, `params` as a plain form field."""
    data: dict[str, Any] = {}
    if file is not None:
        data["file"] = (
            FileStorage(io.BytesIO(file), filename, content_type="text/csv")
            if filename is not None
            else file.decode("latin-1")
        )
    if params is not None:
        data["params"] = params if isinstance(params, str) else json.dumps(params)
    # Encoded in memory: the test client would spool bodies over 500 KB to a file it never closes.
    boundary, body = encode_multipart(data)
    return client.post(
        "/v1/bulk",
        data=body,
        headers={**auth, **(headers or {})},
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def assert_v1_error(response: Any, code: int, message: str, status: int = 200) -> None:
    assert response.status_code == status
    body = response.get_json()
    assert list(body) == ["success", "processId", "reasons", "requestId"]
    assert body["success"] is False
    assert PROCESS_ID_RE.match(body["processId"])
    assert body["reasons"] == [{"code": code, "message": message}]
    assert UUID_RE.match(body["requestId"])
    assert body["requestId"] == response.headers["Zuora-Request-Id"]


@pytest.mark.parametrize("action", list(VALID_FILES))
def test_each_action_type_accepts_a_valid_file(
    client: FlaskClient, auth: dict[str, str], action: str
) -> None:
    response = post_bulk(client, auth, file=VALID_FILES[action], params={"actionType": action})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    body = response.get_json()
    assert list(body) == ["success", "bulkKey"]
    assert body["success"] is True and BULK_KEY_RE.match(body["bulkKey"])


def test_bulk_keys_never_repeat(client: FlaskClient, auth: dict[str, str]) -> None:
    keys = [
        post_bulk(client, auth, params={"actionType": "DeleteRevenueSchedule"}).get_json()["bulkKey"]
        for _ in range(25)
    ]
    assert len(set(keys)) == 25


MISSING_COLUMNS = m.MSG_CSV_MISSING_COLUMNS


@pytest.mark.parametrize(
    ("file", "filename", "params", "code", "message"),
    [
        (None, None, {"actionType": "DeleteRevenueSchedule"}, 50000022, m.MSG_FILE_REQUIRED),
        (DELETE_CSV, "rs.csv", None, 50000022, m.MSG_PARAMS_REQUIRED),
        (
            DELETE_CSV,
            "rs.csv",
            "not-json",
            50000090,
            m.MSG_PARAMS_MALFORMED.format(detail=orjson_error("not-json")),
        ),
        (
            DELETE_CSV,
            "rs.csv",
            "[1]",
            50000090,
            m.MSG_PARAMS_MALFORMED.format(detail="the value is not a JSON object"),
        ),
        (DELETE_CSV, "rs.csv", {}, 50000022, "'actionType' is required."),
        (
            DELETE_CSV,
            "rs.csv",
            {"actionType": "createRevenueSchedule"},
            50000020,
            "Invalid value for 'actionType': "
            + m.MSG_ACTION_TYPE_INVALID.format(input="createRevenueSchedule"),
        ),
        (
            DELETE_CSV,
            "rs.csv",
            {"actionType": 7},
            50000020,
            "Invalid value for 'actionType': Not a valid string.",
        ),
        (DELETE_CSV, "rs.csv", {"actionType": "MPU", "mode": "x"}, 50000021, "Unknown field 'mode'."),
        (
            DELETE_CSV,
            "rs.csv",
            {"actionType": "DeleteRevenueSchedule", "checksum": "abc"},
            50000020,
            "Invalid value for 'checksum': " + m.MSG_CHECKSUM_FORMAT,
        ),
        (
            DELETE_CSV,
            "rs.csv",
            {"actionType": "DeleteRevenueSchedule", "checksum": "0" * 32},
            50000020,
            m.MSG_CHECKSUM_MISMATCH.format(given="0" * 32),
        ),
        (b"", "rs.csv", {"actionType": "DeleteRevenueSchedule"}, 50000020, m.MSG_FILE_EMPTY),
        (
            DELETE_CSV,
            "rs.txt",
            {"actionType": "DeleteRevenueSchedule"},
            50000020,
            m.MSG_FILE_TYPE.format(name="rs.txt"),
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00",
            "rs.csv",
            {"actionType": "DeleteRevenueSchedule"},
            50000020,
            m.MSG_CSV_CONTENT,
        ),
        (
            b"Revenue Schedule Number\n\xff\xfe\n",
            "rs.csv",
            {"actionType": "DeleteRevenueSchedule"},
            50000020,
            m.MSG_CSV_CONTENT,
        ),
        (b"not a zip", "rs.zip", {"actionType": "DeleteRevenueSchedule"}, 50000020, m.MSG_ZIP_INVALID),
        (
            zipped({}),
            "rs.zip",
            {"actionType": "DeleteRevenueSchedule"},
            50000020,
            m.MSG_ZIP_CSV_COUNT.format(count=0),
        ),
        (
            zipped({"a.csv": DELETE_CSV, "b.csv": DELETE_CSV}),
            "rs.zip",
            {"actionType": "DeleteRevenueSchedule"},
            50000020,
            m.MSG_ZIP_CSV_COUNT.format(count=2),
        ),
        (
            zipped({"a.txt": DELETE_CSV}),
            "rs.zip",
            {"actionType": "DeleteRevenueSchedule"},
            50000020,
            m.MSG_ZIP_CSV_COUNT.format(count=0),
        ),
        (b"\n\n", "rs.csv", {"actionType": "DeleteRevenueSchedule"}, 50000020, m.MSG_CSV_HEADER),
        (
            b"Revenue Schedule Number,Revenue Schedule Number\nRS-1,RS-2\n",
            "rs.csv",
            {"actionType": "DeleteRevenueSchedule"},
            50000020,
            m.MSG_CSV_DUPLICATE_COLUMN.format(column="Revenue Schedule Number"),
        ),
        (
            b"Schedule\nRS-00000001\n",
            "rs.csv",
            {"actionType": "DeleteRevenueSchedule"},
            50000022,
            MISSING_COLUMNS.format(action="DeleteRevenueSchedule", columns="Revenue Schedule Number"),
        ),
        (
            b"revenue schedule number\nRS-00000001\n",
            "rs.csv",
            {"actionType": "DeleteRevenueSchedule"},
            50000022,
            MISSING_COLUMNS.format(action="DeleteRevenueSchedule", columns="Revenue Schedule Number"),
        ),
        (
            b"Currency (From),Exchange Rate\nEUR,1\n",
            "fx.csv",
            {"actionType": "ImportFXRate"},
            50000022,
            MISSING_COLUMNS.format(
                action="ImportFXRate", columns="Provider Exchange Rate Date, Currency (To)"
            ),
        ),
        (
            b"Revenue Schedule Date\n2025-01-01\n",
            "rs.csv",
            {"actionType": "CreateRevenueSchedule"},
            50000022,
            MISSING_COLUMNS.format(
                action="CreateRevenueSchedule", columns="Subscription Charge Key or Linked Transaction Key"
            ),
        ),
        (
            b"Object Key\nx\n",
            "ac.csv",
            {"actionType": "UpdateAccountingCode"},
            50000022,
            MISSING_COLUMNS.format(action="UpdateAccountingCode", columns="Object Type"),
        ),
        (
            b"Payment Amount,Currency\n1,USD\n",
            "p.csv",
            {"actionType": "MPU"},
            50000022,
            MISSING_COLUMNS.format(action="MPU", columns="Payment Date, Payment Method ID"),
        ),
    ],
)
def test_upload_errors(
    client: FlaskClient,
    auth: dict[str, str],
    file: bytes | None,
    filename: str | None,
    params: Any,
    code: int,
    message: str,
) -> None:
    assert_v1_error(post_bulk(client, auth, file=file, filename=filename, params=params), code, message)


def test_malformed_header_is_an_upload_error(client: FlaskClient, auth: dict[str, str]) -> None:
    response = post_bulk(client, auth, file=b'"Revenue Schedule Number\nRS-1\n', params={"actionType": "MPU"})
    body = response.get_json()
    assert body["reasons"][0]["code"] == 50000020
    assert body["reasons"][0]["message"].startswith(m.MSG_CSV_HEADER_MALFORMED.format(detail=""))


def test_request_that_is_not_multipart(client: FlaskClient, auth: dict[str, str]) -> None:
    response = client.post("/v1/bulk", json={"actionType": "MPU"}, headers=auth)
    assert_v1_error(response, 50000020, m.MSG_MULTIPART_REQUIRED)


@pytest.mark.parametrize(
    ("size", "accepted"),
    [
        (4 * 1024 * 1024, True),
        (4 * 1024 * 1024 + 1, False),
    ],
)
def test_file_size_limit_is_4_mb(
    client: FlaskClient, auth: dict[str, str], size: int, accepted: bool
) -> None:
    head = b"Revenue Schedule Number\n"
    line = b"RS-00000001\n"
    body = head + line * ((size - len(head)) // len(line))
    body += b"#" * (size - len(body) - 1) + b"\n" if len(body) < size else b""
    assert len(body) == size
    response = post_bulk(client, auth, file=body, params={"actionType": "DeleteRevenueSchedule"})
    if accepted:
        assert response.get_json()["success"] is True
    else:
        assert_v1_error(response, 50000020, m.MSG_FILE_TOO_LARGE.format(size=size, limit=4 * 1024 * 1024))


def test_size_limit_follows_the_setting(make_app: Any) -> None:
    app = make_app(bulk_max_file_bytes=10)
    client = app.test_client()
    from tests.conftest import fetch_token

    headers = {"Authorization": f"Bearer {fetch_token(client)}"}
    assert_v1_error(
        post_bulk(client, headers, params={"actionType": "DeleteRevenueSchedule"}),
        50000020,
        m.MSG_FILE_TOO_LARGE.format(size=len(DELETE_CSV), limit=10),
    )


def test_errors_answer_400_when_configured(make_app: Any) -> None:
    app = make_app(v1_error_status="4xx")
    client = app.test_client()
    from tests.conftest import fetch_token

    headers = {"Authorization": f"Bearer {fetch_token(client)}"}
    assert_v1_error(
        post_bulk(client, headers, file=None, params={"actionType": "MPU"}),
        50000022,
        m.MSG_FILE_REQUIRED,
        status=400,
    )


@pytest.mark.parametrize(
    ("members", "filename"),
    [
        ({"rs.csv": DELETE_CSV}, "rs.zip"),
        ({"nested/rs.csv": DELETE_CSV, "readme.txt": b"notes"}, "upload.ZIP"),
        ({"rs.csv": DELETE_CSV, "__MACOSX/._rs.csv": b"\x00\x05"}, "rs.zip"),
        ({"rs.csv": DELETE_CSV}, "file"),
    ],
)
def test_zip_holding_one_csv_is_accepted(
    client: FlaskClient, auth: dict[str, str], members: dict[str, bytes], filename: str
) -> None:
    response = post_bulk(
        client, auth, file=zipped(members), filename=filename, params={"actionType": "DeleteRevenueSchedule"}
    )
    assert response.get_json()["success"] is True


@pytest.mark.parametrize(
    "checksum",
    [
        hashlib.md5(DELETE_CSV).hexdigest(),
        hashlib.md5(DELETE_CSV).hexdigest().upper(),
    ],
)
def test_matching_checksum_is_accepted(client: FlaskClient, auth: dict[str, str], checksum: str) -> None:
    response = post_bulk(client, auth, params={"actionType": "DeleteRevenueSchedule", "checksum": checksum})
    assert response.get_json()["success"] is True


def test_checksum_of_a_zip_is_the_checksum_of_the_zip(client: FlaskClient, auth: dict[str, str]) -> None:
    archive = zipped({"rs.csv": DELETE_CSV})
    response = post_bulk(
        client,
        auth,
        file=archive,
        filename="rs.zip",
        params={"actionType": "DeleteRevenueSchedule", "checksum": hashlib.md5(archive).hexdigest()},
    )
    assert response.get_json()["success"] is True


@pytest.mark.parametrize(
    ("file", "filename"),
    [
        (DELETE_CSV, "file"),  # the SDK's name when it is given bytes
        (DELETE_CSV, None),  # `file` sent as a plain form field
        (b"\xef\xbb\xbf" + DELETE_CSV, "excel.csv"),
        (DELETE_CSV.replace(b"\n", b"\r\n"), "windows.csv"),
    ],
)
def test_file_variants_are_accepted(
    client: FlaskClient, auth: dict[str, str], file: bytes, filename: str | None
) -> None:
    response = post_bulk(
        client, auth, file=file, filename=filename, params={"actionType": "DeleteRevenueSchedule"}
    )
    assert response.get_json()["success"] is True


def test_params_may_come_as_a_file_part(client: FlaskClient, auth: dict[str, str]) -> None:
    data = {
        "file": (io.BytesIO(DELETE_CSV), "rs.csv"),
        "params": (io.BytesIO(b'{"actionType":"DeleteRevenueSchedule"}'), "params.json"),
    }
    response = client.post("/v1/bulk", data=data, headers=auth, content_type="multipart/form-data")
    assert response.get_json()["success"] is True


def test_upload_needs_a_token(client: FlaskClient) -> None:
    response = post_bulk(client, {}, params={"actionType": "DeleteRevenueSchedule"})
    assert response.status_code == 401
    assert response.get_json() == {"message": "Authentication error"}


def test_same_idempotency_key_creates_one_job(make_app: Any) -> None:
    app = make_app(bulk_progression="manual")
    client = app.test_client()
    from tests.conftest import fetch_token

    auth = {"Authorization": f"Bearer {fetch_token(client)}"}
    first = post_bulk(
        client, auth, params={"actionType": "DeleteRevenueSchedule"}, headers={"Idempotency-Key": "k1"}
    )
    # A different file under the same key replays the first answer (zuora-api.md case 23).
    second = post_bulk(
        client, auth, file=VALID_FILES["MPU"], params={"actionType": "MPU"}, headers={"Idempotency-Key": "k1"}
    )
    assert second.status_code == first.status_code == 200
    assert second.data == first.data
    assert second.headers["Zuora-Request-Id"] == first.headers["Zuora-Request-Id"]
    store = (
        emulator_of(app)
        .registry.tenants["demo"]
        .data(emulator_of(app).registry.tenants["demo"].entities[0].id)
        .bulk
    )
    assert list(store.jobs) == [first.get_json()["bulkKey"]]
    third = post_bulk(
        client, auth, params={"actionType": "DeleteRevenueSchedule"}, headers={"Idempotency-Key": "k2"}
    )
    assert third.get_json()["bulkKey"] != first.get_json()["bulkKey"]
    assert len(store.jobs) == 2
