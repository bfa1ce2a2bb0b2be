"""The bundled fonts: the only fonts a page sees, so text renders the same on every machine.

The font files come from Debian packages (fonts-inter, fonts-noto-core, fonts-noto-mono,
fonts-noto-color-emoji, fonts-jetbrains-mono). The browser is started with
FONTCONFIG_FILE pointing at a config that lists only those files and maps the generic
families (and the usual system names) onto them; no font is ever fetched.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

FONT_ROOT = Path("/usr/share/fonts")


@dataclass(frozen=True)
class FontFamily:
    name: str
    package: str
    globs: tuple[str, ...]
    text: bool = True
    """A family to set text in (the emoji font only supplies emoji glyphs)."""


FAMILIES: tuple[FontFamily, ...] = (
    FontFamily("Inter", "fonts-inter", ("opentype/inter/Inter-*.otf", "opentype/inter/InterDisplay-*.otf")),
    FontFamily("Noto Sans", "fonts-noto-core", ("truetype/noto/NotoSans-*.ttf",)),
    FontFamily("Noto Serif", "fonts-noto-core", ("truetype/noto/NotoSerif-*.ttf",)),
    FontFamily("Noto Sans Mono", "fonts-noto-mono", ("truetype/noto/NotoSansMono-*.ttf",)),
    FontFamily("JetBrains Mono", "fonts-jetbrains-mono", ("truetype/jetbrains-mono/JetBrainsMono-*.ttf",)),
    FontFamily(
        "Noto Color Emoji", "fonts-noto-color-emoji", ("truetype/noto/NotoColorEmoji.ttf",), text=False
    ),
)
TEXT_FAMILIES: tuple[str, ...] = tuple(f.name for f in FAMILIES if f.text)

# Generic and common system family names → bundled families, in preference order.
ALIASES: dict[str, tuple[str, ...]] = {
    "sans-serif": ("Inter", "Noto Sans", "Noto Color Emoji"),
    "system-ui": ("Inter", "Noto Sans", "Noto Color Emoji"),
    "ui-sans-serif": ("Inter", "Noto Sans", "Noto Color Emoji"),
    "-apple-system": ("Inter",),
    "BlinkMacSystemFont": ("Inter",),
    "Segoe UI": ("Inter",),
    "Roboto": ("Inter",),
    "Helvetica": ("Inter",),
    "Helvetica Neue": ("Inter",),
    "Arial": ("Inter",),
    "serif": ("Noto Serif", "Noto Color Emoji"),
    "ui-serif": ("Noto Serif", "Noto Color Emoji"),
    "Georgia": ("Noto Serif",),
    "Times New Roman": ("Noto Serif",),
    "Times": ("Noto Serif",),
    "monospace": ("JetBrains Mono", "Noto Sans Mono", "Noto Color Emoji"),
    "ui-monospace": ("JetBrains Mono", "Noto Sans Mono"),
    "Courier New": ("JetBrains Mono",),
    "Menlo": ("JetBrains Mono",),
    "emoji": ("Noto Color Emoji",),
    "cursive": ("Noto Serif",),
    "fantasy": ("Inter",),
}


def font_files(family: FontFamily) -> list[Path]:
    return sorted(p for g in family.globs for p in FONT_ROOT.glob(g))


def found_families() -> dict[str, int]:
    """Family name → number of files found (0 = missing)."""
    return {f.name: len(font_files(f)) for f in FAMILIES}


def fontconfig_file(cache_root: Path | None = None) -> Path:
    """Write (once) a fonts.conf exposing only the bundled files; returns its path."""
    files = [p for fam in FAMILIES for p in font_files(fam)]
    digest = hashlib.sha256("\n".join(map(str, files)).encode()).hexdigest()[:12]
    root = (cache_root or _cache_home()) / f"fonts-{digest}"
    conf = root / "fonts.conf"
    if conf.exists():
        return conf
    font_dir = root / "files"
    font_dir.mkdir(parents=True, exist_ok=True)
    for src in files:
        link = font_dir / src.name
        if not link.exists():
            link.symlink_to(src)
    aliases = "\n".join(
        f'  <alias binding="same"><family>{_xml(name)}</family><prefer>'
        + "".join(f"<family>{_xml(t)}</family>" for t in targets)
        + "</prefer></alias>"
        for name, targets in ALIASES.items()
    )
    text = f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>{_xml(str(font_dir))}</dir>
  <cachedir>{_xml(str(root / "cache"))}</cachedir>
  <config><rescan><int>0</int></rescan></config>
  <match target="pattern"><edit name="family" mode="append_last"><string>Inter</string></edit></match>
  <match target="font"><edit name="antialias" mode="assign"><bool>true</bool></edit>
    <edit name="hinting" mode="assign"><bool>false</bool></edit>
    <edit name="rgba" mode="assign"><const>none</const></edit></match>
{aliases}
</fontconfig>
"""
    tmp = conf.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(text)
    tmp.replace(conf)
    return conf


def _cache_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "seekreel"


def _xml(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
