"""Fixtures shared by the unit tests: a scripted HTTP server on loopback."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class ScriptedServer:
    """An HTTP server on 127.0.0.1 that replies from a table of scripted responses.

    Each response is registered per (method, path) as (status, headers, body); a list of them is
    served in order, the last one repeating. Every request is recorded with its headers and body.
    """

    def __init__(self):
        self.routes = {}
        self.requests = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.url = "http://127.0.0.1:{0}".format(self._httpd.server_address[1])
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def reply(self, method, path, *responses):
        self.routes[(method, path)] = list(responses)

    def reply_json(self, method, path, body, status=200, content_type="application/json; charset=utf-8"):
        self.reply(method, path, (status, {"Content-Type": content_type}, json.dumps(body)))

    def start(self):
        self._thread.start()

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()

    def _next_response(self, method, path):
        responses = self.routes.get((method, path))
        if not responses:
            return 404, {"Content-Type": "text/plain"}, "no scripted response for {0} {1}".format(method, path)
        if len(responses) > 1:
            return responses.pop(0)
        return responses[0]

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                path, _separator, query = self.path.partition("?")
                server.requests.append(
                    {"method": self.command, "path": path, "query": query, "headers": dict(self.headers), "body": body}
                )
                status, headers, text = server._next_response(self.command, path)
                payload = text.encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, format, *args):
                pass

        return Handler


@pytest.fixture
def api():
    server = ScriptedServer()
    server.start()
    yield server
    server.stop()
