"""Query-string parameters with the API's parsing rules; a value that does not parse gives a 400."""

from __future__ import annotations

from .jsonbody import INT32_MAX, INT32_MIN, match_enum
from .problems import validation_problem


class QueryParameters:
    """The query string's parameters, looked up by name in any case, as ASP.NET Core binds them.

    ``get`` returns the first value sent under any casing of the name, so ``?Page=1&page=2`` reads
    page 1, like ASP.NET's binding of a simple type.
    """

    def __init__(self, pairs):
        self._values = {}
        for name, value in pairs:
            self._values.setdefault(name.lower(), value)

    def get(self, name, default=None):
        """Return the first value of the parameter, or ``default`` when it was not sent."""
        return self._values.get(name.lower(), default)


def _invalid(name, value):
    return validation_problem({name: ["The value '{}' is not valid.".format(value)]})


def get_int(query, name, minimum=None):
    """Return an integer parameter, or None when it is absent or empty."""
    value = query.get(name)
    if value is None or value == "":
        return None
    try:
        number = int(value.strip())
    except ValueError as error:
        raise _invalid(name, value) from error
    # ASP.NET's Int32 binding rejects a value out of range with the same message as one that does not parse.
    if not INT32_MIN <= number <= INT32_MAX:
        raise _invalid(name, value)
    if minimum is not None and number < minimum:
        raise validation_problem({name: [f"The value '{value}' is not valid; it must be {minimum} or more."]})
    return number


def get_bool(query, name):
    """Return a boolean parameter; ``true`` and ``false`` match in any case (C# sends ``True``)."""
    value = query.get(name)
    if value is None or value == "":
        return False
    text = value.strip().lower()
    if text == "true":
        return True
    if text == "false":
        return False
    raise _invalid(name, value)


def get_enum(query, name, members):
    """Return an enum parameter as its member name (any case, or the member's position), or None."""
    value = query.get(name)
    if value is None or value == "":
        return None
    member = match_enum(value, members)
    if member is None:
        raise validation_problem(
            {name: ["The value '{}' is not valid. Valid values: {}.".format(value, ", ".join(members))]}
        )
    return member
