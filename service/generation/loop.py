"""The generate → check → repair loop: prompt in, a validated composition (or the reasons why not) out.

A model writes a document; we extract it from the answer and validate it (statically, and
in the sandbox when `runtime`). On findings the model is shown its document and the
findings and asked for the whole corrected document, up to `max_attempts` times. Bad
model output never raises: it ends as `ok=False` with every attempt's findings and the
last document. What does raise: a bad request (`InvalidRequest`) and a provider that cannot
answer at all (`ProviderError`: no key, 401, unknown model, unreachable). A machine with no
usable browser does not: the validator says so in a `runtime-unavailable` warning and the
loop goes on with the static checks.
"""

from __future__ import annotations

import inspect
import logging
import math
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sandbox import (
    ASPECTS,
    CANONICAL_SIZES,
    DEFAULT_ASPECT,
    MAX_FPS,
    attribute_number,
    duration_problem,
    is_aspect,
    is_placeholder_name,
    root_attributes,
)
from service.validation import Finding, ValidationLimits, validate

from .brand import Brand
from .extract import extract_html
from .model_prompts import brief_prompt, repair_prompt, revise_prompt, system_prompt
from .providers import Message, OfflineProvider, Provider, get_provider

if TYPE_CHECKING:
    from service.settings import Settings

log = logging.getLogger(__name__)

Stage = Literal["writing", "checking", "repairing"]
EXCERPT_CHARS = 2000
ASSISTANT_ECHO_CHARS = 60_000


class InvalidRequest(ValueError):
    """The request itself is wrong (empty prompt, bad aspect, …); `str()` is one line."""


@dataclass
class GenerationRequest:
    prompt: str
    duration: float | None = None
    aspect: str | None = None
    fps: float | None = None
    variables: dict[str, object] | None = None
    provider: str | None = None
    model: str | None = None
    base_url: str | None = None
    brand: Brand | None = None
    max_attempts: int | None = None
    """None → settings.max_attempts."""


@dataclass(frozen=True)
class GenerationEvent:
    """Progress for a UI: which stage, and which attempt of how many."""

    stage: Stage
    attempt: int
    max_attempts: int

    def describe(self) -> str:
        of = f"attempt {self.attempt} of {self.max_attempts}"
        return {
            "writing": f"writing the composition ({of})",
            "checking": f"checking the composition ({of})",
            "repairing": f"repairing the composition ({of})",
        }[self.stage]


EventCallback = Callable[[GenerationEvent], Awaitable[None] | None]


@dataclass
class Attempt:
    number: int
    html: str | None
    findings: list[Finding]
    raw_answer_excerpt: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "html": self.html,
            "findings": [f.to_dict() for f in self.findings],
            "raw_answer_excerpt": self.raw_answer_excerpt,
        }


@dataclass
class GenerationResult:
    ok: bool
    html: str | None
    """The accepted document when ok; else the last document any attempt produced (or None)."""
    attempts: list[Attempt]
    findings: list[Finding]
    """The last attempt's findings (warnings only, or none, when ok)."""
    provider: str
    model: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "html": self.html,
            "findings": [f.to_dict() for f in self.findings],
            "attempts": [a.to_dict() for a in self.attempts],
            "provider": self.provider,
            "model": self.model,
        }


async def generate_composition(
    req: GenerationRequest,
    *,
    settings: Settings,
    pool: Any = None,
    on_event: EventCallback | None = None,
    runtime: bool = True,
) -> GenerationResult:
    """Prompt → validated composition. See the module docstring for what raises and what does not."""
    _check_request(req, settings)
    brand = (req.brand or Brand()).over(settings_brand(settings))
    session = _Session(req.variables, settings, pool, on_event, runtime, req.duration, req.aspect)
    provider = get_provider(req.provider, req.model, settings, base_url=req.base_url)
    try:
        if isinstance(provider, OfflineProvider):

            def compose() -> str:
                try:
                    return provider.compose(
                        req.prompt,
                        duration=req.duration,
                        aspect=req.aspect,
                        fps=req.fps,
                        brand_colors=brand.color_values or None,
                        variables=req.variables,
                    )
                except ValueError as exc:  # the composer's one-line refusal of an unusable request
                    raise InvalidRequest(str(exc)) from None

            return await session.offline(provider, compose)
        system = system_prompt(
            duration=req.duration,
            aspect=req.aspect,
            fps=req.fps,
            default_duration=settings.default_duration,
            max_bytes=settings.validation_max_bytes,
            brand=brand,
            variables=req.variables,
        )
        attempts = req.max_attempts or settings.max_attempts
        return await session.chat(provider, system, brief_prompt(req.prompt), attempts)
    finally:
        await provider.aclose()


