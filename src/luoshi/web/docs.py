"""Swagger UI at /api/v1/docs, from the swagger-ui-bundle package's own files (no CDN):
the page, its assets under /api/v1/docs/assets, and a small start-up script of ours
(no inline script, so a strict Content-Security-Policy still allows it)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse, Response

from luoshi.web.api.router import PREFIX

DOCS = f"{PREFIX}/docs"
ASSETS = f"{DOCS}/assets"

PAGE = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>落实 Luoshi API · 接口文档</title>
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head><body>
<div id="swagger-ui" data-url="{PREFIX}/openapi.json"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body></html>
"""


def install(app: FastAPI) -> None:
    from swagger_ui_bundle import swagger_ui_path

    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="swagger-assets")

    @app.get(DOCS, include_in_schema=False)
    def docs() -> Response:
        return HTMLResponse(PAGE)
