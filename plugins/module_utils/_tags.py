# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: the tags option of modules whose entity carries a list of tag names."""

from __future__ import annotations


def tag_names(tags):
    """Return the names in an API tag list, whose items are {tag, ref, colour} references or plain names."""
    names = []
    for item in tags or []:
        name = item.get("tag") if isinstance(item, dict) else item
        if isinstance(name, str):
            names.append(name)
    return names


def wanted_tags(current, tags, purge_tags):
    """Return the tag names to send for the tags and purge_tags options, or None when nothing differs.

    current is the entity's tag names. Tags compare as a set, so order and repeats never count as a
    change. Without purge_tags, tags already on the entity are kept and the given ones are added.
    """
    wanted = []
    for name in tags if purge_tags else list(current) + list(tags):
        if name not in wanted:
            wanted.append(name)
    if set(wanted) == set(current):
        return None
    return wanted
