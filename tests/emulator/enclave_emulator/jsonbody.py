"""Request bodies: JSON parsing, case-insensitive property lookup and type checks.

The API binds property names case-insensitively, so ``Description`` and ``description`` are the same
property, and unknown properties are ignored. Type and rule failures collect into an ASP.NET-style
``errors`` dict keyed by the PascalCase property name, which ``raise_if_invalid`` turns into a 400.
"""

from __future__ import annotations

import json

from .problems import status_problem, validation_problem

MISSING = object()

# The range of .NET's Int32, the type of the API's numeric ids (keys, policies, DNS, trust requirements).
INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1

_JSON_TYPE_NAMES = {
    str: "System.String",
    bool: "System.Boolean",
    int: "System.Int32",
    list: "an array",
    dict: "an object",
}


def parse_json_body(raw, content_type):
    """Parse a request body into a JsonBody.

    Raises a 415 problem for a non-JSON content type, and a 400 validation problem for an empty body,
    malformed JSON or a JSON value that is not an object.
    """
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if raw and media_type != "application/json" and not media_type.endswith("+json"):
        raise status_problem(415, "The request body must be sent with Content-Type: application/json.")
    if not raw or not raw.strip():
        raise validation_problem({"": ["A non-empty request body is required."]})
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise validation_problem({"$": ["The request body is not valid UTF-8: {}".format(error)]}) from error
    except ValueError as error:
        raise validation_problem({"$": ["The request body is not valid JSON: {}".format(error)]}) from error
    if not isinstance(data, dict):
        raise validation_problem({"$": ["The JSON value could not be converted to an object."]})
    return JsonBody(data)


def pascal_case(name):
    """Return a property name with its first letter upper-cased, as ASP.NET names fields in errors."""
    return name[:1].upper() + name[1:]


class JsonBody:
    """A JSON object whose properties are looked up case-insensitively, with typed accessors.

    Each accessor returns MISSING when the property is absent, records an error and returns MISSING
    when the value has the wrong type, and otherwise returns the value.
    """

    def __init__(self, data, prefix="", errors=None):
        # When a property is sent twice in different cases, the last one wins.
        self._values = {key.lower(): value for key, value in data.items()}
        self.prefix = prefix
        self.errors = {} if errors is None else errors

    def has(self, name):
        """Return whether the property was sent, whatever its value."""
        return name.lower() in self._values

    def raw(self, name):
        """Return the property's JSON value without a type check, or MISSING."""
        return self._values.get(name.lower(), MISSING)

    def field_name(self, name):
        """Return the key that errors about this property use, e.g. ``IpConstraints[0].Range``."""
        return self.prefix + pascal_case(name)

    def add_error(self, name, message):
        """Record a validation message for a property."""
        self.errors.setdefault(self.field_name(name), []).append(message)

    def add_type_error(self, name, expected):
        """Record that a property could not be converted to the expected JSON type."""
        type_name = _JSON_TYPE_NAMES.get(expected, expected)
        self.add_error(name, f"The JSON value could not be converted to {type_name}.")

    def raise_if_invalid(self):
        """Raise a 400 validation problem when any error was recorded."""
        if self.errors:
            raise validation_problem(self.errors)

    def _typed(self, name, expected, nullable):
        value = self.raw(name)
        if value is MISSING:
            return MISSING
        if value is None:
            if nullable:
                return None
            self.add_error(name, "The {} field must not be null.".format(pascal_case(name)))
            return MISSING
        # bool is a subclass of int in Python, but JSON true is not a number.
        if expected is int and isinstance(value, bool):
            self.add_type_error(name, int)
            return MISSING
        if not isinstance(value, expected):
            self.add_type_error(name, expected)
            return MISSING
        return value

    def string(self, name, nullable=True, required=False, non_empty=False, max_length=None):
        """Return a string property; ``non_empty`` also rejects text that is only whitespace."""
        value = self._typed(name, str, nullable)
        if value is MISSING and required and not self.has(name):
            self.add_error(name, "The {} field is required.".format(pascal_case(name)))
        if isinstance(value, str):
            if non_empty and not value.strip():
                self.add_error(name, "'{}' must not be empty.".format(pascal_case(name)))
                return MISSING
            if max_length is not None and len(value) > max_length:
                self.add_error(name, f"'{pascal_case(name)}' must be {max_length} characters or fewer.")
                return MISSING
        return value

    def boolean(self, name, nullable=False):
        """Return a boolean property."""
        return self._typed(name, bool, nullable)

    def integer(self, name, nullable=False, minimum=None, maximum=None):
        """Return a 32-bit integer property within the optional bounds."""
        value = self._typed(name, int, nullable)
        if isinstance(value, int):
            low = INT32_MIN if minimum is None else minimum
            high = INT32_MAX if maximum is None else maximum
            if value < low or value > high:
                self.add_error(name, f"'{pascal_case(name)}' must be between {low} and {high}. You entered {value}.")
                return MISSING
        return value

    def enum(self, name, members, nullable=False):
        """Return an enum property as its canonical member name.

        Names match in any case. An integer is taken as the member's position, as ASP.NET's
        JsonStringEnumConverter allows by default.
        """
        value = self.raw(name)
        if value is MISSING:
            return MISSING
        if value is None:
            if nullable:
                return None
            self.add_error(name, "The {} field must not be null.".format(pascal_case(name)))
            return MISSING
        member = match_enum(value, members)
        if member is None:
            self.add_error(name, "'{}' is not a valid value. Valid values: {}.".format(value, ", ".join(members)))
            return MISSING
        return member

    def array(self, name, nullable=False):
        """Return a list property."""
        return self._typed(name, list, nullable)

    def obj(self, name, nullable=True):
        """Return an object property wrapped as a JsonBody that shares this body's errors."""
        value = self._typed(name, dict, nullable)
        if isinstance(value, dict):
            return JsonBody(value, prefix=self.field_name(name) + ".", errors=self.errors)
        return value

    def string_list(self, name, nullable=False):
        """Return a list property whose items must all be strings."""
        values = self.array(name, nullable)
        if not isinstance(values, list):
            return values
        valid = True
        for index, item in enumerate(values):
            if not isinstance(item, str):
                self.add_error(f"{name}[{index}]", "The JSON value could not be converted to System.String.")
                valid = False
        return values if valid else MISSING

    def object_list(self, name, nullable=False):
        """Return a list property as JsonBody items; each item's errors are prefixed ``Name[i].``."""
        values = self.array(name, nullable)
        if not isinstance(values, list):
            return values
        items = []
        for index, item in enumerate(values):
            if not isinstance(item, dict):
                self.add_error(f"{name}[{index}]", "The JSON value could not be converted to an object.")
                continue
            items.append(JsonBody(item, prefix=f"{self.field_name(name)}[{index}].", errors=self.errors))
        return items if len(items) == len(values) else MISSING


def is_int32(value):
    """Return whether a JSON value converts to Int32: an integer (not a boolean) within its range."""
    return isinstance(value, int) and not isinstance(value, bool) and INT32_MIN <= value <= INT32_MAX


def match_enum(value, members):
    """Return the member of ``members`` that value names (any case, or a position), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return members[value] if 0 <= value < len(members) else None
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return match_enum(int(text), members)
        for member in members:
            if member.lower() == text.lower():
                return member
    return None
