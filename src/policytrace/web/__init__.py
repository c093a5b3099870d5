"""The web face: a FastAPI app with the REST API and a page (`policytrace serve`). The core never imports it."""

from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
