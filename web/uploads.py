"""No uploads. Neither the public chat nor the staff view has an upload component, yet Gradio
always mounts its upload route (``POST …/upload``) and serves what it stores from the app's
own origin — a place for anyone to leave files (a page with a script, say) under our address.
``NoUploads`` answers every such request with 403 before Gradio sees it; ``max_upload_bytes``
bounds the request body as well, should the route ever be reached another way. The app never
reads an uploaded file: disclosures come in only through ``python -m ingest``."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

REFUSAL = "本服务不接受文件上传。公开文件由工作人员用 python -m ingest 导入。"


class NoUploads:
    """ASGI middleware: a POST to any path ending in ``/upload`` is refused (403)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") == "POST" and scope.get("path", "").rstrip("/").endswith("/upload"):
            await PlainTextResponse(REFUSAL, status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def middleware() -> list[Middleware]:
    """For FastAPI(middleware=…) and Gradio's ``launch(app_kwargs={"middleware": …})``."""
    return [Middleware(NoUploads)]
