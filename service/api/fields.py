"""Constrained types that request fields share: each rule stated once, for pydantic and for the schema.

A pattern or bound here is what pydantic enforces and what the OpenAPI document publishes.
Bounds that are server settings are marked with `FromSetting` and filled in per server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from sandbox import PLACEHOLDER_NAME, RESOLUTION_PATTERN
from sandbox import Aspect as Aspect  # re-exported: the request fields' one vocabulary
from sandbox import Quality as Quality

SETTING_MARK = "x-seekreel-setting"


@dataclass(frozen=True)
class FromSetting:
    """A bound that is a server setting, so it cannot be a number here.

    The field's JSON schema carries the setting's name; the published document states this
    server's value (`openapi.py`) and the route enforces the same setting (`limits.py`).
    """

    keyword: str
    """The JSON Schema keyword: maxLength, maximum or enum."""
    setting: str

    def __get_pydantic_json_schema__(
        self, core: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core)
        schema.setdefault(SETTING_MARK, {})[self.keyword] = self.setting
        return schema


VariableName = Annotated[str, Field(pattern=f"^{PLACEHOLDER_NAME}$")]
VariableValue = str | int | float | bool
Variables = Annotated[
    dict[VariableName, VariableValue], Field(json_schema_extra={"additionalProperties": False})
]
VISIBLE = r"[^\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
"""A character that is not blank in any of JSON Schema's, Rust's or Python's regexes (their `\\s` differ)."""
PromptText = Annotated[
    str,
    Field(pattern=VISIBLE, description="Plain words; at most this server's prompt limit (413)."),
    FromSetting("maxLength", "max_prompt_chars"),
]
HtmlText = Annotated[
    str,
    Field(
        description="A composition: one self-contained HTML document, at most this many UTF-8 bytes (413)."
    ),
    FromSetting("maxLength", "max_html_bytes"),
]
Seconds = Annotated[float, Field(gt=0), FromSetting("maximum", "max_duration")]
ProviderName = Annotated[str, FromSetting("enum", "providers")]


def _known_resolution(value: str) -> str:
    """RESOLUTION_PATTERN, with a message a person can act on (pydantic's would quote the regex)."""
    if not re.fullmatch(RESOLUTION_PATTERN, value):
        raise ValueError(f"unknown resolution {value!r}: use 360p, 480p, 720p, 1080p, …, WxH or auto")
    return value


Resolution = Annotated[
    str,
    AfterValidator(_known_resolution),
    Field(
        description="Output size: a named size (the short side) or WxH matching the layout's aspect; "
        "auto/native or omitted: the layout size.",
        examples=["720p"],
        json_schema_extra={"pattern": RESOLUTION_PATTERN},
    ),
]
MAX_STORED_INT = 2**31 - 1
"""The largest integer every supported database stores: a version number beyond it cannot exist."""
VersionNumber = Annotated[int, Field(ge=1, le=MAX_STORED_INT)]
