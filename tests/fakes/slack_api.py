"""A fake Slack on 127.0.0.1: the Web API methods the bot uses, the file upload URL, and `response_url`s.

It speaks Slack's wire protocol (form or JSON bodies, `Authorization: Bearer`, `{"ok": false,
"error": …}` answers with HTTP 200) so the real `slack_sdk` clients talk to it unchanged through
their base URL. It records every call, and keeps every message posted in a channel as `chat.update`
left it; tests inspect both. Failures are switched on per
channel (`not_in_channel`, `missing_channels`), for uploads (`upload_status`), for response URLs
(`expired_responses`) and as rate limits (`rate_limit_once`).

Also here: `sign` and the request builders, which sign exactly as Slack does.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    token: str | None


@dataclass
class SharedFile:
    """A file that `files.completeUploadExternal` shared into a channel."""

    file_id: str
    filename: str
    title: str | None
    channel: str
    initial_comment: str | None
    thread_ts: str | None
    data: bytes


@dataclass
class FakeSlack:
    """The fake's state. Use as `with FakeSlack() as slack:`; then `slack.api_url` is the SDK base URL."""

    token: str = "xoxb-fake-bot-token"
    bot_user_id: str = "U0SEEKREEL"
    not_in_channel: set[str] = field(default_factory=set)
    missing_channels: set[str] = field(default_factory=set)
    upload_status: int = 200
    expired_responses: set[str] = field(default_factory=set)
    rate_limit_once: set[str] = field(default_factory=set)
    """Methods answered once with HTTP 429 `ratelimited` (Retry-After: 0), then normally."""
    calls: list[ApiCall] = field(default_factory=list)
    shared: list[SharedFile] = field(default_factory=list)
    responses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """(key, JSON body) posted to `response_url(key)`, in order."""
    uploads: dict[str, bytes] = field(default_factory=dict)
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    """(channel, ts) → the message (`text`, `blocks`) as posted, or as last updated."""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._pending: dict[str, dict[str, Any]] = {}
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    # ---- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> FakeSlack:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
        config = uvicorn.Config(self.app(), log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._server.serve(sockets=[sock])), daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake Slack server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.should_exit = True
        self._thread.join(timeout=10)

    @property
    def api_url(self) -> str:
        """What `SLACK_API_URL` is set to (the SDK appends the method name)."""
        return self.base_url + "api/"

    def response_url(self, key: str) -> str:
        return f"{self.base_url}response/{key}"

    # ---- what tests read -------------------------------------------------------------------

    def methods(self) -> list[str]:
        with self._lock:
            return [c.method for c in self.calls]

    def calls_to(self, method: str) -> list[ApiCall]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def responses_to(self, key: str) -> list[dict[str, Any]]:
        with self._lock:
            return [body for k, body in self.responses if k == key]

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        with self._lock:
            return self.messages.get((channel, ts))

    def delete_message(self, channel: str, ts: str) -> None:
        """What a person deleting the bot's message does: later `chat.update`s get `message_not_found`."""
        with self._lock:
            del self.messages[(channel, ts)]

    def request_count(self) -> int:
        """Everything the fake has been asked: API calls, uploads and response_url posts."""
        with self._lock:
            return len(self.calls) + len(self.uploads) + len(self.responses)

    # ---- the server ------------------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/{method}", self._api, methods=["POST", "GET"]),
                Route("/upload/{file_id}", self._upload, methods=["POST"]),
                Route("/response/{key}", self._response, methods=["POST"]),
            ]
        )

    async def _api(self, request: Request) -> Response:
        method = request.path_params["method"]
        params = await _params(request)
        auth = request.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else params.get("token")
        with self._lock:
            self.calls.append(ApiCall(method, params, token))
        if token != self.token:
            return _error("not_authed" if not token else "invalid_auth")
        with self._lock:
            limited = method in self.rate_limit_once
            self.rate_limit_once.discard(method)
        if limited:
            return JSONResponse(
                {"ok": False, "error": "ratelimited"}, status_code=429, headers={"Retry-After": "0"}
            )
        handler = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._update,
            "files.getUploadURLExternal": self._get_upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }.get(method)
        if handler is None:
            return _error("unknown_method")
        return handler(params)

    def _auth_test(self, params: dict[str, Any]) -> Response:
        return _ok(
            url="https://fake-team.example/",
            team="Fake Team",
            user="seekreel",
            team_id="T0FAKE",
            user_id=self.bot_user_id,
            bot_id="B0FAKE",
        )

    def _post_message(self, params: dict[str, Any]) -> Response:
        if problem := self._channel_problem(params.get("channel")):
            return _error(problem)
        if not params.get("text") and not params.get("blocks"):
            return _error("no_text")
        ts = self._next_ts()
        message = {"type": "message", "user": self.bot_user_id, "ts": ts, **_content(params)}
        with self._lock:
            self.messages[(params["channel"], ts)] = message
        return _ok(channel=params["channel"], ts=ts, message=message)

    def _update(self, params: dict[str, Any]) -> Response:
        """`chat.update`: the message at (channel, ts) gets the new text and blocks (the others stay)."""
        channel, ts = params.get("channel"), params.get("ts")
        if problem := self._channel_problem(channel):
            return _error(problem)
        if not params.get("text") and not params.get("blocks"):
            return _error("no_text")
        with self._lock:
            message = self.messages.get((str(channel), str(ts)))
            if message is None:
                return _error("message_not_found")
            message.update(_content(params))
            message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
            return _ok(channel=channel, ts=ts, text=message.get("text"), message=dict(message))

    def _post_ephemeral(self, params: dict[str, Any]) -> Response:
        if problem := self._channel_problem(params.get("channel")):
            return _error(problem)
        if not params.get("user"):
            return _error("user_not_found")
        return _ok(message_ts=self._next_ts())

    def _get_upload_url(self, params: dict[str, Any]) -> Response:
        filename, length = params.get("filename"), str(params.get("length", ""))
        if not filename or not length.isdigit():
            return _error("invalid_arguments")
        file_id = f"F{next(self._ids):08d}"
        with self._lock:
            self._pending[file_id] = {"filename": filename, "length": int(length)}
        return _ok(upload_url=f"{self.base_url}upload/{file_id}", file_id=file_id)

    def _complete_upload(self, params: dict[str, Any]) -> Response:
        try:
            files = json.loads(params.get("files", ""))
        except json.JSONDecodeError:
            return _error("invalid_arguments")
        channel = params.get("channel_id")
        if channel and (problem := self._channel_problem(channel)):
            return _error(problem)
        done = []
        with self._lock:
            for f in files:
                pending, data = self._pending.get(f.get("id")), self.uploads.get(f.get("id"))
                if pending is None or data is None:
                    return _error("file_not_found")
                if len(data) != pending["length"]:
                    return _error("file_size_mismatch")
                done.append({"id": f["id"], "title": f.get("title"), "name": pending["filename"]})
                if channel:
                    self.shared.append(
                        SharedFile(
                            file_id=f["id"],
                            filename=pending["filename"],
                            title=f.get("title"),
                            channel=channel,
                            initial_comment=params.get("initial_comment"),
                            thread_ts=params.get("thread_ts"),
                            data=data,
                        )
                    )
        return _ok(files=done)

    async def _upload(self, request: Request) -> Response:
        file_id = request.path_params["file_id"]
        data = await request.body()
        if self.upload_status != 200:
            return PlainTextResponse("upload refused", status_code=self.upload_status)
        with self._lock:
            if file_id not in self._pending:
                return PlainTextResponse("no such upload", status_code=404)
            self.uploads[file_id] = data
        return PlainTextResponse(f"OK - {len(data)}")

    async def _response(self, request: Request) -> Response:
        key = request.path_params["key"]
        try:
            body = json.loads(await request.body())
        except json.JSONDecodeError:
            return PlainTextResponse("invalid_payload", status_code=400)
        with self._lock:
            self.responses.append((key, body))
        if key in self.expired_responses:
            return PlainTextResponse("expired_url", status_code=404)
        return PlainTextResponse("ok")

    def _channel_problem(self, channel: str | None) -> str | None:
        if not channel or channel in self.missing_channels:
            return "channel_not_found"
        if channel in self.not_in_channel:
            return "not_in_channel"
        return None

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ids):06d}"


