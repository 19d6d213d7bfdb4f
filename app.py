"""Web chat for the public: ``python app.py`` → http://127.0.0.1:7860/ (host/port from settings;
Gradio's GRADIO_SERVER_NAME / GRADIO_SERVER_PORT work too).

UI wiring only: the handlers live in ``web.handlers``, rendering in ``web.render`` and
``web.charts``. The chat is also an API: ``Client(url).predict("问题", api_name="/chat")``.
"""

from __future__ import annotations

import os

# Before gradio / chromadb are imported: no analytics, no telemetry, no model hub.
for _name, _value in {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
}.items():
    os.environ.setdefault(_name, _value)

import gradio as gr  # noqa: E402

from core.settings import Settings  # noqa: E402
from web import charts, render, theme, uploads  # noqa: E402
from web.handlers import SUGGESTIONS, ChatHandlers, Engine, suggestions_of  # noqa: E402
from web.startup import UNAVAILABLE  # noqa: E402

EXAMPLES = [
    "2024年三公经费是多少？",
    "科普活动比去年少了多少钱？",
    "办公费是多少？",
    "行政运行经费增长的原因是什么？",
]
FOLLOW_UPS = ["那去年呢？"]  # shown once there is a question to follow up
ALL_DOCS = "全部公开文件（按问题中的部门、年度自动选择）"


