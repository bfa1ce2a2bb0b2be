"""The Slack bot: `/render <prompt>` posts the MP4 back to the channel; `/render story …` posts a
narrated project's script for approval first.

    from service.slack import create_slack_router
    app.include_router(create_slack_router(settings, jobs, projects, auth.grant))   # when settings.slack_signing_secret is set

Layout: signature.py (request signing), commands.py (what was typed), messages.py (Block Kit),
outbox.py (replies, posts, uploads from background tasks), worker.py (the background render),
review.py and review_messages.py (story projects: review card, approve / cancel, the video),
outcomes.py (failures worded for people), generation.py (the generation loop), routes.py (the
two endpoints).
"""

from __future__ import annotations

from .routes import create_slack_router, make_client

__all__ = ["create_slack_router", "make_client"]