async def _params(request: Request) -> dict[str, Any]:
    """Slack accepts query, form and JSON parameters; the SDK uses form or JSON depending on the method."""
    params: dict[str, Any] = dict(request.query_params)
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        params.update(json.loads(body or b"{}"))
    elif body:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return params


def _content(params: dict[str, Any]) -> dict[str, Any]:
    """A message's text and blocks from a call's parameters (blocks come as JSON text in a form body)."""
    blocks = params.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return {"text": params.get("text") or "", **({"blocks": blocks} if blocks is not None else {})}


def _ok(**fields: Any) -> JSONResponse:
    return JSONResponse({"ok": True, **fields})


def _error(code: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": code})


# ---- requests as Slack sends them ----------------------------------------------------------


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack adds: `v0=` HMAC-SHA256 over `v0:{timestamp}:{body}` keyed by the signing secret."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def command_body(
    text: str,
    *,
    response_url: str,
    channel_id: str = "C0LAUNCH",
    user_id: str = "U0KIRA",
    command: str = "/render",
) -> bytes:
    """A slash command's form body, fields as Slack sends them."""
    return urlencode(
        {
            "token": "deprecated-verification-token",
            "team_id": "T0FAKE",
            "team_domain": "fake-team",
            "channel_id": channel_id,
            "channel_name": "launch",
            "user_id": user_id,
            "user_name": "kira",
            "command": command,
            "text": text,
            "api_app_id": "A0SEEKREEL",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        }
    ).encode()


def interaction_body(payload: dict[str, Any]) -> bytes:
    """An interaction's form body: one `payload` field holding JSON."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def button_click(
    action_id: str,
    value: str,
    *,
    response_url: str,
    channel_id: str = "C0LAUNCH",
    user_id: str = "U0KIRA",
    message_ts: str = "1700000000.000100",
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """A `block_actions` payload for a click on a button in a message the bot posted."""
    message: dict[str, Any] = {"type": "message", "ts": message_ts, "text": "Rendered"}
    container: dict[str, Any] = {"type": "message", "message_ts": message_ts, "channel_id": channel_id}
    if thread_ts:
        message["thread_ts"] = thread_ts
        container["thread_ts"] = thread_ts
    return {
        "type": "block_actions",
        "user": {"id": user_id, "username": "kira", "team_id": "T0FAKE"},
        "api_app_id": "A0SEEKREEL",
        "team": {"id": "T0FAKE", "domain": "fake-team"},
        "container": container,
        "channel": {"id": channel_id, "name": "launch"},
        "message": message,
        "response_url": response_url,
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "b1",
                "value": value,
                "action_ts": "1700000001.000200",
            }
        ],
    }