def build_demo(engine: Engine, settings: Settings) -> gr.Blocks:
    handlers = ChatHandlers(engine, settings)
    docs = list(getattr(engine, "documents", []) or [])
    audits = getattr(getattr(engine, "store", None), "audits", {}) or {}
    chat_events = {
        "concurrency_id": "chat",
        "concurrency_limit": settings.ui_concurrency,
        "api_visibility": "private",
    }

    with gr.Blocks(title="部门预算公开问答") as demo:
        gr.HTML(render.header_html(docs))
        if getattr(engine, "problem", None):  # web.startup.UnavailableEngine: say so on the page
            gr.HTML(f"<div class='bq-notice'>{render.escape_text(UNAVAILABLE)}</div>", elem_id="bq-unavailable")
        turns = gr.State([])
        with gr.Tabs():
            with gr.Tab("问答", id="chat"):
                # several disclosures: answer from the one picked, or from those the question names
                chat_doc = gr.Dropdown(
                    [(ALL_DOCS, ""), *((f"{d.department} · {d.year}年 · {d.kind}", d.id) for d in docs)],
                    value="",
                    label="公开文件（部门 · 年度 · 类型）",
                    visible=len(docs) > 1,
                    elem_id="bq-doc",
                )
                chatbot = gr.Chatbot(
                    label="问答",
                    show_label=False,
                    elem_id="bq-chat",
                    height=560,
                    placeholder=render.PLACEHOLDER,
                    latex_delimiters=[],
                    feedback_options=("Like", "Dislike"),
                    buttons=[],
                )
                with gr.Row(equal_height=True):
                    box = gr.Textbox(
                        placeholder="请输入问题，按回车发送",
                        show_label=False,
                        lines=1,
                        max_lines=4,
                        elem_id="bq-question",
                        scale=8,
                        autofocus=True,
                    )
                    send = gr.Button("发送", variant="primary", scale=1, elem_id="bq-send")
                with gr.Row(elem_id="bq-examples"):
                    gr.HTML("<span class='bq-try'>试试问：</span>", padding=False, scale=0, min_width=0)
                    example_buttons = [gr.Button(q, size="sm", scale=0, min_width=0) for q in EXAMPLES]
                    follow_buttons = [
                        gr.Button(q, size="sm", scale=0, min_width=0, visible=False) for q in FOLLOW_UPS
                    ]
                    gr.HTML("", padding=False, scale=1, min_width=0, elem_classes="bq-spacer")
                    retry = gr.Button("重新回答", size="sm", scale=0, min_width=0, elem_id="bq-retry")
                    clear = gr.Button("清空对话", size="sm", scale=0, min_width=0, elem_id="bq-clear")
                with gr.Row(elem_id="bq-suggestions"):
                    suggest_label = gr.HTML(
                        "<span class='bq-try'>您是不是想问：</span>", padding=False, scale=0, min_width=0, visible=False
                    )
                    suggest_buttons = [
                        gr.Button("", size="sm", scale=0, min_width=0, visible=False, elem_classes="bq-suggest")
                        for _ in range(SUGGESTIONS)
                    ]
                gr.Markdown(
                    "每条回答下方可点赞或点踩，工作人员会查看这些反馈。回答只依据公开文件；文件没有写明的内容，会直接说明找不到。",
                    elem_id="bq-tip",
                )

            with gr.Tab("预算一览", id="glance"):
                doc_ids = [d.id for d in docs]
                doc_pick = gr.Dropdown(
                    [(f"{d.department} {d.year}年{d.kind}", d.id) for d in docs],
                    value=doc_ids[0] if doc_ids else None,
                    label="公开文件",
                    visible=len(docs) > 1,
                )
                overview = gr.HTML(
                    charts.overview_html(docs[0]) if docs else "还没有收录公开文件。", elem_id="bq-glance"
                )
                gr.Markdown("### 浏览表格")
                first = docs[0].tables[0] if docs and docs[0].tables else None
                with gr.Row():
                    table_pick = gr.Dropdown(
                        charts.table_choices(docs[0]) if docs else [],
                        value=charts.table_key(first) if first else None,
                        label="选择表格",
                        scale=3,
                        elem_id="bq-table-pick",
                    )
                    search = gr.Textbox(
                        label="在表中搜索",
                        placeholder="科目名称、编码或金额，如：科普",
                        scale=2,
                        elem_id="bq-search",
                    )
                audit = gr.HTML(
                    charts.audit_html(audits.get(docs[0].id), first) if docs else "", elem_id="bq-audit"
                )
                table = gr.Dataframe(
                    charts.table_frame(first) if first else None,
                    interactive=False,
                    wrap=True,
                    max_height=520,
                    elem_id="bq-table",
                )

        # --- chat wiring ---------------------------------------------------------------------
        outputs = [chatbot, turns, box]
        box.submit(handlers.respond, [box, chatbot, turns, chat_doc], outputs, **chat_events)
        send.click(handlers.respond, [box, chatbot, turns, chat_doc], outputs, **chat_events)
        for b in example_buttons + follow_buttons + suggest_buttons:
            b.click(handlers.respond, [b, chatbot, turns, chat_doc], outputs, **chat_events)
        retry.click(handlers.retry, [chatbot, turns, chat_doc], outputs, **chat_events)
        chatbot.retry(handlers.retry, [chatbot, turns, chat_doc], outputs, **chat_events)
        clear.click(handlers.clear, None, outputs, api_visibility="private")
        chatbot.clear(handlers.clear, None, outputs, api_visibility="private")

        def show_follow_ups(t: list):
            updates = tuple(gr.update(visible=bool(t)) for _ in follow_buttons)
            return updates[0] if len(updates) == 1 else updates

        turns.change(show_follow_ups, turns, follow_buttons, api_visibility="private")

        def show_suggestions(t: list):
            offered = suggestions_of(t)
            buttons = [
                gr.update(value=offered[i], visible=True) if i < len(offered) else gr.update(value="", visible=False)
                for i in range(len(suggest_buttons))
            ]
            return (gr.update(visible=bool(offered)), *buttons)

        turns.change(show_suggestions, turns, [suggest_label, *suggest_buttons], api_visibility="private")

        def on_like(t: list, data: gr.LikeData) -> None:
            if handlers.feedback(t, data.index, data.liked) is not None:
                gr.Info("谢谢您的反馈！")

        chatbot.like(on_like, [turns], None, api_visibility="private")

        # The API: plain text, the same as `python -m qa "问题"` prints.
        gr.api(
            handlers.api_chat,
            api_name="chat",
            concurrency_id="chat",
            concurrency_limit=settings.ui_concurrency,
        )

        # --- the budget at a glance --------------------------------------------------------------
        by_id = {d.id: d for d in docs}

        def pick_doc(doc_id: str):
            d = by_id.get(doc_id)
            if d is None:
                return gr.update(), gr.update(), gr.update(), gr.update(), ""
            t = d.tables[0] if d.tables else None
            return (
                charts.overview_html(d),
                gr.update(choices=charts.table_choices(d), value=charts.table_key(t) if t else None),
                charts.audit_html(audits.get(d.id), t),
                charts.table_frame(t) if t else None,
                "",
            )

        def show_table(doc_id: str, key: str, query: str):
            d = by_id.get(doc_id)
            t = charts.find_table(d, key) if d else None
            if t is None:
                return "", None
            return charts.audit_html(audits.get(d.id), t), charts.table_frame(t, query)

        doc_pick.change(
            pick_doc, doc_pick, [overview, table_pick, audit, table, search], api_visibility="private"
        )
        # the 预算一览 tab follows the disclosure picked for the chat
        chat_doc.change(
            lambda doc_id: gr.update(value=doc_id) if doc_id else gr.update(),
            chat_doc, doc_pick, api_visibility="private",
        )  # fmt: skip
        table_pick.change(
            show_table, [doc_pick, table_pick, search], [audit, table], api_visibility="private"
        )
        search.change(show_table, [doc_pick, table_pick, search], [audit, table], api_visibility="private")
    return demo


