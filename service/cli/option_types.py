"""The command line's shared option types: one name, one help text, wherever an option is taken."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sandbox import ASPECTS, DEFAULT_FPS, Quality

PromptArg = Annotated[str, typer.Argument(help="What the video should be, in plain words.")]
ProviderOpt = Annotated[
    str | None,
    typer.Option(
        help="offline (default), openai, anthropic or openai-compatible; default SEEKREEL_PROVIDER."
    ),
]
ModelOpt = Annotated[
    str | None, typer.Option(help="Model name; default SEEKREEL_MODEL or the provider's own.")
]
BaseUrlOpt = Annotated[
    str | None, typer.Option("--base-url", help="Server URL for openai-compatible (Ollama, llama.cpp, vLLM).")
]
DurationOpt = Annotated[float | None, typer.Option(help="Seconds (default: from the prompt, else 6).")]
AspectOpt = Annotated[str | None, typer.Option(help=f"{', '.join(ASPECTS)} (default: from the prompt).")]
FpsOpt = Annotated[float | None, typer.Option(help=f"Frames per second (default {DEFAULT_FPS:g}).")]
AttemptsOpt = Annotated[
    int | None, typer.Option("--max-attempts", min=1, max=10, help="Write/repair rounds (default 3).")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")]
QualityOpt = Annotated[Quality, typer.Option(help="Encoder quality preset.")]
ResolutionOpt = Annotated[str | None, typer.Option(help="720p, 1080p, … or WxH; scales the picture.")]
WorkersOpt = Annotated[int | None, typer.Option(min=1, max=16, help="Parallel browsers (default: by cores).")]
SeekTimeoutOpt = Annotated[
    float | None, typer.Option(min=0.1, help="Seconds one seek may take (default: SEEKREEL_SEEK_TIMEOUT).")
]
VarOpt = Annotated[list[str] | None, typer.Option("--var", help="Set a {{$VAR}}: NAME=VALUE (repeatable).")]
VarsFileOpt = Annotated[Path | None, typer.Option("--vars-file", help="JSON object of variables.")]
