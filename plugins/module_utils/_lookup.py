# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: finding the one entity a task names, by id or by a field that should be unique."""

from __future__ import annotations

from ._errors import EnclaveError, ProblemDetailsError


def is_missing_entity(error):
    """Tell whether a problem means the entity in the path does not exist.

    A 404 about the organisation is not a missing entity, or state=absent would report success for an
    organisation the token cannot reach.
    NOTE: the 'organisation-not-found' problem type is the emulator's; the API's slug is undocumented.
    """
    return error.status == 404 and "organisation-not-found" not in (error.problem_type or "")


def get_or_none(client, path):
    """Return the model at path, or None when the API answers that no such entity exists."""
    try:
        return client.get(path)
    except ProblemDetailsError as error:
        if is_missing_entity(error):
            return None
        raise


def unique_match(matches, plural, field, value, id_field="id"):
    """Return the one item of matches, None for no item, or raise EnclaveError listing the ids of several.

    plural names the entities in the message ('policies') and field the property that matched.
    """
    if len(matches) > 1:
        ids = ", ".join(str(item.get(id_field)) for item in matches)
        raise EnclaveError(
            "{0} {1} have the {2} '{3}' (ids {4}). Set id to choose one of them.".format(
                len(matches), plural, field, value, ids
            )
        )
    return matches[0] if matches else None
