from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from beian.errors import InputError, UserError
from beian.filing.display import check_display
from beian.filing.register import NewRecord, add_record, get_record, save_display_check
from beian.store import Store

ABOUT = """<html><head><style>.x{}</style><script>var n="Beijing-XingHeDuiHua-202405100007";</script>
</head><body><footer>本服务使用已备案的生成式人工智能模型：<b>星河对话大模型</b>，
备案号：Beijing-XingHeDuiHua-<span>202405100007</span></footer></body></html>"""


@contextmanager
def _site(pages: dict[str, str]) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            data = (body or "not found").encode("utf-8")
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _app(store: Store) -> int:
    new = NewRecord("registration", "某对话服务", base_model="星河对话大模型",
                    base_model_number="Beijing-XingHeDuiHua-202405100007")  # fmt: skip
    return add_record(store, new).id


def test_page_on_loopback_shows_name_and_number(store: Store) -> None:
    record_id = _app(store)
    hidden = ABOUT.replace("<b>星河对话大模型</b>", "").replace("202405100007</span>", "</span>")
    with _site({"/about": ABOUT, "/hidden": hidden}) as base:
        shown = check_display(get_record(store, record_id), f"{base}/about")
        assert shown.ok
        # the number only inside a <script> does not count as displayed
        missing = check_display(get_record(store, record_id), f"{base}/hidden")
        assert not missing.name_found and not missing.number_found
        with pytest.raises(InputError, match="404"):
            check_display(get_record(store, record_id), f"{base}/nope")
    save_display_check(store, record_id, shown.to_json())
    assert get_record(store, record_id).data["display_check"]["ok"] is True


def test_file_source_and_nothing_to_display(store: Store, tmp_path: Path) -> None:
    page = tmp_path / "about.html"
    page.write_text(ABOUT.replace("星河对话大模型", "星河 对话大模型"), encoding="utf-8")
    assert check_display(get_record(store, _app(store)), str(page)).ok  # spacing tolerated
    draft = add_record(store, NewRecord("model_filing", "未备案模型"))
    with pytest.raises(UserError, match="no model name and number"):
        check_display(draft, str(page))
