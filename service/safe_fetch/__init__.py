"""Fetching URLs that users hand us, without letting them reach our own network (SSRF guard).

from service.safe_fetch import fetch_url, FetchError
fetched = await fetch_url("https://example.org/cat.gif", settings=settings)
fetched.content_type  # sniffed: "image/gif"

Only http/https; each hop's host is resolved once and every address checked (public only,
unless `SEEKREEL_FETCH_ALLOW_HOSTS` names the host:port); the connection goes to the checked
address; at most 5 redirects; connect/read timeouts and an overall deadline; a byte cap; the
body must start like one of the accepted media types. `fetch_source` also takes a local
path (the command line's), read under the same rules inside one folder.
"""

from .addresses import IPAddress, refusal_reason
from .destination import Resolver, system_resolver
from .errors import FetchError, FetchFailed, FetchRefused
from .fetch import MAX_REDIRECTS, Fetched, fetch_url
from .local_files import fetch_source, read_local, url_scheme
from .sniff import (
    AUDIO_TYPES,
    IMAGE_TYPES,
    MEDIA_TYPES,
    SNIFF_BYTES,
    VIDEO_TYPES,
    accepted_media_type,
    sniff_media_type,
)

__all__ = [
    "AUDIO_TYPES",
    "IMAGE_TYPES",
    "MAX_REDIRECTS",
    "MEDIA_TYPES",
    "SNIFF_BYTES",
    "VIDEO_TYPES",
    "FetchError",
    "FetchFailed",
    "FetchRefused",
    "Fetched",
    "IPAddress",
    "Resolver",
    "accepted_media_type",
    "fetch_source",
    "fetch_url",
    "read_local",
    "refusal_reason",
    "sniff_media_type",
    "system_resolver",
    "url_scheme",
]
