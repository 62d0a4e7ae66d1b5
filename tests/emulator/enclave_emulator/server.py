"""The HTTP server: request handling, User-Agent and token checks, routing and the request log.

Each API request is checked in this order: User-Agent, then the bearer token, then the route, then
the organisation in the path. Anonymous routes, such as the agent's enrolment, skip the token check.
Handlers run while holding the store lock, so requests on different threads see consistent state.
"""

from __future__ import annotations

import http
import http.server
import ipaddress
import json
import logging
import socket
import threading
import time
import urllib.parse

from . import timestamps
from .context import RequestContext
from .control import handle_control, is_control_path
from .faults import FaultPlan, fault_status, send_with_fault
from .fixture_file import load_fixture_file
from .problems import (
    PROBLEM_CONTENT_TYPE,
    PROBLEM_HEADERS,
    STATUS_TYPES,
    ProblemError,
    organisation_not_found,
    status_problem,
)
from .request_log import RequestLog
from .resources import register_all
from .routing import Router
from .store import Store, normalize_org_id

LOG = logging.getLogger("enclave_emulator")

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
# Larger request bodies get 413; no real API body comes near this.
MAX_BODY_BYTES = 10 * 1024 * 1024


def validate_loopback_host(host):
    """Return the host when it is a loopback IP address (``localhost`` means 127.0.0.1); raise ValueError otherwise."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError as error:
        message = f"--host must be a loopback IP address such as 127.0.0.1 or ::1, not {host!r}."
        raise ValueError(message) from error
    if not address.is_loopback:
        raise ValueError("--host must be a loopback address such as 127.0.0.1 or ::1; {} is not loopback.".format(host))
    return str(address)


def user_agent_problem(status):
    """Build the problem for a request without a User-Agent header."""
    problem_type, title = STATUS_TYPES.get(status, (STATUS_TYPES[400][0], http.HTTPStatus(status).phrase))
    return ProblemError(
        status,
        title,
        detail="Every request must send a User-Agent header that names the client application.",
        problem_type=problem_type,
    )


def _unauthorized(detail, error=None):
    challenge = 'Bearer error="invalid_token"' if error else "Bearer"
    return status_problem(401, detail, headers={"WWW-Authenticate": challenge})


class _ThreadingServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, handler, emulator, family):
        self.address_family = family
        self.emulator = emulator
        super().__init__(address, handler)

    def handle_error(self, request, client_address):
        # Errors inside a request are answered with 500 by the handler, so what reaches here is a broken
        # connection, such as a client that rejects the TLS certificate during the handshake.
        LOG.debug("Connection from %s failed", client_address, exc_info=True)


class RequestHandler(http.server.BaseHTTPRequestHandler):
    """Handles one HTTP request: the API, or a control endpoint under ``/_emulator/``."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes. With Nagle's algorithm on, the body waits for the client's
    # delayed ACK and every keep-alive request takes about 40 ms longer.
    disable_nagle_algorithm = True
    server_version = "EnclaveApiEmulator/1.0"
    sys_version = ""

    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def do_PUT(self):
        self._handle()

    def do_PATCH(self):
        self._handle()

    def do_DELETE(self):
        self._handle()

    # No route takes HEAD or OPTIONS, so both get the 405 problem with an Allow header on a known path,
    # as ASP.NET Core routing answers a method that no endpoint takes. HEAD responses carry no body.
    # NOTE: CORS preflight requests are not emulated; whether the API answers them is undocumented.
    def do_HEAD(self):
        self._handle()

    def do_OPTIONS(self):
        self._handle()

    # The parameter name comes from BaseHTTPRequestHandler.
    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        LOG.debug("%s %s", self.address_string(), format % args)

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked_body()
        length_text = self.headers.get("Content-Length")
        if not length_text:
            return b""
        try:
            length = int(length_text)
        except ValueError as error:
            self.close_connection = True
            raise status_problem(400, "Content-Length {!r} is not a number.".format(length_text)) from error
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            raise status_problem(413, f"The request body must be between 0 and {MAX_BODY_BYTES} bytes.")
        return self.rfile.read(length)

    def _read_chunked_body(self):
        chunks = []
        total = 0
        while True:
            size_line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError as error:
                self.close_connection = True
                raise status_problem(400, "The chunked request body is malformed.") from error
            if size == 0:
                # Skip optional trailer lines up to the blank line that ends the body.
                while self.rfile.readline(1024).strip():
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                self.close_connection = True
                raise status_problem(413, f"The request body must be at most {MAX_BODY_BYTES} bytes.")
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _handle(self):
        started = time.perf_counter()
        started_at = timestamps.now()
        emulator = self.server.emulator
        split = urllib.parse.urlsplit(self.path)
        path = split.path or "/"
        query_pairs = urllib.parse.parse_qsl(split.query, keep_blank_values=True)
        control = is_control_path(path)

        status = 200
        content_type = JSON_CONTENT_TYPE
        headers = {}
        fault = attempt = None
        body = None
        try:
            raw_body = self._read_body()
            if control:
                body = handle_control(emulator, self.command, path, raw_body, self.client_address[0])
            else:
                fault, attempt = emulator.faults.next_fault(self.command, path)
                if fault is None or fault.handled:
                    body = self._handle_api(emulator, path, query_pairs, raw_body)
        except ProblemError as problem:
            LOG.debug("Request %s %s failed with %d: %s", self.command, path, problem.status, problem)
            status, body, content_type = problem.status, problem.to_body(), PROBLEM_CONTENT_TYPE
            headers = dict(PROBLEM_HEADERS, **problem.headers)
        # Any handler bug must still produce a 500 response and a log line with the traceback.
        except Exception as error:  # pylint: disable=broad-exception-caught
            LOG.exception("Request %s %s failed: %s", self.command, path, error)
            problem = status_problem(500, "The emulator failed to handle the request; see its log output.")
            status, body, content_type = 500, problem.to_body(), PROBLEM_CONTENT_TYPE
            headers = dict(PROBLEM_HEADERS)

        # The entry is recorded before the response goes out, so a client that has its response can
        # count on finding the request in the log.
        api_status = status
        if fault is not None:
            status = fault_status(fault, status)
        entry = {
            "time": timestamps.format_datetime(started_at),
            "method": self.command,
            "path": path,
            "query": dict(reversed(query_pairs)),
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 3),
            "user_agent": self.headers.get("User-Agent"),
        }
        if control:
            entry["control"] = True
        if attempt is not None:
            entry["attempt"] = attempt
        if fault is not None:
            entry["fault"] = fault.kind
            entry["handled"] = fault.handled
        emulator.request_log.record(entry)
        if fault is None:
            self._send(status, body, content_type, headers)
        else:
            send_with_fault(self, fault, api_status, body, content_type, headers)

    def _handle_api(self, emulator, path, query_pairs, raw_body):
        user_agent = self.headers.get("User-Agent")
        if not user_agent or not user_agent.strip():
            raise user_agent_problem(emulator.missing_user_agent_status)
        anonymous = emulator.router.resolve_anonymous(self.command, path)
        if anonymous is not None:
            access = None
            route, params = anonymous
        else:
            access = self._authenticate(emulator.store)
            route, params = emulator.router.resolve(self.command, path)

        host = self.headers.get("Host") or urllib.parse.urlsplit(emulator.url).netloc
        ctx = RequestContext(
            self.command,
            path,
            query_pairs,
            emulator.scheme + "://" + host,
            raw_body,
            self.headers.get("Content-Type"),
            emulator.store,
            params,
        )
        ctx.access = access
        ctx.client_address = self.client_address[0]
        with emulator.store.lock:
            if "orgId" in params:
                ctx.org = self._find_org(emulator.store, access, params["orgId"])
            return route.handler(ctx)

    def _authenticate(self, store):
        header = self.headers.get("Authorization")
        if not header:
            raise _unauthorized("The request has no Authorization header. Send Authorization: Bearer <access token>.")
        parts = header.strip().split(None, 1)
        if len(parts) != 2 or parts[0].lower() != "bearer" or not parts[1].strip():
            raise _unauthorized("The Authorization header must have the form Bearer <access token>.", error=True)
        access = store.find_token(parts[1].strip())
        if access is None:
            raise _unauthorized("The bearer token is not valid.", error=True)
        return access

    @staticmethod
    def _find_org(store, access, org_text):
        # NOTE: an org the token cannot reach gives the same 404 as a missing org. The API's status here is
        # undocumented, and it uses 403 for tokens that lack a scope.
        org_id = normalize_org_id(org_text)
        if org_id is None or not any(grant["orgId"] == org_id for grant in access["orgs"]):
            raise organisation_not_found(org_text)
        return store.orgs[org_id]

    def _send(self, status, body, content_type, headers):
        payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError) as error:
            LOG.info("Client closed the connection before the %d response to %s was sent: %s", status, self.path, error)
            self.close_connection = True


