"""The real storyboard engine: the ONE module that calls service.storyboards, service.speech,
service.captions and service.safe_fetch for projects, storyboard jobs and webhooks.

It translates between their objects (pydantic Storyboard, Narration, PreparedBackground,
PreparedScene) and what the rest of service/projects keeps: storyboard JSON and SceneMedia,
which survive in the database between voicing a section and rendering it. If a name in
those packages changes, this file is the one to change.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
import shutil
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pysubs2

from sandbox import BrowserPool, RenderOptions

from ..files import write_atomically
from ..settings import Settings
from .engine import (
    NoScriptWriter,
    RenderedStory,
    SceneMedia,
    ScriptNotWritten,
    SourceRefused,
    StageProgress,
    Storyboard,
    StoryboardInvalid,
    StoryFailed,
    StoryPreview,
)

VOICE_FILE = "voice.wav"
COMPOSITION = "composition"
PREVIEW_ASSETS = "assets"


@contextmanager
def _engine_errors() -> Iterator[None]:
    """The pipeline's errors as the engine interface names them."""
    from service.storyboards import StoryboardInvalid as Invalid
    from service.storyboards import StoryError

    try:
        yield
    except StoryError as exc:
        raise StoryFailed(str(exc)) from None
    except Invalid as exc:  # also a source refused, too large or not a picture, an unknown voice
        raise StoryboardInvalid(exc.problems) from None


