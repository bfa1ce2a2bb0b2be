"""The hosted storyboard API's routes and shapes (docs/storyboard-api.md): its clients work with
seekreel by changing their base URL."""

from .routes import PREFIXES, router
from .webhooks import Webhooks

__all__ = ["PREFIXES", "Webhooks", "router"]