def launch(demo: gr.Blocks, settings: Settings, staff: gr.Blocks | None = None, **kwargs):
    demo.queue(default_concurrency_limit=settings.ui_concurrency, max_size=settings.ui_queue_size)
    credentials = settings.staff_credentials
    if staff is not None and credentials is not None:
        return _serve_with_staff(demo, staff, settings, credentials)
    return demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        theme=theme.theme(),
        css=theme.CSS,
        head=theme.IME_GUARD,
        footer_links=["api"],
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        max_file_size=settings.max_upload_bytes,
        app_kwargs={"middleware": uploads.middleware()},  # no upload route (web/uploads.py)
        **kwargs,
    )


def _serve_with_staff(demo: gr.Blocks, staff: gr.Blocks, settings: Settings, credentials: tuple[str, str]) -> None:
    """The public chat at / and the staff view at /staff behind a login, on one server."""
    import uvicorn
    from fastapi import FastAPI

    app = FastAPI(middleware=uploads.middleware())  # no upload route, for / and /staff alike
    staff.queue(default_concurrency_limit=settings.ui_concurrency, max_size=settings.ui_queue_size)
    common = {
        "theme": theme.theme(),
        "css": theme.CSS,
        "ssr_mode": False,
        "pwa": False,
        "mcp_server": False,
        "max_file_size": settings.max_upload_bytes,
    }
    # the staff view first: "/" would otherwise take every path
    app = gr.mount_gradio_app(app, staff, path="/staff", auth=credentials, auth_message="工作人员登录", **common)
    app = gr.mount_gradio_app(app, demo, path="/", head=theme.IME_GUARD, footer_links=["api"], **common)
    print(f"问答：http://{settings.host}:{settings.port}/  · 工作人员：http://{settings.host}:{settings.port}/staff", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")


def main() -> None:
    from web.startup import open_engine

    settings = Settings()
    # a state that cannot be opened still gives a running app that says so (web/startup.py)
    engine = open_engine(settings, say=lambda msg: print(msg, flush=True))
    staff = None
    if settings.staff_credentials is not None:
        from web.staff import build_staff

        staff = build_staff(engine, settings)
    launch(build_demo(engine, settings), settings, staff)


if __name__ == "__main__":
    main()
