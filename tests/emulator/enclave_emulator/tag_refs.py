"""Tag names on systems and keys: validation of request lists and ``{tag, ref, colour}`` references."""

from __future__ import annotations

import re

from .jsonbody import MISSING
from .store import tag_entry

TAG_NAME_PATTERN = re.compile(r"^([a-z0-9]+[-.])*[a-z0-9]+$")
MAX_TAG_LENGTH = 64


def read_tag_names(body, name="tags"):
    """Return the list of tag names sent in a body property, or MISSING.

    Names must match ``^([a-z0-9]+[-.])*[a-z0-9]+$`` and be 64 characters or fewer, and no name may
    appear twice. Failures are recorded in the body's errors.
    """
    names = body.string_list(name)
    if not isinstance(names, list):
        return names
    valid = True
    seen = set()
    for index, tag in enumerate(names):
        if len(tag) > MAX_TAG_LENGTH or not TAG_NAME_PATTERN.match(tag):
            body.add_error(
                f"{name}[{index}]",
                f"'{tag}' is not a valid tag name. Use 1 to {MAX_TAG_LENGTH} characters: lower-case letters and "
                "digits, with '-' or '.' between them.",
            )
            valid = False
        elif tag in seen:
            body.add_error(name, "The tag '{}' appears more than once.".format(tag))
            valid = False
        seen.add(tag)
    return list(names) if valid else MISSING


def render_tags(org, names):
    """Return tag references ``{tag, ref, colour}`` for stored tag names."""
    references = []
    for name in names or []:
        entry = tag_entry(org, name)
        references.append({"tag": entry["tag"], "ref": entry["ref"], "colour": entry["colour"]})
    return references
