"""The soundtrack: clips at sample offsets, a ducked music bed, loudness near −16 LUFS, and the
mux with a video — checked by decoding what ffmpeg wrote."""

from __future__ import annotations

import asyncio
import re
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from sandbox.encode import ffmpeg_exe
from service.settings import Settings
from service.soundtrack import RATE, MusicBed, PlacedClip, SoundtrackError, mix_soundtrack, mux
from service.speech import VoiceSpec, synthesize
from tests.media import decode_audio as decode
from tests.media import rms, video_info

FPS = 30


def tone_wav(path: Path, seconds: float, *, rate: int, frequency: float = 1000.0) -> Path:
    t = np.arange(round(seconds * rate)) / rate
    pcm = (0.5 * 32767 * np.sin(2 * np.pi * frequency * t)).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def ffmpeg(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([ffmpeg_exe(), "-hide_banner", "-y", *args], capture_output=True, check=True)


def music_file(path: Path, seconds: float, frequency: float = 200.0) -> Path:
    """A short stereo MP3 (shorter than the video, so the mix must loop it)."""
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency={frequency}:sample_rate=44100", "-t", str(seconds),
           "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k", str(path))  # fmt: skip
    return path


def level_at(x: np.ndarray, frequency: float) -> float:
    """Amplitude of one frequency in a stretch of mono samples (a single-bin DFT)."""
    t = np.arange(len(x)) / RATE
    return float(abs(np.sum(x * np.exp(-2j * np.pi * frequency * t))) * 2 / len(x))


def integrated_loudness(path: Path) -> float:
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    summary = proc.stderr[proc.stderr.rindex("Summary:") :]
    found = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    assert found, summary
    return float(found.group(1))


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1.5 s of 160x90 H.264 at 30 fps, muxed the way the renderer's output is (90 kHz timescale)."""
    path = tmp_path_factory.mktemp("video") / "picture.mp4"
    ffmpeg("-f", "lavfi", "-i", f"testsrc=size=160x90:rate={FPS}", "-frames:v", "45",
           "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
           "-video_track_timescale", "90000", "-fflags", "+bitexact", "-map_metadata", "-1", str(path))  # fmt: skip
    return path


def test_clips_start_on_their_offsets(tmp_path: Path) -> None:
    a = tone_wav(tmp_path / "a.wav", 0.4, rate=22050)
    b = tone_wav(tmp_path / "b.wav", 0.4, rate=24000)
    out = asyncio.run(mix_soundtrack([PlacedClip(a, 0.25), PlacedClip(b, 1.0)], 2.0, tmp_path / "mix.wav"))
    mix = decode(out)[:, 0]
    assert len(mix) == 2 * RATE
    onsets = np.flatnonzero(np.abs(mix) > 0.05)
    first_onset = int(onsets[0])
    second_onset = int(onsets[onsets > 0.8 * RATE][0])
    assert abs(first_onset - 0.25 * RATE) <= 48  # within 1 ms (the resamplers' filters smear edges)
    assert abs(second_onset - 1.0 * RATE) <= 48
    assert rms(mix[: round(0.24 * RATE)]) < 1e-4  # silence before the first clip
    assert rms(mix[round(0.7 * RATE) : round(0.99 * RATE)]) < 1e-4  # and between the clips
    assert rms(mix[round(0.3 * RATE) : round(0.6 * RATE)]) > 0.1
    assert rms(mix[round(1.05 * RATE) : round(1.35 * RATE)]) > 0.1
    assert rms(mix[round(1.45 * RATE) :]) < 1e-4  # and after the second


def test_music_is_looped_faded_and_ducked_under_the_voice(tmp_path: Path) -> None:
    voice = tone_wav(tmp_path / "voice.wav", 1.0, rate=22050, frequency=1000.0)
    bed = MusicBed(music_file(tmp_path / "bed.mp3", 1.2, frequency=200.0), volume=0.3)
    out = asyncio.run(mix_soundtrack([PlacedClip(voice, 2.0)], 6.0, tmp_path / "mix.wav", music=bed))
    left = decode(out)[:, 0]
    assert len(left) == 6 * RATE

    def music(start: float, end: float) -> float:
        return level_at(left[round(start * RATE) : round(end * RATE)], 200.0)

    open_air = music(1.5, 1.65)  # after the fade-in, before the voice's ramp
    under_voice = music(2.2, 2.8)
    after = music(3.5, 4.4)  # looped past the file's 1.2 s
    assert open_air > 0.002 and after == pytest.approx(open_air, rel=0.05)
    assert under_voice == pytest.approx(0.3 * open_air, rel=0.1)  # ducked by DUCK_GAIN
    assert level_at(left[round(2.2 * RATE) : round(2.8 * RATE)], 1000.0) > 5 * under_voice  # voice on top
    assert music(0.0, 0.2) < 0.3 * open_air  # fading in
    assert music(5.85, 6.0) < 0.3 * open_air  # fading out