class PipelineEngine:
    """StoryEngine over the storyboard pipeline (service/storyboards/pipeline.py) and its parts."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    # ---- storyboards as JSON ------------------------------------------------------------

    def check(self, data: Mapping[str, Any]) -> Storyboard:
        return _dump(self._model(data))

    def from_text(self, text: str, *, title: str = "") -> Storyboard:
        from service.storyboards import storyboard_from_text

        with _engine_errors():
            board = storyboard_from_text(text, title=title, max_narration_seconds=self._narration_cap)
        return _dump(board)

    def split(self, storyboard: Storyboard) -> list[dict[str, Any]]:
        from service.storyboards import expand_scenes

        with _engine_errors():
            scenes = expand_scenes(self._model(storyboard))
        return [
            {
                "text": s.text,
                "min_duration": s.min_duration,
                "pause_after": s.pause_after,
                **(
                    {"background": s.background.model_dump(mode="json", exclude_unset=True)}
                    if s.background
                    else {}
                ),
            }
            for s in scenes
        ]

    def find_voice(self, name: str) -> dict[str, Any] | None:
        from service.speech import SpeechError, voice_from_name

        try:
            spec = voice_from_name(name, self.settings)
        except SpeechError:
            return None
        return {"provider": spec.provider, "name": spec.name}

    # ---- writing ------------------------------------------------------------------------

    def check_writer(self) -> None:
        if (self.settings.provider or "offline") == "offline":
            raise NoScriptWriter(
                "no model is configured to write a script from a topic (the provider is offline): "
                "send text or a storyboard instead, or set SEEKREEL_PROVIDER"
            )

    async def write(self, topic: str, *, aspect: str | None) -> Storyboard:
        from service.generation.providers import ProviderError
        from service.storyboards import NoModelToWrite, StoryboardNotWritten, write_storyboard

        try:
            written = await write_storyboard(topic, settings=self.settings, aspect=aspect)
        except NoModelToWrite as exc:
            raise NoScriptWriter(str(exc)) from None
        except StoryboardNotWritten as exc:
            raise ScriptNotWritten(str(exc), exc.problems) from None
        except ProviderError as exc:
            raise StoryFailed(f"the model could not be asked: {exc}") from None
        return _dump(written.storyboard)

    # ---- sources ------------------------------------------------------------------------

    async def check_source(self, url: str) -> None:
        from service.safe_fetch import FetchFailed, FetchRefused
        from service.safe_fetch.destination import (
            checked_address,
            parse_allowed_hosts,
            parse_url,
            system_resolver,
        )

        try:
            await checked_address(
                parse_url(url),
                allowed=parse_allowed_hosts(self.settings.fetch_allow_hosts),
                resolver=system_resolver,
            )
        except FetchRefused as exc:
            raise SourceRefused(str(exc)) from None
        except FetchFailed:
            pass  # it does not resolve now; the fetch will say so, naming the scene

    async def post_json(self, url: str, body: Mapping[str, Any]) -> int:
        """One POST to the checked, pinned address (as safe_fetch pins its GETs); no redirects."""
        from service.safe_fetch import FetchError
        from service.safe_fetch.destination import (
            checked_address,
            parse_allowed_hosts,
            parse_url,
            system_resolver,
        )

        try:
            target = parse_url(url)
            ip = await checked_address(
                target, allowed=parse_allowed_hosts(self.settings.fetch_allow_hosts), resolver=system_resolver
            )
        except FetchError as exc:
            raise SourceRefused(str(exc)) from None
        async with httpx.AsyncClient(
            trust_env=False, follow_redirects=False, timeout=httpx.Timeout(self.settings.fetch_timeout)
        ) as client:
            request = client.build_request(
                "POST",
                target.copy_with(host=str(ip)),
                json=dict(body),
                headers={"Host": target.netloc.decode("ascii")},
                extensions={"sni_hostname": target.raw_host.decode("ascii")},
            )
            response = await client.send(request)
            return response.status_code

    # ---- voices and backgrounds ---------------------------------------------------------

    async def prepare(self, storyboard: Storyboard, index: int, *, folder: Path) -> SceneMedia:
        from service.storyboards import prepare_scene

        with _engine_errors():
            scene = await prepare_scene(
                self._model(storyboard), index, assets_dir=folder, settings=self.settings
            )
        return _media(scene.narration, scene.background, folder, list(scene.warnings))

    async def revoice(
        self, storyboard: Storyboard, index: int, media: SceneMedia, *, folder: Path
    ) -> SceneMedia:
        from service.speech import SpeechError, VoiceSpec, synthesize

        board = self._model(storyboard)
        voice = VoiceSpec(board.voice.provider, board.voice.name, board.voice.speed)
        try:
            narration = await synthesize(board.scenes[index].text, voice, settings=self.settings)
        except SpeechError as exc:
            raise StoryFailed(f"scene {index + 1}: {exc}") from None
        audio = folder / VOICE_FILE
        shutil.copyfile(narration.path, audio)
        return dataclasses.replace(
            media,
            audio=audio,
            duration=narration.duration,
            phrases=[(p.start, p.end, p.text) for p in narration.phrases],
        )

    # ---- rendering ----------------------------------------------------------------------

    async def render(
        self,
        storyboard: Storyboard,
        out: Path,
        *,
        folder: Path,
        prepared: Sequence[SceneMedia] | None,
        options: RenderOptions,
        pool: BrowserPool,
        progress: StageProgress,
        cancel: asyncio.Event,
    ) -> RenderedStory:
        board = self._model(storyboard)
        composition = folder / COMPOSITION
        composition.mkdir(parents=True, exist_ok=True)
        vtt, srt = folder / "captions.vtt", folder / "captions.srt"
        if prepared is None:
            html, duration, warnings = await self._render_whole(
                board, out, composition, vtt, options, pool, progress, cancel
            )
        else:
            html, duration, warnings = await self._render_prepared(
                board, prepared, out, composition, vtt, options, pool, progress, cancel
            )
        _vtt_to_srt(vtt, srt)
        return RenderedStory(
            frames=round(duration * board.fps),
            duration=duration,
            html=html,
            composition_dir=composition,
            captions_vtt=vtt,
            captions_srt=srt,
            warnings=warnings,
        )

    async def _render_whole(
        self,
        board: Any,
        out: Path,
        composition: Path,
        vtt: Path,
        options: RenderOptions,
        pool: BrowserPool,
        progress: StageProgress,
        cancel: asyncio.Event,
    ) -> tuple[str, float, list[str]]:
        """Voice, fetch, compile, render, mix: the pipeline's one call."""
        from service.storyboards import StoryOutputs, render_storyboard

        page = composition / "index.html"
        with _engine_errors():
            result = await render_storyboard(
                board,
                StoryOutputs(video=out, captions=vtt, html=page),
                settings=self.settings,
                options=options,
                pool=pool,
                on_progress=progress,
                cancel=cancel,
            )
        return page.read_text(encoding="utf-8"), float(result.duration), list(result.warnings)

    async def _render_prepared(
        self,
        board: Any,
        prepared: Sequence[SceneMedia],
        out: Path,
        composition: Path,
        vtt: Path,
        options: RenderOptions,
        pool: BrowserPool,
        progress: StageProgress,
        cancel: asyncio.Event,
    ) -> tuple[str, float, list[str]]:
        """Compile the scenes voiced and fetched earlier (a project's sections), render, mix."""
        from service.storyboards import StoryOutputs, compile_storyboard, finish_storyboard

        scenes = [_scene(i, board.scenes[i].text, m, composition) for i, m in enumerate(prepared)]
        compiled = compile_storyboard(board, scenes)  # the pictures beside the page, in the composition
        with _engine_errors():
            await finish_storyboard(
                compiled,
                StoryOutputs(video=out, captions=vtt, html=composition / "index.html"),
                assets_dir=composition,
                settings=self.settings,
                render_options=options,
                pool=pool,
                progress=progress,
                cancel=cancel,
            )
        return compiled.html, float(compiled.duration), list(compiled.warnings)

    def preview(self, storyboard: Storyboard, prepared: Sequence[SceneMedia]) -> StoryPreview:
        """Compiled as `_render_prepared` compiles, the pictures named where they already are."""
        from service.storyboards import compile_storyboard

        board = self._model(storyboard)
        scenes = [_scene(i, board.scenes[i].text, m, None) for i, m in enumerate(prepared)]
        compiled = compile_storyboard(board, scenes, assets_name=PREVIEW_ASSETS)
        assets = {
            f"{PREVIEW_ASSETS}/{quote(_asset_name(i, name))}": media.folder / name
            for i, media in enumerate(prepared)
            for name in media.background.get("files", [])
        }
        return StoryPreview(compiled.html, compiled.duration, assets, [c.start for c in compiled.clips])

    # ---- helpers ------------------------------------------------------------------------

    @property
    def _narration_cap(self) -> float:
        return float(self.settings.story_max_narration_seconds)

    def _model(self, data: Mapping[str, Any]) -> Any:
        from service.storyboards import storyboard_from_data

        with _engine_errors():
            return storyboard_from_data(dict(data), max_narration_seconds=self._narration_cap)


