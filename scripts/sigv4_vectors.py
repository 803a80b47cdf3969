#!/usr/bin/env python3
"""Writes the AWS Signature Version 4 reference vectors that SigV4SignerTests checks SeedGate's signer against.

Every expected value is computed here by botocore (pinned with moto in scripts/s3-test-server.sh): SigV4Auth,
S3SigV4Auth and S3SigV4QueryAuth sign AWSRequests at a fixed time (botocore's clock is patched), and two requests
are captured from a real boto3 S3 client just before they would be sent. Nothing expected is typed by hand, not
even the published AWS examples (get-vanilla from the SigV4 test suite, and the S3 documentation's GET example).

Run with the moto virtual environment (scripts/s3-test-server.sh start creates it):

    .venv-s3/bin/python scripts/sigv4_vectors.py   # writes Tests/SeedGateRuntimeTests/Fixtures/sigv4-vectors.json
"""

from __future__ import annotations

import argparse
import base64
import datetime
import json
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qsl, unquote, urlsplit

import boto3
import botocore
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.utils import percent_encode

OUTPUT = Path(__file__).resolve().parent.parent / "Tests/SeedGateRuntimeTests/Fixtures/sigv4-vectors.json"

# The AWS documentation's example credentials (not real keys).
SUITE_KEY = ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
DOCS_KEY = ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCWV1LXdlc3QtMSJHMEUCIQExampleSessionToken+/="
WHEN = datetime.datetime(2024, 5, 1, 12, 0, 0)
# Headers the signer adds itself; a vector's input headers leave them out.
ADDED_BY_SIGNER = {"x-amz-date", "x-amz-content-sha256", "x-amz-security-token", "authorization"}


class Recorded:
    """Wraps a botocore signer so that add_auth's canonical request and string to sign are kept."""

    def __init__(self, auth: SigV4Auth) -> None:
        self.auth = auth
        self.values: dict[str, str] = {}
        canonical_request, string_to_sign = auth.canonical_request, auth.string_to_sign

        def record_canonical(request):
            self.values["canonical_request"] = canonical_request(request)
            return self.values["canonical_request"]

        def record_string_to_sign(request, canonical):
            self.values["string_to_sign"] = string_to_sign(request, canonical)
            return self.values["string_to_sign"]

        auth.canonical_request = record_canonical
        auth.string_to_sign = record_string_to_sign


def epoch(when: datetime.datetime) -> int:
    return int(when.replace(tzinfo=datetime.UTC).timestamp())


def at(when: datetime.datetime):
    return mock.patch("botocore.auth.get_current_datetime", return_value=when)


def header_vector(
    name: str,
    auth_class: type,
    *,
    key: tuple[str, str] = DOCS_KEY,
    token: str | None = None,
    service: str = "s3",
    region: str = "eu-west-1",
    when: datetime.datetime = WHEN,
    method: str = "GET",
    host: str = "s3.eu-west-1.amazonaws.com",
    path: str = "/",
    query: list[tuple[str, str]] | None = None,
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
    scheme: str = "http",
    unsigned_payload: bool = False,
) -> dict:
    """Signs one request with `auth_class` (Authorization header) and records inputs and outputs."""
    url = f"{scheme}://{host}{percent_encode(path, safe='/~')}"
    request = AWSRequest(method=method, url=url, data=body, params=dict(query or []))
    request.headers["Host"] = host
    for header, value in headers or []:
        request.headers[header] = value
    if unsigned_payload:
        request.context["client_config"] = Config(s3={"payload_signing_enabled": False})
    recorded = Recorded(auth_class(Credentials(key[0], key[1], token), service, region))
    with at(when):
        recorded.auth.add_auth(request)
    authorization = request.headers["Authorization"]
    return {
        "name": name,
        "style": "header",
        "service": service,
        "region": region,
        "access_key_id": key[0],
        "secret_access_key": key[1],
        "session_token": token,
        "date": when.strftime("%Y%m%dT%H%M%SZ"),
        "unix_time": epoch(when),
        "method": method,
        "path": path,
        "query": [list(pair) for pair in query or []],
        "headers": [["Host", host], *[list(pair) for pair in headers or []]],
        "body_base64": base64.b64encode(body).decode(),
        "payload": request.headers.get("X-Amz-Content-SHA256") or recorded.values["canonical_request"].split("\n")[-1],
        "sends_content_hash": "X-Amz-Content-SHA256" in request.headers,
        "expected": {
            "canonical_request": recorded.values["canonical_request"],
            "string_to_sign": recorded.values["string_to_sign"],
            "signed_headers": authorization.split("SignedHeaders=")[1].split(",")[0],
            "signature": authorization.split("Signature=")[1],
            "authorization": authorization,
        },
    }


