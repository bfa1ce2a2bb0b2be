"""The API's use of the generation loop and the validator: one place that maps their failures to HTTP errors."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from typing import Any

from ..generation.loop import (
    GenerationRequest,
    GenerationResult,
    InvalidRequest,
    generate_composition,
    revise_composition,
)
from ..generation.providers import (
    ModelNotFound,
    ProviderError,
    ProviderNotConfigured,
    ProviderRateLimited,
    ProviderRequestError,
)
from ..validation import ValidationLimits, validate
from .errors import ApiError
from .limits import check_generation, check_prompt, check_provider
from .schemas import GenerationSettings
from .state import Services

log = logging.getLogger("seekreel.api")

_CALLER_PROVIDER_ERRORS = (ProviderNotConfigured, ModelNotFound, ProviderRequestError)
"""Provider failures the caller chose (no key, unknown model, a refused request): 400, not 503."""


@contextlib.contextmanager
def generation_errors() -> Iterator[None]:
    """Bad requests → 400; a provider that cannot answer → 400 (caller's choice) or 503 (ours)."""
    try:
        yield
    except InvalidRequest as exc:
        raise ApiError(400, "invalid_request", str(exc)) from None
    except ProviderError as exc:
        if isinstance(exc, _CALLER_PROVIDER_ERRORS):
            raise ApiError(400, "provider_error", str(exc)) from None
        headers = {"Retry-After": "30"}
        code = "provider_rate_limited" if isinstance(exc, ProviderRateLimited) else "provider_unavailable"
        raise ApiError(503, code, str(exc), headers=headers) from None


async def generate(
    svc: Services,
    body: GenerationSettings,
    prompt: str,
    variables: Mapping[str, object],
    fps: float | None = None,
) -> tuple[str, GenerationResult]:
    """The prompt (checked against the limits, stripped) and what the generation loop made of it."""
    prompt = check_prompt(svc.settings, prompt)
    check_generation(svc.settings, body.duration, body.provider)
    request = GenerationRequest(
        prompt=prompt,
        duration=body.duration,
        aspect=body.aspect,
        fps=fps,
        variables=dict(variables) or None,
        provider=body.provider,
        model=body.model,
    )
    with generation_errors():
        return prompt, await generate_composition(request, settings=svc.settings, pool=svc.jobs.pool)


async def revise(
    svc: Services, html: str, instruction: str, *, provider: str | None, model: str | None
) -> GenerationResult:
    check_provider(svc.settings, provider)
    with generation_errors():
        return await revise_composition(
            html, instruction, settings=svc.settings, provider=provider, model=model, pool=svc.jobs.pool
        )


def generation_failed(result: GenerationResult, what: str = "generation") -> ApiError:
    """422 with every attempt's findings and the last document, so a caller can see why and fix it."""
    errors = [f for f in result.findings if f.severity == "error"]
    tries = len(result.attempts)
    head = f"{what} still had problems after {tries} attempts" if tries > 1 else f"{what} did not succeed"
    return ApiError(
        422,
        "generation_failed",
        head + (f": {errors[0].message}" if errors else ""),
        findings=[f.to_dict() for f in result.findings],
        attempts=[a.to_dict() for a in result.attempts],
        html=result.html,
        provider=result.provider,
        model=result.model,
    )


async def validation_findings(svc: Services, html: str, variables: dict[str, Any]) -> list[dict[str, Any]]:
    """Validator findings for a person's HTML, runtime checks included (a `runtime-unavailable`
    warning when no browser can run)."""
    limits = ValidationLimits.from_settings(svc.settings)  # this server's settings, not the process's
    async with svc.previews:
        report = await validate(html, variables=variables, limits=limits, runtime=True, pool=svc.jobs.pool)
    return [f.to_dict() for f in report.findings]