def _vtt_to_srt(vtt: Path, srt: Path) -> None:
    """The same cues as SubRip (WebVTT escapes `&` and `<`; SRT shows text as it is)."""
    subs = pysubs2.load(str(vtt), format_="vtt")
    for event in subs:
        event.plaintext = html.unescape(event.plaintext)
    write_atomically(srt, subs.to_string("srt", apply_styles=False, keep_ssa_tags=True).encode())


def _dump(board: Any) -> Storyboard:
    """The storyboard as JSON: what was given (defaults are filled when it is read again —
    writing them out would make a colour background carry `fit`, which is refused) plus the
    palette, which projects use to give every section its colour."""
    data: dict[str, Any] = board.model_dump(mode="json", exclude_unset=True)
    data["palette"] = list(board.palette)
    return data


def _media(narration: Any, background: Any, folder: Path, warnings: list[str]) -> SceneMedia:
    """A pipeline scene → SceneMedia, the narration copied beside the background (the speech
    cache is shared and may be cleaned; a project's files live with the project)."""
    audio = folder / VOICE_FILE
    shutil.copyfile(narration.path, audio)
    prepared = dataclasses.asdict(background)
    prepared["files"] = list(prepared.get("files", ()))
    prepared["warnings"] = list(prepared.get("warnings", ()))
    return SceneMedia(
        audio=audio,
        duration=float(narration.duration),
        phrases=[(p.start, p.end, p.text) for p in narration.phrases],
        background=prepared,
        folder=folder,
        warnings=[*prepared["warnings"], *(w for w in warnings if w not in prepared["warnings"])],
    )


def _asset_name(index: int, name: str) -> str:
    """A section's background file as the composition names it (sections may share file names)."""
    return f"s{index}/{name}"


def _scene(index: int, text: str, media: SceneMedia, composition: Path | None) -> Any:
    """SceneMedia → the pipeline's PreparedScene, its background files copied into the composition
    (when one is given: a preview leaves them where they are)."""
    from service.backgrounds import PreparedBackground
    from service.speech import Narration, TimedText
    from service.storyboards import PreparedScene

    names = [_asset_name(index, name) for name in media.background.get("files", [])]
    if composition is not None:
        for name, target in zip(media.background.get("files", []), names, strict=True):
            (composition / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(media.folder / name, composition / target)
    background = PreparedBackground(
        **{
            **{
                k: v
                for k, v in media.background.items()
                if k in {f.name for f in dataclasses.fields(PreparedBackground)}
            },
            "files": tuple(names),
            "warnings": tuple(media.background.get("warnings", ())),
        }
    )
    narration = Narration(
        path=media.audio, duration=media.duration, phrases=[TimedText(a, b, t) for a, b, t in media.phrases]
    )
    return PreparedScene(
        index=index, text=text, narration=narration, background=background, warnings=list(media.warnings)
    )
