"""Text + voice → a cached narration WAV with sentence timings; and the list of voices.

Each sentence is synthesised on its own and the clip is assembled here, with a fixed pause
between sentences, so every sentence's start and end come from sample counts — the timings
captions are cued from are the audio's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from service.settings import Settings

from . import cache
from .narration import Narration, SpeechError, TimedText, VoiceInfo, VoiceSpec
from .openai_voices import OpenAISpeaker, openai_voice_names
from .piper_voices import PiperSpeaker, find_model, installed_models
from .sentences import split_sentences

PIPER = "piper"
OPENAI = "openai"
DEFAULT_PIPER_VOICE = "joe"
SPEEDS = (0.25, 4.0)
"""Slowest and fastest speed accepted (OpenAI's range; Piper's length scale is 1/speed)."""


class Speaker(Protocol):
    sample_rate: int

    def cache_identity(self) -> dict[str, object]: ...

    async def speak(self, sentences: Sequence[str]) -> list[bytes]: ...

    async def aclose(self) -> None: ...


def check_voice(voice: VoiceSpec, settings: Settings) -> VoiceSpec:
    """`voice` with the provider's default name filled in; SpeechError (one line) for an unknown
    provider or voice, a speed out of range, or a hosted voice without its key."""
    if not SPEEDS[0] <= voice.speed <= SPEEDS[1]:
        raise SpeechError(f"voice speed {voice.speed:g} is out of range: use {SPEEDS[0]:g} to {SPEEDS[1]:g}")
    provider = voice.provider.strip().lower()
    if provider == PIPER:
        return VoiceSpec(PIPER, find_model(voice.name or DEFAULT_PIPER_VOICE).name, voice.speed)
    if provider != OPENAI:
        raise SpeechError(f"unknown voice provider {voice.provider!r}: use {PIPER} or {OPENAI}")
    name = (voice.name or settings.openai_tts_voice).lower()
    if name not in openai_voice_names():
        raise SpeechError(f"unknown OpenAI voice {name!r}: use one of {', '.join(openai_voice_names())}")
    if not settings.openai_api_key:
        raise SpeechError(
            f"the OpenAI voice {name!r} needs an API key: set OPENAI_API_KEY, or use the offline voice "
            f"{DEFAULT_PIPER_VOICE!r}"
        )
    return VoiceSpec(OPENAI, name, voice.speed)


def speaker_for(voice: VoiceSpec, settings: Settings) -> Speaker:
    voice = check_voice(voice, settings)
    if voice.provider == PIPER:
        return PiperSpeaker(find_model(voice.name), speed=voice.speed, threads=settings.piper_threads)
    return OpenAISpeaker(voice.name, speed=voice.speed, settings=settings)


async def synthesize(text: str, voice: VoiceSpec, *, settings: Settings) -> Narration:
    """The narration of `text`, from the cache when the same text was spoken the same way before."""
    sentences = split_sentences(text)
    if not sentences:
        raise SpeechError("nothing to say: the narration text is empty")
    speaker = speaker_for(voice, settings)
    try:
        pause = settings.tts_sentence_pause
        key = cache.cache_key(sentences, speaker.cache_identity(), pause)
        cached = cache.load(settings.tts_cache_dir, key)
        if cached is not None:
            return cached
        spoken = await speaker.speak(sentences)
    finally:
        await speaker.aclose()
    pcm, phrases = assemble(sentences, spoken, speaker.sample_rate, pause)
    return cache.store(settings.tts_cache_dir, key, pcm, speaker.sample_rate, phrases)


def assemble(
    sentences: Sequence[str], spoken: Sequence[bytes], sample_rate: int, pause: float
) -> tuple[bytes, list[TimedText]]:
    """One clip from per-sentence PCM with `pause` seconds of silence between sentences, and
    each sentence's span in it (the first starts at 0, the last ends at the clip's end)."""
    gap = b"\0\0" * round(pause * sample_rate)
    parts: list[bytes] = []
    phrases: list[TimedText] = []
    at = 0
    for i, (sentence, pcm) in enumerate(zip(sentences, spoken, strict=True)):
        if i:
            parts.append(gap)
            at += len(gap) // 2
        n = len(pcm) // 2
        phrases.append(TimedText(at / sample_rate, (at + n) / sample_rate, sentence))
        parts.append(pcm)
        at += n
    return b"".join(parts), phrases


def available_voices(settings: Settings) -> list[VoiceInfo]:
    """Piper voices installed as packages, then OpenAI's voices (usable with a key)."""
    voices = [
        VoiceInfo(PIPER, m.name, f"{m.model_id}, offline ({m.package} {m.version})", False, True)
        for m in sorted(installed_models().values(), key=lambda m: m.name)
    ]
    keyed = bool(settings.openai_api_key)
    voices += [
        VoiceInfo(OPENAI, name, f"OpenAI {settings.openai_tts_model}, hosted", True, keyed)
        for name in openai_voice_names()
    ]
    return voices


def voice_from_name(name: str, settings: Settings, *, speed: float = 1.0) -> VoiceSpec:
    """`--voice NAME` → a VoiceSpec: 'joe', 'alloy', or explicit 'piper:joe' / 'openai:alloy'."""
    provider, _, voice = name.strip().rpartition(":")
    if provider:
        return check_voice(VoiceSpec(provider, voice, speed), settings)
    for info in available_voices(settings):
        if info.name.lower() == voice.lower():
            return check_voice(VoiceSpec(info.provider, info.name, speed), settings)
    raise SpeechError(f"unknown voice {name!r}: `seekreel voices` lists the voices you can use")