def presigned_vector(
    name: str, *, token: str | None = None, path: str, query: list[tuple[str, str]], expires: int
) -> dict:
    """Signs one request with S3SigV4QueryAuth (a presigned URL) and records inputs and outputs."""
    host = "examplebucket.s3.eu-west-1.amazonaws.com"
    url = f"https://{host}{percent_encode(path, safe='/~')}"
    request = AWSRequest(method="GET", url=url, params=dict(query))
    request.headers["Host"] = host
    recorded = Recorded(
        S3SigV4QueryAuth(Credentials(DOCS_KEY[0], DOCS_KEY[1], token), "s3", "eu-west-1", expires=expires)
    )
    with at(WHEN):
        recorded.auth.add_auth(request)
    signed_query = urlsplit(request.url).query
    return {
        "name": name,
        "style": "query",
        "service": "s3",
        "region": "eu-west-1",
        "access_key_id": DOCS_KEY[0],
        "secret_access_key": DOCS_KEY[1],
        "session_token": token,
        "date": WHEN.strftime("%Y%m%dT%H%M%SZ"),
        "unix_time": epoch(WHEN),
        "method": "GET",
        "path": path,
        "query": [list(pair) for pair in query],
        "headers": [["Host", host]],
        "expires": expires,
        "expected": {
            "canonical_request": recorded.values["canonical_request"],
            "string_to_sign": recorded.values["string_to_sign"],
            "signature": dict(parse_qsl(signed_query))["X-Amz-Signature"],
            "query": signed_query,
        },
    }


class Captured(Exception):  # noqa: N818 (a signal that carries the request, not a failure)
    def __init__(self, request) -> None:
        super().__init__("captured")
        self.request = request


def captured_vector(name: str, call, *, addressing: str, token: str | None = None) -> dict:
    """A request made by a real boto3 S3 client, stopped just before it is sent."""
    config = Config(
        region_name="eu-west-1",
        s3={"addressing_style": addressing},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        retries={"total_max_attempts": 1},
    )
    client = boto3.client(
        "s3",
        endpoint_url="http://s3.eu-west-1.amazonaws.com",
        aws_access_key_id=DOCS_KEY[0],
        aws_secret_access_key=DOCS_KEY[1],
        aws_session_token=token,
        config=config,
    )

    def stop(request, **_):
        raise Captured(request)

    client.meta.events.register_first("before-send.s3", stop)
    try:
        with at(WHEN):
            call(client)
    except Captured as captured:
        request = captured.request
    else:
        raise RuntimeError(f"{name}: the client sent nothing")
    authorization = request.headers["Authorization"]
    authorization = authorization.decode() if isinstance(authorization, bytes) else authorization
    signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    headers = []
    for header, value in request.headers.items():
        value = value.decode() if isinstance(value, bytes) else value
        if header.lower() in signed and header.lower() not in ADDED_BY_SIGNER:
            headers.append([header, value])
    parts = urlsplit(request.url)
    if not any(header.lower() == "host" for header, _ in headers):
        headers.insert(0, ["Host", parts.netloc])
    body = request.body or b""
    if hasattr(body, "read"):
        position = body.tell()
        body, _ = body.read(), body.seek(position)
    body = body.encode() if isinstance(body, str) else body
    payload = request.headers["X-Amz-Content-SHA256"]
    return {
        "name": name,
        "style": "header",
        "service": "s3",
        "region": "eu-west-1",
        "access_key_id": DOCS_KEY[0],
        "secret_access_key": DOCS_KEY[1],
        "session_token": token,
        "date": WHEN.strftime("%Y%m%dT%H%M%SZ"),
        "unix_time": epoch(WHEN),
        "method": request.method,
        "path": unquote(parts.path),
        "query": [list(pair) for pair in parse_qsl(parts.query, keep_blank_values=True)],
        "headers": headers,
        "body_base64": base64.b64encode(body).decode(),
        "payload": payload.decode() if isinstance(payload, bytes) else payload,
        "sends_content_hash": True,
        "expected": {
            "signed_headers": ";".join(signed),
            "signature": authorization.split("Signature=")[1],
            "authorization": authorization,
        },
    }


