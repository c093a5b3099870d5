"""The app as uvicorn imports it (`uvicorn policytrace.web.asgi:app`), configured from the environment."""

from .app import create_app

app = create_app()