async def revise_composition(
    html: str,
    instruction: str,
    *,
    settings: Settings,
    provider: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    pool: Any = None,
    on_event: EventCallback | None = None,
    runtime: bool = True,
) -> GenerationResult:
    """Change an existing composition as instructed, then validate (and repair) it like a new one.

    Offline, the composer applies the instruction itself; an instruction it does not
    understand ends as ok=False with an `instruction-not-understood` finding.
    """
    if not instruction or not instruction.strip():
        raise InvalidRequest("the revise instruction is empty: say what to change")
    if not html or not html.strip():
        raise InvalidRequest("there is no composition to revise")
    attrs = root_attributes(html)
    duration_text = attrs.get("data-duration") or f"{settings.default_duration:g}"
    aspect_text = attrs.get("data-aspect") or DEFAULT_ASPECT
    session = _Session(None, settings, pool, on_event, runtime, None, None)
    chosen = get_provider(provider, model, settings, base_url=base_url)
    try:
        if isinstance(chosen, OfflineProvider):
            return await session.offline(
                chosen, lambda: chosen.revise(html, instruction), refusal_code="instruction-not-understood"
            )
        system = system_prompt(
            duration=attribute_number(duration_text),
            aspect=aspect_text if is_aspect(aspect_text) else None,
            fps=attribute_number(attrs.get("data-fps", "")),
            default_duration=settings.default_duration,
            max_bytes=settings.validation_max_bytes,
            brand=settings_brand(settings),
        )
        first = revise_prompt(html, instruction, duration_text=duration_text, aspect_text=aspect_text)
        return await session.chat(chosen, system, first, settings.max_attempts)
    finally:
        await chosen.aclose()


@dataclass
class _Session:
    """What the attempts of one generation share: validation inputs, the event sink, the request's shape."""

    variables: Mapping[str, object] | None
    settings: Settings
    pool: Any
    on_event: EventCallback | None
    runtime: bool
    duration: float | None
    aspect: str | None

    async def emit(self, stage: Stage, attempt: int, of: int) -> None:
        if self.on_event is None:
            return
        result = self.on_event(GenerationEvent(stage, attempt, of))
        if inspect.isawaitable(result):
            await result

    async def offline(
        self, provider: OfflineProvider, make: Callable[[], str], *, refusal_code: str | None = None
    ) -> GenerationResult:
        """One deterministic attempt: asking the composer again would give the same document.

        With `refusal_code`, the composer's ValueError ("I don't understand") becomes that finding.
        """
        await self.emit("writing", 1, 1)
        try:
            html = make()
        except ValueError as exc:
            if refusal_code is None or isinstance(exc, InvalidRequest):
                raise
            finding = Finding(code=refusal_code, severity="error", message=str(exc), line=None)
            attempt = Attempt(1, None, [finding], "")
            return GenerationResult(False, None, [attempt], [finding], provider.name, provider.model)
        await self.emit("checking", 1, 1)
        ok, findings = await self.check(html)
        attempt = Attempt(1, html, findings, _excerpt(html))
        return GenerationResult(ok, html, [attempt], findings, provider.name, provider.model)

    async def chat(self, provider: Provider, system: str, first: str, max_attempts: int) -> GenerationResult:
        messages = [Message("user", first)]
        attempts: list[Attempt] = []
        max_attempts = max(1, max_attempts)
        ok = False
        for number in range(1, max_attempts + 1):
            await self.emit("writing" if number == 1 else "repairing", number, max_attempts)
            completion = await provider.complete(system, messages)
            extraction = extract_html(completion.text, hit_output_limit=completion.finish_reason == "length")
            if extraction.html is None:
                ok, findings = False, extraction.findings
            else:
                await self.emit("checking", number, max_attempts)
                ok, findings = await self.check(extraction.html)
            attempts.append(Attempt(number, extraction.html, findings, _excerpt(completion.text)))
            if ok:
                break
            echo = _clip(f"```html\n{extraction.html}```" if extraction.html else completion.text)
            repair = repair_prompt(
                findings,
                attempt=number + 1,
                max_attempts=max_attempts,
                has_document=extraction.html is not None,
            )
            messages = [messages[0], Message("assistant", echo), Message("user", repair)]
        last_html = next((a.html for a in reversed(attempts) if a.html is not None), None)
        last = attempts[-1]
        return GenerationResult(ok, last_html, attempts, last.findings, provider.name, provider.model)

    async def check(self, html: str) -> tuple[bool, list[Finding]]:
        """Validator findings plus whether the document has the duration and aspect that were asked for."""
        try:
            report = await validate(
                html,
                variables=self.variables,
                limits=ValidationLimits.from_settings(self.settings),
                runtime=self.runtime,
                pool=self.pool,
            )
        except Exception as exc:  # a validator failure on odd model output must not end the loop
            log.exception("validation failed")
            message = f"the document could not be checked: {type(exc).__name__}: {exc}"
            return False, [Finding(code="validator-failed", severity="error", message=message, line=None)]
        findings = list(report.findings) + _shape_findings(html, self.duration, self.aspect)
        ok = bool(report.ok) and not any(f.severity == "error" for f in findings)
        return ok, findings