def test_loudness_is_about_minus_16_lufs(tmp_path: Path) -> None:
    s = Settings(tts_cache_dir=tmp_path / "speech")
    narration = asyncio.run(synthesize("Loudness is measured over the whole track.", VoiceSpec(), settings=s))
    bed = MusicBed(music_file(tmp_path / "bed.mp3", 2.0), volume=0.15)
    quiet = MusicBed(bed.path, volume=0.02)
    loud = asyncio.run(
        mix_soundtrack([PlacedClip(narration.path, 0.5)], 4.0, tmp_path / "loud.wav", music=bed)
    )
    soft = asyncio.run(
        mix_soundtrack([PlacedClip(narration.path, 0.5)], 4.0, tmp_path / "soft.wav", music=quiet)
    )
    assert integrated_loudness(loud) == pytest.approx(-16.0, abs=1.5)
    assert integrated_loudness(soft) == pytest.approx(-16.0, abs=1.5)


def test_silence_stays_silent(tmp_path: Path) -> None:
    out = asyncio.run(mix_soundtrack([], 1.0, tmp_path / "mix.wav"))
    mix = decode(out)
    assert mix.shape == (RATE, 2) and not mix.any()


def test_mux_makes_audio_as_long_as_the_video_and_the_same_bytes_twice(tmp_path: Path, video: Path) -> None:
    clip = tone_wav(tmp_path / "voice.wav", 0.5, rate=22050)
    outs = []
    for name, seconds in [("long", 2.0), ("short", 1.0)]:  # a soundtrack too long, then too short
        audio = asyncio.run(mix_soundtrack([PlacedClip(clip, 0.2)], seconds, tmp_path / f"{name}.wav"))
        out = tmp_path / f"{name}.mp4"
        asyncio.run(mux(video, audio, out))
        outs.append(out)
        info = video_info(out)
        assert (info["width"], info["height"], info["frames"]) == (160, 90, 45)
        samples = decode(out)
        assert abs(len(samples) / RATE - 45 / FPS) <= 1 / FPS
        assert len(samples) == 45 * RATE // FPS  # in fact to the sample
        probe = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(out)], capture_output=True, text=True)
        assert "Audio: aac (LC)" in probe.stderr and "creation_time" not in probe.stderr
        data = out.read_bytes()
        assert data.index(b"moov") < data.index(b"mdat")  # +faststart
    # the video stream is copied, not re-encoded
    copied = ffmpeg("-i", str(outs[0]), "-map", "0:v", "-c", "copy", "-f", "framemd5", "pipe:1").stdout
    source = ffmpeg("-i", str(video), "-map", "0:v", "-c", "copy", "-f", "framemd5", "pipe:1").stdout
    assert copied.splitlines()[-45:] == source.splitlines()[-45:]
    again = tmp_path / "again.mp4"
    asyncio.run(mux(video, tmp_path / "long.wav", again))
    assert again.read_bytes() == outs[0].read_bytes()


def test_an_aac_soundtrack_of_the_videos_length_is_copied_not_encoded_again(
    tmp_path: Path, video: Path
) -> None:
    """What the storyboard pipeline does: mix straight to AAC while the picture renders, then mux."""
    clip = tone_wav(tmp_path / "voice.wav", 0.5, rate=22050)

    def packets(path: Path) -> bytes:
        return ffmpeg("-i", str(path), "-map", "0:a", "-c", "copy", "-f", "framemd5", "pipe:1").stdout

    for seconds, copied in [(45 / FPS, True), (1.0, False)]:
        sound = asyncio.run(mix_soundtrack([PlacedClip(clip, 0.2)], seconds, tmp_path / f"{seconds}.m4a"))
        out = tmp_path / f"{seconds}.mp4"
        asyncio.run(mux(video, sound, out))
        assert len(decode(out)) == 45 * RATE // FPS  # to the sample, either way
        same = packets(out).splitlines()[-20:] == packets(sound).splitlines()[-20:]
        assert same is copied


def test_same_inputs_same_soundtrack_bytes(tmp_path: Path, video: Path) -> None:
    voice = tone_wav(tmp_path / "voice.wav", 0.5, rate=22050)
    bed = MusicBed(music_file(tmp_path / "bed.mp3", 0.7))
    results = []
    for run in ("one", "two"):
        audio = asyncio.run(mix_soundtrack([PlacedClip(voice, 0.3)], 1.5, tmp_path / f"{run}.wav", music=bed))
        asyncio.run(mux(video, audio, tmp_path / f"{run}.mp4"))
        results.append(((tmp_path / f"{run}.wav").read_bytes(), (tmp_path / f"{run}.mp4").read_bytes()))
    assert results[0] == results[1]


def test_failures_leave_no_file(tmp_path: Path, video: Path) -> None:
    not_video = tmp_path / "notes.mp4"
    not_video.write_text("not a video")
    audio = asyncio.run(mix_soundtrack([], 1.0, tmp_path / "mix.wav"))
    with pytest.raises(SoundtrackError, match=r"notes\.mp4"):
        asyncio.run(mux(not_video, audio, tmp_path / "out.mp4"))
    not_music = tmp_path / "bed.mp3"
    not_music.write_text("not music")
    with pytest.raises(SoundtrackError, match=r"reading the audio of bed\.mp3 failed") as err:
        asyncio.run(mix_soundtrack([], 1.0, tmp_path / "mix2.wav", music=MusicBed(not_music)))
    assert "\n" not in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bed.mp3", "mix.wav", "notes.mp4"]
