"""Checking a SeedGate webhook by hand: the Standard Webhooks v1 signature, with the Python standard library only.

docs/webhooks.md quotes this file, and tests/clients/test_webhook_guide.py runs it on real deliveries beside the
`standardwebhooks` library. Copy it as it is, or port its few lines to your language.
"""

import base64
import hashlib
import hmac
import time
from collections.abc import Iterable, Mapping

TOLERANCE_SECONDS = 5 * 60  # how far webhook-timestamp may be from your clock, either way (the spec's default)


class InvalidWebhookError(Exception):
    """Not a delivery SeedGate signed with one of your secrets (forged, altered, replayed late or too early)."""


def verify_webhook(
    body: bytes, headers: Mapping[str, str], secrets: str | Iterable[str], now: float | None = None
) -> None:
    """Returns if `body` carries a valid signature made with one of `secrets` (``whsec_…``); raises
    InvalidWebhookError otherwise. Give it the raw body bytes as received, before any JSON parsing. During a secret
    rotation pass both secrets: a delivery signed with either one passes."""
    fields = {name.lower(): value for name, value in headers.items()}
    message_id = fields.get("webhook-id", "")
    timestamp = fields.get("webhook-timestamp", "")
    signatures = fields.get("webhook-signature", "")
    if not (message_id and timestamp and signatures):
        raise InvalidWebhookError("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise InvalidWebhookError("webhook-timestamp is not an integer") from None
    if abs((time.time() if now is None else now) - sent_at) > TOLERANCE_SECONDS:
        raise InvalidWebhookError("webhook-timestamp is outside the tolerance")

    signed = f"{message_id}.{timestamp}.".encode() + body
    # The header holds space-separated "v1,<base64>" entries: two of them while SeedGate rotates its secret.
    offered = [entry[3:] for entry in signatures.split() if entry.startswith("v1,")]
    for secret in [secrets] if isinstance(secrets, str) else secrets:
        key = base64.b64decode(secret.removeprefix("whsec_"))
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        if any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return
    raise InvalidWebhookError("no signature matches")
