# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: the before and after that modules return in diff mode."""

from __future__ import annotations


def changed_fields_diff(before_view, after_view):
    """Return {'before', 'after'} of two views of an entity: every field on create and delete, else those that differ.

    A view is a dict of the fields that diff mode shows, already in snake_case and with sets sorted,
    so equal values compare equal. An empty or None view means the entity does not exist.
    """
    before_view = dict(before_view or {})
    after_view = dict(after_view or {})
    if before_view and after_view:
        changed = [name for name in before_view if before_view[name] != after_view.get(name)]
        before_view = {name: before_view[name] for name in changed}
        after_view = {name: after_view.get(name) for name in changed}
    return {"before": before_view, "after": after_view}
