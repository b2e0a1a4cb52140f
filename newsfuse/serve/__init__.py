"""``newsfuse serve``: the web app and JSON API over the store (FastAPI + Jinja2, no build step).

    from newsfuse.serve import create_app, run
    app = create_app("newsfuse.db")          # or a postgresql:// URL; None = default store
    run(host="127.0.0.1", port=8000)         # uvicorn

See app.py (wiring), pages.py (HTML), api.py (JSON), security.py (headers, limits, tokens).
"""

from newsfuse.serve.app import create_app, run

__all__ = ["create_app", "run"]
