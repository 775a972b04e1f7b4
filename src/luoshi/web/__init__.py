"""The web app (网页): JSON API under /api/v1, Chinese-first pages, all assets served locally.

Built by ``create_app(settings)`` in ``app.py``; nothing is created at import time.
"""
