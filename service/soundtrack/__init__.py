"""The sound of a narrated video: clips at scene offsets + a music bed → a normalised WAV, then
muxed as AAC beside the rendered picture, both the same length to the frame.

from service.soundtrack import MusicBed, PlacedClip, mix_soundtrack, mux
await mix_soundtrack([PlacedClip(narration.path, 0.0), …], duration, Path("mix.m4a"), music=MusicBed(bed))
await mux(Path("picture.mp4"), Path("mix.m4a"), Path("story.mp4"))   # AAC of the right length: copied
"""

from .ffmpeg import SoundtrackError
from .loudness import TARGET_LUFS
from .mix import MusicBed, PlacedClip, mix_soundtrack
from .mux import extract_audio, mux, stream_end
from .pcm import RATE

__all__ = [
    "RATE",
    "TARGET_LUFS",
    "MusicBed",
    "PlacedClip",
    "SoundtrackError",
    "extract_audio",
    "mix_soundtrack",
    "mux",
    "stream_end",
]
