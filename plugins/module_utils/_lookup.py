# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: finding the one entity a task names, by id or by a field that should be unique."""

from __future__ import annotations

from ansible.module_utils import basic

from ._errors import EnclaveError, ProblemDetailsError
from ._retry import created_item_finder


def is_missing_entity(error):
    """Tell whether a problem means the entity in the path does not exist.

    A 404 about the organisation is not a missing entity, or state=absent would report success for an
    organisation the token cannot reach.
    NOTE: the 'organisation-not-found' problem type is the emulator's; the API's slug is undocumented.
    """
    return error.status == 404 and "organisation-not-found" not in (error.problem_type or "")


def get_or_none(client, path):
    """Return the model at path, or None when the API returns that no such entity exists."""
    try:
        return client.get(path)
    except ProblemDetailsError as error:
        if is_missing_entity(error):
            return None
        raise


def create_entity(client, path, body, matches, list_query=None, known_ids=(), id_field="id"):
    """POST body to path and return the created entity's detail model, without ever creating two.

    A lost response or a gateway error leaves unknown whether the API created the entity. Before the
    client sends the POST again, it lists path with list_query and looks for one item that matches
    and whose id_field is not in known_ids, the ids of matching entities that existed before. It reads
    a found item at path/<id>, because the POST returns the detail model.
    """
    find_created = created_item_finder(
        lambda: client.paginate(path, list_query),
        matches,
        known_ids,
        fetch_detail=lambda item_id: get_or_none(client, "{0}/{1}".format(path, item_id)),
        id_field=id_field,
    )
    return client.post(path, body, find_created=find_created)


def check_references(option, ids, exists, noun, organisation_id, list_hint):
    """Raise EnclaveError naming the ids for which exists(id) is false, before any write sends them.

    The API's own 400 or 404 names the field but not how to find valid ids, and it could stop an
    update after an earlier write. list_hint is the sentence that explains how to list the valid ids.
    """
    unknown = [value for value in ids or [] if not exists(value)]
    if unknown:
        raise EnclaveError(
            "{0} is invalid: no {1} has the {2} {3} in organisation {4}. {5}".format(
                option,
                noun,
                "id" if len(unknown) == 1 else "ids",
                ", ".join(str(value) for value in unknown),
                organisation_id,
                list_hint,
            )
        )


def existing_trust_requirement_ids(client):
    """Return the ids of every trust requirement of the organisation, from one list read."""
    return {item.get("id") for item in client.paginate(client.org_path("trust-requirements")) if isinstance(item, dict)}


def check_trust_requirements(client, option, ids):
    """Raise EnclaveError when ids name a trust requirement that does not exist."""
    if not ids:
        return
    known = existing_trust_requirement_ids(client)
    check_references(
        option,
        ids,
        known.__contains__,
        "trust requirement",
        client.organisation_id,
        "List the valid ids with enclave.networks.trust_requirement_info.",
    )


def check_systems(client, option, system_ids):
    """Raise EnclaveError when system_ids name a system that is not enrolled, reading each system once."""
    check_references(
        option,
        system_ids,
        lambda system_id: get_or_none(client, client.org_path("systems", system_id)) is not None,
        "system",
        client.organisation_id,
        "List the enrolled systems and their ids with enclave.networks.system_info.",
    )


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


# Options whose value only the API assigns, so a check mode prediction of a new entity has them null.
API_ASSIGNED_IDS = ("id", "ref")


def options_passed_as_null():
    """Return the names of the module options that the task passed explicitly as null.

    AnsibleModule sets every option a task leaves out to None, so only the raw arguments tell
    ``id: null`` apart from no id. Call this only after AnsibleModule has read the arguments.
    """
    try:
        raw = basic._load_params()
    except Exception:
        # ansible-core 2.19 raises a bare Exception when the arguments cannot be read again.
        return frozenset()
    if not isinstance(raw, dict):
        return frozenset()
    return frozenset(name for name, value in raw.items() if value is None)


def check_identity(params, id_option, name_option, noun, name_use, null_options=None):
    """Raise EnclaveError when a task names no entity, before the module sends any request.

    With id_option set, name_option only sets a value. So id_option passed as null fails even when
    name_option is set, because finding by name_option could create a second entity where the task
    meant the one with that id. Both options null fails too. name_option is None for _info modules,
    and name_use describes what leaving id_option out does. null_options defaults to the options
    that the module's raw arguments pass as null.
    """
    if null_options is None:
        null_options = options_passed_as_null()
    id_is_null = params.get(id_option) is None
    name_is_null = name_option is None or params.get(name_option) is None
    if not id_is_null:
        return
    check_mode_hint = ""
    if id_option in API_ASSIGNED_IDS:
        check_mode_hint = (
            " In check mode, a task that would create the {0} returns a null {1}, so a later task that "
            "takes that {1} fails in check mode.".format(noun, id_option)
        )
    if name_is_null and name_option is not None:
        raise EnclaveError(
            "{0} {1} and {2} {3}: give the {0} of an existing {4}, or a {2}.{5}".format(
                id_option,
                _null_or_unset(id_option, null_options),
                name_option,
                _null_or_unset(name_option, null_options),
                noun,
                check_mode_hint,
            )
        )
    if id_option in null_options:
        raise EnclaveError(
            "{0} is null: give the {0} of an existing {1}, or leave {0} out to {2}.{3}".format(
                id_option, noun, name_use, check_mode_hint
            )
        )


def _null_or_unset(option, null_options):
    return "is null" if option in null_options else "is not set"
