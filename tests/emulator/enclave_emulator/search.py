"""The ``search`` query parameter: plain words plus ``key:value`` terms.

The text is split at whitespace (a double-quoted value may contain spaces) and every term must match.
A plain word is a case-insensitive substring of one of the resource's main fields. A ``key:value`` term
is handled by the resource's matcher for that key. ``key: value`` with a space after the colon also
works, because PowerShell clients send it that way.
"""

from __future__ import annotations

from .problems import validation_problem


class SearchValueError(ValueError):
    """A search term whose value the key cannot use, e.g. ``uses:many``."""


def tokenize(text):
    """Split search text into terms at whitespace, keeping double-quoted parts together without quotes."""
    terms = []
    current = []
    in_quotes = False
    has_term = False
    for char in text:
        if char == '"':
            in_quotes = not in_quotes
            has_term = True
        elif char.isspace() and not in_quotes:
            if has_term:
                terms.append("".join(current))
            current = []
            has_term = False
        else:
            current.append(char)
            has_term = True
    if has_term:
        terms.append("".join(current))
    return terms


def _split_key(term, matchers):
    """Return ``(key, value)`` when the term starts with a known ``key:``, else ``(None, term)``."""
    name, colon, value = term.partition(":")
    if colon and name.lower() in matchers:
        return name.lower(), value
    return None, term


def build_filter(text, text_fields, matchers):
    """Compile search text into a predicate over stored items.

    ``text_fields(item)`` returns the strings a plain word is matched against. ``matchers`` maps a
    lower-case key name to ``compile(value)``, which returns ``predicate(item) -> bool`` or raises
    SearchValueError for a value it cannot use. Raises a 400 validation problem (field ``Search``) for
    such a value or an unknown key.
    NOTE: unknown keys are rejected by assumption, so a plain word that contains a colon is read as a key.
    """
    if text is None or not text.strip():
        return lambda item: True

    terms = tokenize(text)
    conditions = []
    index = 0
    while index < len(terms):
        term = terms[index]
        index += 1
        key, value = _split_key(term, matchers)
        if key is None:
            if ":" in term and not term.startswith(":"):
                known = ", ".join(sorted(matchers))
                message = "Unknown search key '{}'. Known keys: {}.".format(term.partition(":")[0], known)
                raise validation_problem({"Search": [message]})
            conditions.append(_text_condition(value.lower(), text_fields))
            continue
        if value == "" and index < len(terms):
            value = terms[index]
            index += 1
        try:
            conditions.append(matchers[key](value))
        except SearchValueError as error:
            raise validation_problem({"Search": [str(error)]}) from error

    return lambda item: all(condition(item) for condition in conditions)


def _text_condition(needle, text_fields):
    return lambda item: any(needle in (field or "").lower() for field in text_fields(item))


def tags_key(get_tag_names):
    """Build the ``tags:`` key: ``a,b`` needs every tag, ``|a,b`` needs any of them (names in any case)."""

    def compile_value(value):
        desired_any = value.startswith("|")
        desired = [name.strip().lower() for name in value.lstrip("|").split(",") if name.strip()]
        if not desired:
            raise SearchValueError("The tags search key needs at least one tag name, e.g. tags:web,prod.")

        def predicate(item):
            present = {name.lower() for name in get_tag_names(item)}
            if desired_any:
                return any(name in present for name in desired)
            return all(name in present for name in desired)

        return predicate

    return compile_value


def choice_key(key, get_value, choices):
    """Build a key whose value must be one of ``choices`` (lower-case search word -> stored value)."""

    def compile_value(value):
        desired = choices.get(value.strip().lower())
        if desired is None:
            raise SearchValueError(
                "The {} search key takes one of {}, not '{}'.".format(key, ", ".join(sorted(choices)), value)
            )
        return lambda item: get_value(item) == desired

    return compile_value


def substring_key(get_text):
    """Build a key that matches when its value is a case-insensitive substring of one field."""

    def compile_value(value):
        desired = value.strip().lower()
        return lambda item: desired in (get_text(item) or "").lower()

    return compile_value


def text_key(get_text):
    """Build a key that matches its value case-insensitively and exactly against one field."""

    def compile_value(value):
        desired = value.strip().lower()
        return lambda item: (get_text(item) or "").lower() == desired

    return compile_value


def _split_comparison(value):
    """Split ``<5``, ``>5`` or ``5`` into an operator and the rest."""
    if value[:1] in ("<", ">"):
        return value[0], value[1:].strip()
    return "=", value.strip()


def _compare(operator, have, desired):
    if operator == "<":
        return have < desired
    if operator == ">":
        return have > desired
    return have == desired


def number_key(key, get_number):
    """Build a key that compares a number: ``<n``, ``>n`` or ``n``."""

    def compile_value(value):
        operator, text = _split_comparison(value)
        try:
            desired = int(text)
        except ValueError as error:
            raise SearchValueError(
                "The {key} search key needs a whole number such as {key}:<5, not '{value}'.".format(
                    key=key, value=value
                )
            ) from error
        return lambda item: _compare(operator, get_number(item), desired)

    return compile_value


def _version_tuple(text):
    parts = text.strip().split(".")
    if not all(part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)


def version_key(get_version):
    """Build the ``version:`` key: ``<2024.8.0``, ``>2024.8.0`` or a version prefix such as ``2026.6``."""

    def compile_value(value):
        operator, text = _split_comparison(value)
        desired = _version_tuple(text)
        if desired is None:
            raise SearchValueError(
                "The version search key needs a version such as version:<2024.8.0, not '{}'.".format(value)
            )

        def predicate(item):
            have = _version_tuple(get_version(item) or "")
            if have is None:
                return False
            if operator == "=":
                return have[: len(desired)] == desired
            return _compare(operator, have, desired)

        return predicate

    return compile_value


def bool_key(key, get_bool):
    """Build a key that takes ``true`` or ``false`` in any case."""

    def compile_value(value):
        text = value.strip().lower()
        if text not in ("true", "false"):
            raise SearchValueError("The {} search key takes true or false, not '{}'.".format(key, value))
        desired = text == "true"
        return lambda item: bool(get_bool(item)) == desired

    return compile_value
