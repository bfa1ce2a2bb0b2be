"""Narration: text → speech audio with sentence timings, offline (Piper) or hosted (OpenAI).

from service.speech import VoiceSpec, synthesize
narration = await synthesize("Welcome to Rust. It is fast.", VoiceSpec("piper", "joe"), settings=s)
narration.path, narration.duration, narration.phrases  # WAV in the cache, seconds, timed sentences
"""

from .cache import CacheStats, stats
from .narration import Narration, SpeechError, TimedText, VoiceInfo, VoiceSpec
from .sentences import paragraphs, split_sentences
from .synthesis import available_voices, check_voice, synthesize, voice_from_name

__all__ = [
    "CacheStats",
    "Narration",
    "SpeechError",
    "TimedText",
    "VoiceInfo",
    "VoiceSpec",
    "available_voices",
    "check_voice",
    "paragraphs",
    "split_sentences",
    "stats",
    "synthesize",
    "voice_from_name",
]
