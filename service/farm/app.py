"""The Celery application of the render farm, configured from the settings.

Delivery is at least once: a task is acknowledged only after it finished (`task_acks_late`),
a worker process that dies hands its task back (`task_reject_on_worker_lost`), and a worker
host that dies leaves its task unacknowledged in Redis, which hands it to another worker
after the visibility timeout. Tasks are idempotent, so a second delivery is harmless.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from celery import Celery
from kombu.utils.url import maybe_sanitize_url

from ..settings import Settings

RENDER_QUEUE = "render"
SEGMENT_TASK = "seekreel.render_segment"
JOB_TASK = "seekreel.run_job"
SEGMENT_RETRIES = 2
"""Retries of a segment whose browser or worker process died (a page that kills them every time
fails after these)."""


class FarmMisconfigured(ValueError):
    """The farm settings cannot work together; the message names the setting to change."""


def farm_app(settings: Settings) -> Celery:
    """A Celery app for `settings.broker_url`, with the segment task registered."""
    check_settings(settings)
    from .tasks import register  # the tasks need the app's name; the app does not need them

    url, visibility = settings.broker_url, settings.farm_visibility_timeout
    app = Celery("seekreel", broker=url, backend=url, set_as_current=False)
    app.conf.update(
        # JSON only: a message can never make a worker unpickle code.
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        task_default_queue=RENDER_QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # A task whose worker process died is sent again as a retry, not requeued without end:
        # a page that kills its process every time fails after SEGMENT_RETRIES.
        task_retry_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=settings.farm_soft_time_limit,
        task_time_limit=settings.farm_time_limit,
        worker_max_tasks_per_child=settings.farm_max_tasks_per_child,
        broker_transport_options={
            "visibility_timeout": visibility,
            # Look for the tasks of dead workers a tenth of the visibility timeout apart (at most
            # 10 s), not kombu's default of every 100 s.
            "unacked_restore_interval": min(10.0, max(1.0, visibility / 10)),
            "unacked_restore_throttle": 1,
            "socket_connect_timeout": 5,
            "socket_timeout": 30,  # a publish to a broker that vanished fails instead of waiting
        },
        broker_connection_retry_on_startup=True,
        task_publish_retry_policy={"max_retries": 3, "interval_start": 0, "interval_step": 0.5},
        redis_socket_connect_timeout=5,
        # A worker keeps trying to store a finished segment while Redis restarts.
        result_backend_always_retry=True,
        result_backend_max_retries=30,
        result_backend_max_sleep_between_retries_ms=2000,
        # Nobody waits for a segment longer than a whole render may take.
        result_expires=int(settings.render_timeout),
        # task_track_started stays off: a second delivery must still see the first one's SUCCESS.
        worker_send_task_events=True,  # for Flower and `celery events`
        task_send_sent_event=True,
    )
    register(app)
    return app


def check_settings(settings: Settings) -> None:
    """The farm settings, checked together: one clear message instead of a farm that stalls."""
    url = settings.broker_url
    if not url or urlsplit(url).scheme not in ("redis", "rediss"):
        raise FarmMisconfigured(
            "SEEKREEL_BROKER_URL must be a Redis URL such as redis://localhost:6379/0 "
            f"(got {maybe_sanitize_url(url or '')!r})"
        )
    if settings.farm_time_limit <= settings.farm_soft_time_limit:
        raise FarmMisconfigured(
            "SEEKREEL_FARM_TIME_LIMIT must be above SEEKREEL_FARM_SOFT_TIME_LIMIT "
            f"({settings.farm_time_limit:g} ≤ {settings.farm_soft_time_limit:g})"
        )
    if settings.farm_visibility_timeout <= settings.farm_time_limit:
        raise FarmMisconfigured(
            "SEEKREEL_FARM_VISIBILITY_TIMEOUT must be above SEEKREEL_FARM_TIME_LIMIT, or Redis hands "
            "tasks that are still running to a second worker "
            f"({settings.farm_visibility_timeout:g} ≤ {settings.farm_time_limit:g})"
        )


def shown_url(settings: Settings) -> str:
    """The broker URL without its password, for messages and logs."""
    return str(maybe_sanitize_url(settings.broker_url or ""))