class EmulatorServer:
    """The emulator: state, routes and an HTTP server on a loopback address.

    ``fixture`` is a fixture dict (the default fixture when None). Port 0 picks a free port, which
    ``url`` reports after ``start()``.
    """

    def __init__(
        self,
        fixture=None,
        log_path=None,
        host="127.0.0.1",
        port=0,
        missing_user_agent_status=400,
        faults=None,
        tls_files=None,
    ):
        self.host = validate_loopback_host(host)
        self.port = port
        if missing_user_agent_status not in {status.value for status in http.HTTPStatus if 400 <= status < 500}:
            raise ValueError(f"missing_user_agent_status must be a 4xx HTTP status, not {missing_user_agent_status!r}.")
        self.missing_user_agent_status = missing_user_agent_status
        self.store = Store(load_fixture_file() if fixture is None else fixture)
        self.router = Router()
        register_all(self.router)
        self.request_log = RequestLog(log_path)
        # Scripted faults (see faults.py); none unless given here or set through /_emulator/faults.
        self.faults = FaultPlan()
        if faults:
            self.faults.set_rules(faults)
        # A TlsFiles (tls.py) makes the server speak HTTPS with its certificate.
        self.tls_files = tls_files
        self._httpd = None
        self._thread = None

    @property
    def url(self):
        """The base URL, such as ``http://127.0.0.1:45123``, without a trailing slash."""
        host = "[{}]".format(self.host) if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def scheme(self):
        return "https" if self.tls_files else "http"

    def start(self):
        """Bind the port and serve requests on a daemon thread; returns self."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        self._httpd = _ThreadingServer((self.host, self.port), RequestHandler, self, family)
        self.port = self._httpd.server_address[1]
        if self.tls_files:
            self._httpd.socket = self.tls_files.server_context().wrap_socket(
                self._httpd.socket, server_side=True, do_handshake_on_connect=False
            )
        # A short poll interval lets stop() return quickly, which keeps per-test servers cheap.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="enclave-emulator", daemon=True
        )
        self._thread.start()
        LOG.info("Enclave API emulator started on %s", self.url)
        return self

    def stop(self):
        """Stop serving, close the port and the log file."""
        self.faults.release()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join()
            self._httpd = None
            LOG.info("Enclave API emulator on %s stopped", self.url)
        self.request_log.close()

    def requests(self, include_control=False):
        """Return the logged requests in order; API requests only unless include_control is set."""
        return self.request_log.entries(include_control=include_control)

    def load_fixture(self, fixture):
        """Replace the whole state with a fixture dict and clear the request log."""
        self.store.load(fixture)
        self.request_log.clear()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
