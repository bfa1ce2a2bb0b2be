"""A brand kit (colours, fonts) from settings or a request, so "our orange" means the brand's orange.

Colours may carry a name: `orange=#ff6a00,ink=#111827`. The prompt tells the model that
the brief's "orange" is that exact value; the offline composer gets the values in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_COLOR_RE = re.compile(r"^(#[0-9a-fA-F]{3,8}|(rgb|rgba|hsl|hsla)\([0-9.,%\s/a-z-]+\)|[a-zA-Z]{3,30})$")
_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9 _-]{0,30}$")
_FONT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,60}$")


@dataclass(frozen=True)
class BrandColor:
    value: str
    name: str | None = None


@dataclass(frozen=True)
class Brand:
    colors: tuple[BrandColor, ...] = ()
    fonts: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.colors and not self.fonts

    @property
    def color_values(self) -> list[str]:
        return [c.value for c in self.colors]

    def over(self, base: Brand) -> Brand:
        """This brand's colours and fonts where given, else `base`'s (request over settings)."""
        return Brand(colors=self.colors or base.colors, fonts=self.fonts or base.fonts)

    @classmethod
    def parse(
        cls,
        colors: str | Iterable[str] | Mapping[str, str] | None = None,
        fonts: str | Iterable[str] | None = None,
    ) -> Brand:
        """From 'orange=#ff6a00,#111827' (or a list, or a {name: value} mapping) and 'Inter,Noto Serif'.

        Raises ValueError with a one-line message for anything that is not a colour or a font name
        (this text goes into a CSS value and a prompt, so it is kept strict).
        """
        items = [f"{k}={v}" for k, v in colors.items()] if isinstance(colors, Mapping) else _split(colors)
        return cls(colors=tuple(_color(item) for item in items), fonts=tuple(_font(f) for f in _split(fonts)))

    @classmethod
    def from_settings(cls, settings: object) -> Brand:
        return cls.parse(getattr(settings, "brand_colors", None), getattr(settings, "brand_fonts", None))


def _split(raw: str | Iterable[str] | None) -> list[str]:
    if raw is None:
        return []
    parts = raw.split(",") if isinstance(raw, str) else list(raw)
    return [p.strip() for p in parts if p and p.strip()]


def _color(item: str) -> BrandColor:
    name, _, value = item.rpartition("=") if "=" in item else ("", "", item)
    name, value = name.strip(), value.strip()
    if not _COLOR_RE.match(value):
        raise ValueError(f"brand colour {value!r} is not a CSS colour: use e.g. #ff6a00 or orange=#ff6a00")
    if name and not _NAME_RE.match(name):
        raise ValueError(f"brand colour name {name!r} is not a plain word: use e.g. orange=#ff6a00")
    return BrandColor(value=value, name=name or None)


def _font(name: str) -> str:
    if not _FONT_RE.match(name):
        raise ValueError(f"brand font {name!r} is not a font family name: use e.g. Inter")
    return name
