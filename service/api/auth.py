"""API keys and OAuth2 client credentials; who the caller is; signed download links.

With neither configured the API is open (and `seekreel serve` only allows that on a
loopback address unless told otherwise). Otherwise every API route needs
`Authorization: Bearer <api key or access token>` — or the bare key or token, as clients of
the hosted storyboard API send it; the token endpoint trades a client id and secret (form or
JSON body) for a short-lived, HMAC-signed access token (stateless: nothing to store).
The `access_token` query parameter is accepted too (RFC 6750 §2.3) because a browser's
`<video src>` cannot send headers, and so is a signed link (`expires` + `signature`, made
by `AuthConfig.sign_path`) for one path, which is how `videoUrl` downloads need no header.

The caller's identity (`CallerId`) is the OAuth client id, `key-<digest>` for an API key,
or `anonymous` when the API is open: projects belong to it. A review grant (`X-Seekreel-Grant`
header or `grant` query parameter, made by `AuthConfig.grant` for the editor links the Slack
bot hands out) makes the caller the owner of one project, on that project's `/projects/{id}…`
routes only: the Slack person it belongs to has no key, and on those routes needs none.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError

from ..settings import Settings
from .errors import ApiError
from .schemas import OAuthErrorOut, TokenOut, TokenRequest

TOKEN_PREFIX = "srt_"
ANONYMOUS = "anonymous"
SIGNED_LINK = "signed-link"
GRANT_HEADER = "X-Seekreel-Grant"
GRANT_QUERY = "grant"


@dataclass(frozen=True)
class AuthConfig:
    api_keys: frozenset[str]
    clients: dict[str, str]
    secret: bytes
    ttl: int

    @property
    def enabled(self) -> bool:
        return bool(self.api_keys or self.clients)

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthConfig:
        secret = settings.token_secret.encode() if settings.token_secret else secrets.token_bytes(32)
        return cls(
            api_keys=parse_api_keys(settings.api_keys),
            clients=parse_clients(settings.oauth_clients),
            secret=secret,
            ttl=max(60, settings.token_ttl),
        )

    def issue_token(self, client_id: str, now: float | None = None) -> str:
        claims = {"sub": client_id, "exp": int((now or time.time()) + self.ttl)}
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{TOKEN_PREFIX}{payload}.{self._sign(payload)}"

    def token_subject(self, token: str, now: float | None = None) -> str | None:
        """The client id of a valid, unexpired token this server issued; else None."""
        if not token.startswith(TOKEN_PREFIX) or "." not in token:
            return None
        payload, _, signature = token[len(TOKEN_PREFIX) :].partition(".")
        if not hmac.compare_digest(signature, self._sign(payload)):
            return None
        try:
            claims = json.loads(_unb64(payload))
        except (ValueError, binascii.Error):
            return None
        if not isinstance(claims, dict) or claims.get("exp", 0) < (now or time.time()):
            return None
        if claims.get("sub") not in self.clients:  # a removed client's tokens stop working
            return None
        return str(claims["sub"])

    def identity(self, credential: str) -> str | None:
        """Who a valid API key or token belongs to (`key-<digest>` or the client id); else None."""
        for key in self.api_keys:
            if hmac.compare_digest(credential.encode(), key.encode()):
                return "key-" + hashlib.sha256(key.encode()).hexdigest()[:12]
        return self.token_subject(credential)

    def sign_path(self, path: str, ttl: int, now: float | None = None) -> str:
        """`path?expires=…&signature=…`: GET works on that path alone, without a key, until it expires."""
        expires, signature = self._sign_link(path, ttl, now)
        return f"{path}?{urlencode({'expires': expires, 'signature': signature})}"

    def grant(self, project_id: str, ttl: int, now: float | None = None) -> str:
        """`<expires>.<signature>`: a signed link to the project's review scope, which the editor
        sends along on that project's routes (`grant_valid`)."""
        expires, signature = self._sign_link(_grant_scope(project_id), ttl, now)
        return f"{expires}.{signature}"

    def grant_valid(self, project_id: str, grant: str, now: float | None = None) -> bool:
        expires, _, signature = grant.partition(".")
        return self.signed_link_valid(_grant_scope(project_id), expires, signature, now)

    def signed_link_valid(self, path: str, expires: str, signature: str, now: float | None = None) -> bool:
        if not expires.isdigit() or int(expires) < (now or time.time()):
            return False
        return hmac.compare_digest(signature, self._sign(_link_payload(path, int(expires))))

    def _sign_link(self, path: str, ttl: int, now: float | None) -> tuple[int, str]:
        expires = int((now or time.time()) + ttl)
        return expires, self._sign(_link_payload(path, expires))

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self.secret, payload.encode(), hashlib.sha256).digest())


