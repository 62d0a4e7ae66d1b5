"""Constants and helpers shared by the emulator tests."""

from __future__ import annotations

import requests

DEMO_TOKEN = "EmulatorDemoToken0123456789012345678901234567890123456789012345"
MULTI_ORG_TOKEN = "EmulatorMultiOrgToken012345678901234567890123456789012345678901"
NO_ORG_TOKEN = "EmulatorNoOrgToken012345678901234567890123456789012345678901234"

ACME_ORG = "33a606d6b09c4557a01c62cd4c0b405b"
LABS_ORG = "fb4561c7b7934481b62dd27bd131ca16"
OTHER_ORG = "c2c2855b754645809780c13264bd4575"

USER_AGENT = "enclave-emulator-tests/1.0"


class ApiClient:
    """A requests session with the token and User-Agent set, taking paths relative to the server."""

    def __init__(self, base_url, token=DEMO_TOKEN, org_id=ACME_ORG):
        self.base_url = base_url
        self.org_path = f"/org/{org_id}"
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        if token is not None:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method, path, **kwargs):
        """Send a request; a path starting with ``~`` is relative to the org path."""
        if path.startswith("~"):
            path = self.org_path + path[1:]
        return self.session.request(method, self.base_url + path, timeout=10, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


def assert_problem(response, status, problem_type=None):
    """Check the problem+json shape every error response shares, and return its body."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json; charset=utf-8"
    body = response.json()
    assert body["status"] == status
    for field in ("type", "title", "detail", "instance", "traceId"):
        assert field in body
    if problem_type is not None:
        assert body["type"] == problem_type
    return body
