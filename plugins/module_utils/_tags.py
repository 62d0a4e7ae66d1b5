# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: the tags option of modules whose entity carries a list of tag names."""

from __future__ import annotations

import re

from ._errors import EnclaveError


def tag_names(tags):
    """Return the names in an API tag list, whose items are {tag, ref, colour} references or plain names."""
    names = []
    for item in tags or []:
        name = item.get("tag") if isinstance(item, dict) else item
        if isinstance(name, str):
            names.append(name)
    return names


def desired_tags(current, tags, purge_tags):
    """Return the tag names to send for the tags and purge_tags options, or None when nothing differs.

    current is the entity's tag names. Tags compare as a set, so order and repeats never count as a
    change. Without purge_tags, tags already on the entity are kept and the given ones are added.
    """
    desired = []
    for name in tags if purge_tags else list(current) + list(tags):
        if name not in desired:
            desired.append(name)
    if set(desired) == set(current):
        return None
    return desired


# The API's rule for tag names: lower-case letters and digits, with '-' or '.' between them.
TAG_NAME_PATTERN = re.compile(r"^([a-z0-9]+[-.])*[a-z0-9]+$")
MAX_TAG_NAME_LENGTH = 64


def check_tag_name(option, name):
    """Raise EnclaveError naming the option unless name is a tag name the API accepts."""
    if len(name) > MAX_TAG_NAME_LENGTH or not TAG_NAME_PATTERN.match(name):
        raise EnclaveError(
            "{0} '{1}' is not a valid tag name: use 1 to {2} lower-case letters and digits, with '-' or '.' "
            "between them, such as web-servers or eu.prod.".format(option, name, MAX_TAG_NAME_LENGTH)
        )


def check_tag_names(option, names):
    """Raise EnclaveError for the first name in names that is not a valid tag name."""
    for index, name in enumerate(names or []):
        check_tag_name("{0}[{1}]".format(option, index), name)


def unique_names(names):
    """Return names without repeats, in their first order; the API rejects a tag listed twice."""
    unique = []
    for name in names or []:
        if name not in unique:
            unique.append(name)
    return unique


def tag_references(current_tags, names):
    """Return API tag references for names, keeping the ref and colour of those already in current_tags.

    Check mode predicts a model with these; a tag new to the entity has no ref or colour yet.
    """
    known = {tag.get("tag"): tag for tag in current_tags or [] if isinstance(tag, dict)}
    return [dict(known.get(name) or {"tag": name, "ref": None, "colour": None}) for name in names]