def parse_api_keys(raw: str | None) -> frozenset[str]:
    return frozenset(k.strip() for k in (raw or "").split(",") if k.strip())


def parse_clients(raw: str | None) -> dict[str, str]:
    """`id:secret,id2:secret2` → {id: secret}. A pair without a colon is a configuration error."""
    clients: dict[str, str] = {}
    for pair in (raw or "").split(","):
        if not pair.strip():
            continue
        client_id, sep, secret = pair.strip().partition(":")
        if not sep or not client_id or not secret:
            raise ValueError(
                f"SEEKREEL_OAUTH_CLIENTS: {client_id or pair.strip()!r} is not of the form client_id:client_secret"
            )
        clients[client_id] = secret
    return clients


_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="API key or access token",
    description="An API key (SEEKREEL_API_KEYS) or a token from POST /oauth2/token.",
)


async def require_auth(
    request: Request, bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> str:
    """Dependency for every API route: a review grant on its project's routes; else a valid API key,
    access token or signed link, when auth is configured. Returns the caller's identity."""
    config: AuthConfig = request.app.state.auth
    owner = await _granted_owner(request, config)
    if owner is not None:
        return owner
    if not config.enabled:
        return ANONYMOUS
    query = request.query_params
    if request.method in ("GET", "HEAD") and "signature" in query:
        if config.signed_link_valid(request.url.path, query.get("expires", ""), query["signature"]):
            return SIGNED_LINK
        raise ApiError(403, "link_expired", "this signed link has expired or is not valid: ask for a new one")
    credential = bearer.credentials if bearer else _bare_token(request.headers.get("authorization", ""))
    credential = credential or query.get("access_token", "")
    if not credential.strip():
        raise ApiError(
            401,
            "unauthorized",
            "this server needs an API key: send Authorization: Bearer <key> "
            "(or get a token from POST /oauth2/token)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    identity = config.identity(credential.strip())
    if identity is None:
        raise ApiError(
            401,
            "unauthorized",
            "the API key or access token is not valid (or has expired)",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return identity


async def _granted_owner(request: Request, config: AuthConfig) -> str | None:
    """The owner of the project whose route this is, when the request carries a valid grant for it.

    A grant is looked at only on `/projects/{id}…`; elsewhere the usual rules apply, so it opens
    no other route. Checked against the project the path names, a grant for another project
    (or a tampered or expired one) is refused outright."""
    grant = request.headers.get(GRANT_HEADER) or request.query_params.get(GRANT_QUERY)
    project_id = _project_in_path(request.url.path)
    if not grant or project_id is None:
        return None
    if not config.grant_valid(project_id, grant):
        raise ApiError(
            403,
            "review_link_expired",
            "this review link has expired or is not for this project: click “Open in editor” "
            "on the video's card in Slack for a new one",
        )
    project = await request.app.state.services.projects.find(project_id)  # ProjectNotFound → 404
    return str(project.user_id)


def _project_in_path(path: str) -> str | None:
    """`id` of `/projects/{id}` or `/projects/{id}/…`; None for any other path."""
    parts = path.split("/")
    return parts[2] if len(parts) > 2 and parts[1] == "projects" and parts[2] else None


def _grant_scope(project_id: str) -> str:
    """What a review grant signs: a path no route serves, so a grant is never a download link."""
    return f"/projects/{project_id}/review"


def _link_payload(path: str, expires: int) -> str:
    return f"link {path} {expires}"  # unlike a token payload, so neither signs the other


def _bare_token(header: str) -> str:
    """`Authorization: <token>` with no scheme, as the hosted storyboard API's clients send it."""
    header = header.strip()
    return header if header and " " not in header else ""


Authorized = Depends(require_auth)
CallerId = Annotated[str, Depends(require_auth)]
"""The caller's identity: projects and storyboard jobs belong to it."""

token_router = APIRouter(tags=["auth"])

_JSON_TOKEN_REQUEST = {**TokenRequest.model_json_schema(), "required": ["client_id", "client_secret"]}
"""The hosted storyboard API's JSON form of the request: grant_type may be left out."""
TOKEN_PATHS = ("/oauth2/token", "/v1/oauth2/token", "/pictoryapis/v1/oauth2/token")
"""Where tokens are issued: seekreel's own path, and the hosted storyboard API's (with and without its prefix)."""


async def issue_token(request: Request) -> JSONResponse:
    """Trade a client id and secret for a Bearer token (RFC 6749 §4.4): form fields, HTTP Basic,
    or a JSON body `{"client_id", "client_secret"}` as the hosted storyboard API takes it.

    The body is read here rather than by FastAPI so that every answer, a malformed request
    too, has OAuth2's own error shape, which OAuth client libraries expect.
    """
    config: AuthConfig = request.app.state.auth
    fields = await _token_fields(request)
    if fields is None:
        return _oauth_error(400, "invalid_request", "send a form, or a JSON object")
    if "grant_type" not in fields:
        return _oauth_error(400, "invalid_request", "send grant_type=client_credentials")
    try:
        form = TokenRequest.model_validate(fields)
    except ValidationError as exc:
        if any(e["loc"] == ("grant_type",) for e in exc.errors()):
            return _oauth_error(
                400, "unsupported_grant_type", "only grant_type=client_credentials is supported"
            )
        return _oauth_error(400, "invalid_request", "client_id and client_secret are text")
    basic = _basic_credentials(request.headers.get("authorization", ""))
    client_id, client_secret = basic or (form.client_id, form.client_secret)
    expected = config.clients.get(client_id)
    if expected is None or not hmac.compare_digest(expected.encode(), client_secret.encode()):
        return _oauth_error(401, "invalid_client", "unknown client, or a wrong or missing secret")
    token = TokenOut(access_token=config.issue_token(client_id), token_type="Bearer", expires_in=config.ttl)
    return JSONResponse(token.model_dump(), headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


for _path in TOKEN_PATHS:
    token_router.add_api_route(
        _path,
        issue_token,
        methods=["POST"],
        response_model=TokenOut,
        summary="OAuth2 client credentials → access token",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {"schema": TokenRequest.model_json_schema()},
                    "application/json": {"schema": _JSON_TOKEN_REQUEST},
                },
            }
        },
        responses={
            400: {"model": OAuthErrorOut, "description": "invalid_request or unsupported_grant_type"},
            401: {
                "model": OAuthErrorOut,
                "description": "invalid_client: unknown client, wrong or no secret",
            },
        },
    )


async def _token_fields(request: Request) -> dict[str, Any] | None:
    """The request's fields: a JSON object (grant_type defaults to client_credentials there),
    else the form; None for JSON that is not an object."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return dict(await request.form())
    try:
        data = json.loads(await request.body() or b"null")
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return {"grant_type": "client_credentials", **data}


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    """OAuth2's own error shape (RFC 6749 §5.2), which OAuth client libraries expect."""
    headers = {"WWW-Authenticate": "Basic"} if status == 401 else None
    return JSONResponse({"error": error, "error_description": description}, status, headers=headers)


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, sep, secret = base64.b64decode(value.strip()).decode().partition(":")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return (client_id, secret) if sep else None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