def settings_brand(settings: Settings) -> Brand:
    """The brand kit from SEEKREEL_BRAND_COLORS / SEEKREEL_BRAND_FONTS (InvalidRequest if malformed)."""
    try:
        return Brand.from_settings(settings)
    except ValueError as exc:
        raise InvalidRequest(f"SEEKREEL_BRAND_COLORS/SEEKREEL_BRAND_FONTS: {exc}") from None


def _shape_findings(html: str, duration: float | None, aspect: str | None) -> list[Finding]:
    """`wrong-duration` / `wrong-aspect` when the document ignores what the request asked for."""
    attrs = root_attributes(html)
    match = re.search(r"<html\b", html, re.IGNORECASE)
    line = html.count("\n", 0, match.start()) + 1 if match else None
    findings: list[Finding] = []
    declared = attribute_number(attrs.get("data-duration", ""))
    if duration is not None and declared is not None and not math.isclose(declared, duration, abs_tol=1e-6):
        findings.append(
            Finding(
                code="wrong-duration",
                severity="error",
                message=f"data-duration is {declared:g} but the request asks for {duration:g} seconds: set "
                f'data-duration="{duration:g}" and time the animation to it',
                line=line,
            )
        )
    declared_aspect = (attrs.get("data-aspect") or DEFAULT_ASPECT).strip()
    if aspect is not None and is_aspect(aspect) and is_aspect(declared_aspect) and declared_aspect != aspect:
        w, h = CANONICAL_SIZES[aspect]
        findings.append(
            Finding(
                code="wrong-aspect",
                severity="error",
                message=f"data-aspect is {declared_aspect} but the request asks for {aspect}: set "
                f'data-aspect="{aspect}" and lay the page out for {w}×{h}',
                line=line,
            )
        )
    return findings


def _check_request(req: GenerationRequest, settings: Settings) -> None:
    if not req.prompt or not req.prompt.strip():
        raise InvalidRequest("the prompt is empty: describe the video you want")
    if req.duration is not None and (problem := duration_problem(req.duration, settings.max_duration)):
        raise InvalidRequest(problem)
    if req.aspect is not None and not is_aspect(req.aspect):
        raise InvalidRequest(f"aspect {req.aspect!r} is not supported: use one of {', '.join(ASPECTS)}")
    if req.fps is not None and not (1 <= req.fps <= MAX_FPS):
        raise InvalidRequest(f"frame rate {req.fps:g} is out of range: use 1 to {MAX_FPS:g} fps")
    if req.max_attempts is not None and req.max_attempts < 1:
        raise InvalidRequest("max attempts must be at least 1")
    for name in req.variables or {}:
        if not is_placeholder_name(name):
            raise InvalidRequest(
                f"variable name {name!r} is not a placeholder name: use capitals, digits and _, e.g. TITLE"
            )


def _excerpt(text: str) -> str:
    if len(text) <= EXCERPT_CHARS:
        return text
    head = EXCERPT_CHARS * 3 // 4
    return f"{text[:head]}\n…[{len(text) - EXCERPT_CHARS} characters left out]…\n{text[-(EXCERPT_CHARS - head) :]}"


def _clip(text: str) -> str:
    """The model's own answer echoed back (never empty: the Messages API refuses empty turns)."""
    if not text.strip():
        return "(empty answer)"
    return text if len(text) <= ASSISTANT_ECHO_CHARS else text[:ASSISTANT_ECHO_CHARS] + "\n…[cut]"
