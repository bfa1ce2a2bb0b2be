"""Colours for the offline composer: names people say ("orange", "navy", "dark blue") → hex,
moods ("warm", "calm") → palettes, and the contrast rule that keeps text readable.

Values are tuned to look good on screen rather than to match CSS's named colours exactly
("blue" is a pleasant #3b82f6, not #0000ff).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COLOR_NAMES: dict[str, str] = {
    "black": "#0a0a0a",
    "white": "#ffffff",
    "gray": "#6b7280",
    "grey": "#6b7280",
    "silver": "#c0c4cc",
    "charcoal": "#1f2328",
    "slate": "#334155",
    "red": "#ef4444",
    "crimson": "#dc143c",
    "scarlet": "#ff2400",
    "maroon": "#7f1d1d",
    "burgundy": "#800020",
    "orange": "#ff7a1a",
    "tangerine": "#ff8c1a",
    "amber": "#f59e0b",
    "gold": "#e0b23c",
    "golden": "#e0b23c",
    "yellow": "#facc15",
    "mustard": "#d4a017",
    "lime": "#84cc16",
    "green": "#22c55e",
    "emerald": "#10b981",
    "mint": "#6ee7b7",
    "olive": "#6b8e23",
    "forest": "#14532d",
    "teal": "#14b8a6",
    "turquoise": "#2dd4bf",
    "aqua": "#22d3ee",
    "cyan": "#22d3ee",
    "sky": "#38bdf8",
    "blue": "#3b82f6",
    "cobalt": "#0047ab",
    "royal": "#4169e1",
    "navy": "#0b1f3a",
    "indigo": "#6366f1",
    "violet": "#8b5cf6",
    "purple": "#a855f7",
    "lavender": "#c4b5fd",
    "lilac": "#c8a2c8",
    "magenta": "#e11d74",
    "fuchsia": "#d946ef",
    "pink": "#ec4899",
    "hot pink": "#ff3d81",
    "rose": "#f43f5e",
    "coral": "#ff6f61",
    "salmon": "#fa8072",
    "peach": "#ffb38a",
    "brown": "#8b5a2b",
    "chocolate": "#4a2c1a",
    "tan": "#d2b48c",
    "beige": "#f1e6d2",
    "cream": "#fbf3e8",
    "ivory": "#fffff0",
    "sand": "#e6d3a3",
    "sky blue": "#38bdf8",
    "royal blue": "#4169e1",
    "baby blue": "#a5d8ff",
    "light blue": "#93c5fd",
    "dark blue": "#0b1a33",
    "midnight blue": "#0b1026",
    "navy blue": "#0b1f3a",
    "light green": "#86efac",
    "dark green": "#0f2e1d",
    "forest green": "#14532d",
    "neon green": "#39ff14",
    "light gray": "#e5e7eb",
    "light grey": "#e5e7eb",
    "dark gray": "#1f2328",
    "dark grey": "#1f2328",
    "off white": "#f8f7f4",
    "off-white": "#f8f7f4",
    "dark red": "#450a0a",
    "dark purple": "#1e0b36",
    "deep purple": "#2e1065",
    "light purple": "#d8b4fe",
    "light pink": "#fbcfe8",
    "pastel pink": "#f9c6d8",
    "pastel blue": "#b8d8f8",
    "pastel green": "#bfe8c8",
    "dark orange": "#c2410c",
    "burnt orange": "#cc5500",
    "neon pink": "#ff2d95",
    "neon blue": "#1f51ff",
    "electric blue": "#2f6bff",
}

_NAME_ALTERNATION = "|".join(sorted((re.escape(n) for n in COLOR_NAMES), key=len, reverse=True))
COLOR_WORD_RE = re.compile(
    rf"(?<![\w-])(?:(dark|deep|light|pale|bright|neon|pastel|vivid)\s+)?({_NAME_ALTERNATION})(?![\w-])", re.I
)
HEX_RE = re.compile(r"(?<![\w&])#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})(?![0-9a-zA-Z])")
RGB_FUNC_RE = re.compile(r"\brgba?\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*(?:,\s*[\d.]+\s*)?\)", re.I)
_SAFE_CSS_COLOR_RE = re.compile(
    r"^(#[0-9a-fA-F]{3,8}|(?:rgb|rgba|hsl|hsla)\([0-9.,%\s/a-z-]+\)|[a-zA-Z]{3,30})$"
)


@dataclass(frozen=True)
class Palette:
    """A mood's colours. Keys match the templates' colour variables."""

    bg: str
    accent: str
    text: str


MOODS: dict[str, tuple[Palette, Palette]] = {
    # mood: (on a dark background, on a light background)
    "dark": (Palette("#0d1117", "#ff7a1a", "#f4f1ea"), Palette("#0d1117", "#ff7a1a", "#f4f1ea")),
    "light": (Palette("#f8f7f4", "#2563eb", "#111827"), Palette("#f8f7f4", "#2563eb", "#111827")),
    "warm": (Palette("#1f1410", "#f59e0b", "#fbefe2"), Palette("#fdf3e7", "#e4572e", "#2a1d15")),
    "calm": (Palette("#0f1d24", "#7dd3c0", "#e8f1f2"), Palette("#eef5f3", "#2f8f83", "#12302c")),
    "energetic": (Palette("#120726", "#ff3d81", "#ffffff"), Palette("#fff4d6", "#ff3d81", "#1a0b2e")),
    "corporate": (Palette("#0b1f3a", "#3b82f6", "#f1f5f9"), Palette("#f5f7fb", "#1d4ed8", "#0f172a")),
    "elegant": (Palette("#0c0c0c", "#d4af37", "#f5f0e6"), Palette("#f7f3ea", "#a67c00", "#1c1917")),
    "playful": (Palette("#1b1035", "#ffb020", "#ffffff"), Palette("#fff7e0", "#ff5c8a", "#1f1147")),
    "tech": (Palette("#05060f", "#22d3ee", "#e6f1ff"), Palette("#f1f5f9", "#0891b2", "#0f172a")),
}

MOOD_WORDS: dict[str, str] = {
    "dark": "dark",
    "moody": "dark",
    "night": "dark",
    "light": "light",
    "bright": "light",
    "minimal": "light",
    "minimalist": "light",
    "clean": "light",
    "airy": "light",
    "warm": "warm",
    "warmer": "warm",
    "cozy": "warm",
    "cosy": "warm",
    "autumn": "warm",
    "autumnal": "warm",
    "sunset": "warm",
    "rustic": "warm",
    "calm": "calm",
    "calmer": "calm",
    "cooler": "calm",
    "soft": "calm",
    "serene": "calm",
    "relaxing": "calm",
    "peaceful": "calm",
    "soothing": "calm",
    "gentle": "calm",
    "pastel": "calm",
    "energetic": "energetic",
    "vibrant": "energetic",
    "bold": "energetic",
    "punchy": "energetic",
    "exciting": "energetic",
    "hype": "energetic",
    "dynamic": "energetic",
    "loud": "energetic",
    "corporate": "corporate",
    "professional": "corporate",
    "business": "corporate",
    "formal": "corporate",
    "elegant": "elegant",
    "luxury": "elegant",
    "luxurious": "elegant",
    "premium": "elegant",
    "classy": "elegant",
    "sophisticated": "elegant",
    "playful": "playful",
    "fun": "playful",
    "cheerful": "playful",
    "kids": "playful",
    "whimsical": "playful",
    "tech": "tech",
    "techy": "tech",
    "futuristic": "tech",
    "cyber": "tech",
    "cyberpunk": "tech",
    "neon": "tech",
    "sci-fi": "tech",
}

_MODIFIED: dict[str, float] = {"dark": -0.62, "deep": -0.45, "light": 0.55, "pale": 0.7, "pastel": 0.6}


def named_color(modifier: str | None, name: str) -> str:
    """'dark' + 'blue' → a dark blue. Combined names ("dark blue") win over the modifier rule."""
    name = name.lower()
    modifier = (modifier or "").lower()
    combined = f"{modifier} {name}".strip()
    if combined in COLOR_NAMES:
        return COLOR_NAMES[combined]
    base = COLOR_NAMES[name]
    if modifier in _MODIFIED:
        return mix(base, "#ffffff" if _MODIFIED[modifier] > 0 else "#000000", abs(_MODIFIED[modifier]))
    if modifier in ("bright", "neon", "vivid"):
        return saturate(base)
    return base


def normalize_css_color(value: str) -> str | None:
    """A colour given as hex, rgb()/hsl() or a known name → a safe CSS colour; None if it is not one."""
    value = value.strip()
    if HEX_RE.fullmatch(value):
        return expand_hex(value)
    if value.lower() in COLOR_NAMES:
        return COLOR_NAMES[value.lower()]
    m = COLOR_WORD_RE.fullmatch(value)
    if m:
        return named_color(m.group(1), m.group(2))
    if _SAFE_CSS_COLOR_RE.match(value) and not value.isalpha():
        return value
    return None


def expand_hex(value: str) -> str:
    h = value.lstrip("#").lower()
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return f"#{h[:6]}"


def to_rgb(color: str) -> tuple[int, int, int] | None:
    """Hex or rgb()/rgba() → (r, g, b); None for anything else (hsl(), unknown names)."""
    color = color.strip()
    if color.lower() in COLOR_NAMES:
        color = COLOR_NAMES[color.lower()]
    if HEX_RE.fullmatch(color) or re.fullmatch(r"#[0-9a-fA-F]{8}", color):
        h = expand_hex(color)[1:]
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    m = re.match(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)", color, re.I)
    if m:
        r, g, b = (min(255, int(v)) for v in m.groups())
        return r, g, b
    return None


def luminance(color: str) -> float | None:
    """WCAG relative luminance in 0..1, or None when the colour cannot be read."""
    rgb = to_rgb(color)
    if rgb is None:
        return None

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def is_dark(color: str) -> bool | None:
    lum = luminance(color)
    return None if lum is None else lum < 0.22


def saturation(color: str) -> float:
    rgb = to_rgb(color)
    if rgb is None:
        return 0.0
    hi, lo = max(rgb), min(rgb)
    return 0.0 if hi == 0 else (hi - lo) / hi


def mix(a: str, b: str, amount: float) -> str:
    """`amount` of b into a (0 → a, 1 → b), for hex/rgb colours; `a` unchanged otherwise."""
    ra, rb = to_rgb(a), to_rgb(b)
    if ra is None or rb is None:
        return a
    return "#" + "".join(f"{round(x + (y - x) * amount):02x}" for x, y in zip(ra, rb, strict=True))


def saturate(color: str) -> str:
    rgb = to_rgb(color)
    if rgb is None:
        return color
    hi, lo = max(rgb), min(rgb)
    if hi == lo:
        return color
    out = [round((c - lo) / (hi - lo) * 255) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in out)


def readable_text(bg: str, current: str | None = None) -> str:
    """A text colour that reads on `bg`: `current` if it already contrasts enough, else near-black/white."""
    lb = luminance(bg)
    if lb is None:
        return current or "#f5f5f4"
    if current is not None:
        lc = luminance(current)
        if lc is not None and contrast(lb, lc) >= 4.5:
            return current
    return "#111318" if lb > 0.4 else "#f5f5f4"


def contrast(l1: float, l2: float) -> float:
    hi, lo = max(l1, l2), min(l1, l2)
    return (hi + 0.05) / (lo + 0.05)
