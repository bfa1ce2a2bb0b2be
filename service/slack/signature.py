"""Slack request signing: every request to the bot must carry a valid signature or nothing happens.

The HMAC itself is `slack_sdk.signature.SignatureVerifier` (HMAC-SHA256 of `v0:{ts}:{raw body}`
with the signing secret, timestamp within five minutes). This module adds what the SDK leaves to
the caller: malformed headers and bodies count as invalid instead of raising, and a FastAPI
dependency turns "invalid" into a 401 before any handler code runs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from fastapi import HTTPException, Request
from slack_sdk.signature import Clock, SignatureVerifier

TIMESTAMP_HEADER = "x-slack-request-timestamp"
SIGNATURE_HEADER = "x-slack-signature"
MAX_BODY_BYTES = 256 * 1024
"""Slack's payloads are a few kilobytes; anything far larger is not from Slack."""


class SlackRequestVerifier:
    """Checks one request's signature; never raises for bad input, only answers False."""

    def __init__(self, signing_secret: str, clock: Clock | None = None) -> None:
        self._verifier = SignatureVerifier(signing_secret, clock or Clock())

    def is_valid(self, body: bytes, headers: Mapping[str, str]) -> bool:
        lowered = {k.lower(): v for k, v in headers.items()}
        timestamp = lowered.get(TIMESTAMP_HEADER, "")
        signature = lowered.get(SIGNATURE_HEADER, "")
        if not timestamp.isascii() or not timestamp.isdigit() or not signature.startswith("v0="):
            return False
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return self._verifier.is_valid(body=body, timestamp=timestamp, signature=signature)


def verified_body(verifier: SlackRequestVerifier) -> Callable[[Request], Awaitable[bytes]]:
    """A FastAPI dependency: the raw body of a correctly signed request, else 401."""

    async def dependency(request: Request) -> bytes:
        declared = request.headers.get("content-length", "0")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise HTTPException(status_code=401, detail="invalid Slack signature")
        body = await request.body()
        if len(body) > MAX_BODY_BYTES or not verifier.is_valid(body, request.headers):
            raise HTTPException(status_code=401, detail="invalid Slack signature")
        return body

    return dependency