def vectors() -> list[dict]:
    meta = ("X-Amz-Meta-Note", "  two   inner   spaces\tand a tab  ")
    return [
        # The AWS SigV4 test suite's get-vanilla: a generic service (no x-amz-content-sha256), path normalised.
        header_vector(
            "aws-suite-get-vanilla",
            SigV4Auth,
            key=SUITE_KEY,
            service="service",
            region="us-east-1",
            when=datetime.datetime(2015, 8, 30, 12, 36, 0),
            host="example.amazonaws.com",
        ),
        # The S3 documentation's header-signing example: GET /test.txt with a Range on examplebucket.
        header_vector(
            "aws-s3-docs-get-object-range",
            S3SigV4Auth,
            region="us-east-1",
            when=datetime.datetime(2013, 5, 24, 0, 0, 0),
            host="examplebucket.s3.amazonaws.com",
            path="/test.txt",
            headers=[("Range", "bytes=0-9")],
        ),
        header_vector(
            "list-with-query-needing-encoding",
            S3SigV4Auth,
            path="/seedgate-media/",
            query=[
                ("list-type", "2"),
                ("prefix", "tenant a/job+1/ü"),
                ("delimiter", "/"),
                ("continuation-token", "abc=+/def~"),
                ("max-keys", "10"),
                ("empty", ""),
            ],
        ),
        header_vector(
            "put-with-body-hash",
            S3SigV4Auth,
            method="PUT",
            path="/seedgate-media/tenant/job_01/video.mp4",
            headers=[("Content-Type", "video/mp4"), meta],
            body=b"\x00\x00\x00\x18ftypmp42 not really a video \xff\xfe",
        ),
        header_vector(
            "put-unsigned-payload",
            S3SigV4Auth,
            method="PUT",
            scheme="https",
            path="/seedgate-media/tenant/job_01/video.mp4",
            headers=[("Content-Type", "video/mp4"), ("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==")],
            body=b"streamed, not hashed",
            unsigned_payload=True,
        ),
        header_vector(
            "key-with-space-unicode-plus-tilde",
            S3SigV4Auth,
            path="/seedgate-media/tenant a/vidéo+1~2 (final)/日本.mp4",
        ),
        header_vector(
            "key-with-reserved-characters",
            S3SigV4Auth,
            path="/seedgate-media/a//b/./c/../d=e&f;g,h:i@j$k!l'm*n%o",
        ),
        header_vector(
            "session-token",
            S3SigV4Auth,
            token=TOKEN,
            method="HEAD",
            path="/seedgate-media/tenant/job_01/video.mp4",
        ),
        header_vector(
            "virtual-hosted-range",
            S3SigV4Auth,
            host="seedgate-media.s3.eu-west-1.amazonaws.com",
            path="/tenant/job_01/video.mp4",
            headers=[("Range", "bytes=1048576-2097151")],
        ),
        header_vector(
            "create-multipart-upload",
            S3SigV4Auth,
            method="POST",
            host="127.0.0.1:9000",
            path="/seedgate-media/tenant/job_01/video.mp4",
            query=[("uploads", "")],
            headers=[("Content-Type", "video/mp4")],
        ),
        header_vector(
            "upload-part",
            S3SigV4Auth,
            method="PUT",
            host="127.0.0.1:9000",
            path="/seedgate-media/tenant/job_01/video.mp4",
            query=[("uploadId", "2~abc/DEF+ghi=="), ("partNumber", "12")],
            body=b"part twelve",
        ),
        presigned_vector("presigned-get", path="/tenant/job_01/video.mp4", query=[], expires=900),
        presigned_vector(
            "presigned-get-session-token",
            token=TOKEN,
            path="/tenant a/vidéo.mp4",
            query=[("response-content-type", "video/mp4")],
            expires=86400,
        ),
        captured_vector(
            "boto3-get-object-range-virtual",
            lambda s3: s3.get_object(Bucket="seedgate-media", Key="tenant/job 01/video+1.mp4", Range="bytes=0-99"),
            addressing="virtual",
        ),
        captured_vector(
            "boto3-put-object-path-session-token",
            lambda s3: s3.put_object(
                Bucket="seedgate-media", Key="tenant/job_01/video.mp4", Body=b"0123456789", ContentType="video/mp4"
            ),
            addressing="path",
            token=TOKEN,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    document = {
        "generator": f"scripts/sigv4_vectors.py with botocore {botocore.__version__}",
        "vectors": vectors(),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(document['vectors'])} vectors to {args.output}")


if __name__ == "__main__":
    main()
