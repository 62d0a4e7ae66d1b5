# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: conversion between the API's camelCase JSON and Ansible's snake_case return values."""

from __future__ import annotations

import re

# "virtualAddress" -> "virtual_address", "traceId" -> "trace_id", "HTMLBody" -> "html_body".
_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def to_snake(name):
    """Convert one camelCase or PascalCase property name to snake_case."""
    return _BOUNDARY.sub("_", name).lower()


def snake_dict(value, keep_keys_of=frozenset()):
    """Convert the keys of API JSON to snake_case, through nested dicts and lists.

    keep_keys_of names properties (in API casing) whose value is a map keyed by data, such as
    a count per record type; their keys are kept as the API sent them.
    """
    if isinstance(value, dict):
        converted = {}
        for key, item in value.items():
            if key in keep_keys_of and isinstance(item, dict):
                converted[to_snake(key)] = dict(item)
            else:
                converted[to_snake(key)] = snake_dict(item, keep_keys_of)
        return converted
    if isinstance(value, list):
        return [snake_dict(item, keep_keys_of) for item in value]
    return value
