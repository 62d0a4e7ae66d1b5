"""The per-request values that route handlers read: query, body, organisation and store."""

from __future__ import annotations

from .jsonbody import JsonBody, parse_json_body
from .query import QueryParameters


class RequestContext:
    """One API request, as passed to a route handler.

    ``query`` returns each parameter's first value and looks names up in any case. ``query_pairs`` keeps
    every pair in order and as sent, because pagination links repeat them. ``base_url`` is
    ``http://<Host header>`` for absolute links.
    ``org`` is the organisation named in the path once the server has checked the token can reach it.
    """

    def __init__(self, method, path, query_pairs, base_url, raw_body, content_type, store, params):
        self.method = method
        self.path = path
        self.query_pairs = query_pairs
        self.query = QueryParameters(query_pairs)
        self.base_url = base_url
        self.raw_body = raw_body
        self.content_type = content_type
        self.store = store
        self.params = params
        self.org = None
        self.access = None
        # The client's IP address, which enrolment checks against a key's IP constraints.
        self.client_address = None
        self._body = None

    def body(self):
        """Return the JSON body; raises a 400 or 415 problem when it is missing or not a JSON object."""
        if self._body is None:
            self._body = parse_json_body(self.raw_body, self.content_type)
        return self._body

    def optional_body(self):
        """Return the JSON body, or an empty one when the request sent none (PUT enable and disable)."""
        if not self.raw_body or not self.raw_body.strip():
            return JsonBody({})
        return self.body()
