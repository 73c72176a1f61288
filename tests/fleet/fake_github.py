"""A GitHub REST API that remembers: pull requests per repository, organisation listings with pagination.

Stricter than GitHub on purpose: POST /pulls always creates a new pull request, even when one is open for the
same branch (GitHub would answer 422), so a client that creates twice leaves a duplicate the tests can see.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict
    body: object


@dataclass
class FakeGitHub:
    url: str = ""
    pulls: dict[str, list[dict]] = field(default_factory=dict)  # "owner/name" -> pull requests
    org_repos: dict[str, list[dict]] = field(default_factory=dict)  # org -> repository items
    requests: list[Request] = field(default_factory=list)
    page_size: int = 100
    lock: threading.Lock = field(default_factory=threading.Lock)

    def open_pulls(self, full: str, head: str | None = None) -> list[dict]:
        return [p for p in self.pulls.get(full, []) if p["state"] == "open" and (head is None or p["head"] == head)]

    def creates(self) -> list[Request]:
        return [r for r in self.requests if r.method == "POST" and r.path.endswith("/pulls")]

    def answer(self, req: Request) -> tuple[int, object, dict]:
        parts = req.path.strip("/").split("/")
        with self.lock:
            self.requests.append(req)
            if parts[0] == "orgs" and parts[-1] == "repos":
                return self._page(self.org_repos.get(parts[1]), req)
            if parts[:2] == ["search", "repositories"]:
                q = req.query.get("q", [""])[0]
                topic = next((t.split(":", 1)[1] for t in q.split() if t.startswith("topic:")), None)
                items = [r for repos in self.org_repos.values() for r in repos if topic in r.get("topics", [])]
                return 200, {"total_count": len(items), "incomplete_results": False, "items": items}, {}
            if parts[0] != "repos" or len(parts) < 4:
                return 404, {"message": "Not Found"}, {}
            full = f"{parts[1]}/{parts[2]}"
            if parts[3] == "pulls" and len(parts) == 4 and req.method == "GET":
                head = req.query.get("head", [""])[0].split(":", 1)[-1]
                return 200, [self._public(p) for p in self.open_pulls(full, head)], {}
            if parts[3] == "pulls" and len(parts) == 4 and req.method == "POST":
                pulls = self.pulls.setdefault(full, [])
                number = sum(len(v) for v in self.pulls.values()) + 1
                pr = {"number": number, "head": req.body["head"], "base": req.body["base"], "title": req.body["title"],
                      "body": req.body["body"], "state": "open", "draft": req.body.get("draft", False),
                      "html_url": f"https://github.com/{full}/pull/{number}"}
                pulls.append(pr)
                return 201, self._public(pr), {}
            if parts[3] == "pulls" and len(parts) == 5 and req.method == "PATCH":
                for pr in self.pulls.get(full, []):
                    if pr["number"] == int(parts[4]):
                        pr.update({k: v for k, v in req.body.items() if k in ("title", "body", "base")})
                        return 200, self._public(pr), {}
                return 404, {"message": "Not Found"}, {}
            if parts[3] == "issues" and parts[-1] == "labels":
                return 200, [{"name": n} for n in req.body.get("labels", [])], {}
            return 404, {"message": "Not Found"}, {}

    def _page(self, items: list[dict] | None, req: Request) -> tuple[int, object, dict]:
        if items is None:
            return 404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}, {}
        page = int(req.query.get("page", ["1"])[0])
        size = min(self.page_size, int(req.query.get("per_page", ["30"])[0]))
        chunk = items[(page - 1) * size : page * size]
        headers = {}
        if page * size < len(items):
            headers["Link"] = f'<{self.url}{req.path}?per_page={size}&page={page + 1}>; rel="next"'
        return 200, chunk, headers

    @staticmethod
    def _public(pr: dict) -> dict:
        return {"number": pr["number"], "html_url": pr["html_url"], "state": pr["state"],
                "head": {"ref": pr["head"]}, "base": {"ref": pr["base"]}, "title": pr["title"], "draft": pr["draft"]}


def serve() -> tuple[FakeGitHub, ThreadingHTTPServer]:
    fake = FakeGitHub()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            split = urlsplit(self.path)
            req = Request(self.command, split.path, parse_qs(split.query), json.loads(raw) if raw else None)
            status, payload, headers = fake.answer(req)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = _handle

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return fake, server
