"""Route table: method + path template -> handler, with ASP.NET-like matching.

Templates look like ``/org/{orgId:guid}/systems/{systemId}``. Literal segments match in any case and a
trailing slash is ignored, as in ASP.NET Core routing. When several templates match a path, the one
with the most literal segments wins (``/systems/enable`` beats ``/systems/{systemId}``). A path that
matches only templates of other methods gives 405, and a path that matches nothing gives 404.
"""

from __future__ import annotations

import re
import urllib.parse

from .jsonbody import INT32_MAX, INT32_MIN
from .problems import status_problem

_PARAMETER = re.compile(r"\{(?P<name>[A-Za-z]+)(?::(?P<constraint>[a-z]+))?\}")
_CONSTRAINTS = {
    None: r"[^/]+",
    # Route.match also checks that the number fits in an Int32, as ASP.NET's int constraint does.
    "int": r"-?[0-9]+",
    "guid": r"\{?[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}\}?",
}


class Route:
    """One method and path template, compiled to a regular expression."""

    def __init__(self, method, template, handler, anonymous=False):
        self.method = method
        self.template = template
        self.handler = handler
        self.anonymous = anonymous
        pattern = []
        position = 0
        self.int_parameters = []
        for match in _PARAMETER.finditer(template):
            if match.group("constraint") == "int":
                self.int_parameters.append(match.group("name"))
            pattern.append(re.escape(template[position : match.start()]))
            pattern.append("(?P<{}>{})".format(match.group("name"), _CONSTRAINTS[match.group("constraint")]))
            position = match.end()
        pattern.append(re.escape(template[position:]))
        self.regex = re.compile("^{}$".format("".join(pattern)), re.IGNORECASE)
        self.literal_segments = sum(1 for segment in template.split("/") if segment and "{" not in segment)

    def match(self, path):
        """Return the decoded path parameters when the path matches, else None."""
        found = self.regex.match(path)
        if found is None:
            return None
        # NOTE: assumes the API's id routes use int constraints, so an id beyond Int32 matches no route (404).
        for name in self.int_parameters:
            if not INT32_MIN <= int(found.group(name)) <= INT32_MAX:
                return None
        return {name: urllib.parse.unquote(value) for name, value in found.groupdict().items()}


class Router:
    """The route table that resource modules register their handlers in."""

    def __init__(self):
        self.routes = []

    def add(self, method, template, handler, anonymous=False):
        """Register a handler ``handler(ctx) -> JSON value`` for a method and path template.

        An anonymous route takes no bearer token, like the agent's enrolment route, whose credential is
        the enrolment key in the body.
        """
        self.routes.append(Route(method.upper(), template, handler, anonymous))

    def resolve_anonymous(self, method, path):
        """Return ``(route, params)`` when an anonymous route matches the request, else None."""
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        for route in self.routes:
            if route.anonymous and route.method == method:
                params = route.match(path)
                if params is not None:
                    return route, params
        return None

    def resolve(self, method, path):
        """Return ``(route, params)`` for a request, or raise a 404 or 405 problem."""
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        best = None
        allowed = set()
        for route in self.routes:
            params = route.match(path)
            if params is None:
                continue
            allowed.add(route.method)
            if route.method != method:
                continue
            if best is None or route.literal_segments > best[0].literal_segments:
                best = (route, params)
        if best is not None:
            return best
        if allowed:
            raise status_problem(
                405,
                f"The method {method} is not allowed on {path}. Allowed methods: {', '.join(sorted(allowed))}.",
                headers={"Allow": ", ".join(sorted(allowed))},
            )
        raise status_problem(404, "No API route matches {} {}.".format(method, path))
