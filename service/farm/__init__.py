"""The render farm: a render's segments fanned out as Celery tasks over Redis to `seekreel worker`s
on any number of hosts, and joined by the coordinator into the bytes one machine would write.

Off unless SEEKREEL_BROKER_URL is set; then `render_on_farm` takes the place of `render_to_file`:

    result = await render_on_farm(html, Path("out.mp4"), options, settings, progress=on_segments)

and the service hands its jobs to the workers whole (`FarmJobs`, a `service.jobs.RemoteJobs`).

docs/scale.md is the operator's guide: settings, delivery semantics, what happens when a worker
or Redis dies.
"""

from .app import FarmMisconfigured, farm_app
from .coordinator import FarmError, render_on_farm
from .doctor import farm_checks
from .jobs import FarmJobs
from .worker import run_worker

__all__ = [
    "FarmError",
    "FarmJobs",
    "FarmMisconfigured",
    "farm_app",
    "farm_checks",
    "render_on_farm",
    "run_worker",
]
