"""Trust requirements: ``/org/{orgId}/trust-requirements`` and its single-item and bulk routes.

A requirement's ``settings`` is ``{configuration: {str: str|null}, conditions: [{str: str|null}]}``, with
every value a string, as the API stores it. Tags (``trustRequirements``) and policies
(``senderTrustRequirements``) refer to requirements by id.
"""

from __future__ import annotations

import ipaddress

from .. import timestamps
from ..bulk import read_bulk_ids
from ..countries import is_country_code
from ..jsonbody import MISSING, is_int32
from ..pagination import paginate
from ..problems import not_found
from ..query import get_enum
from ..search import build_filter, choice_key
from ..sorting import newest_first
from ..sorting import text_key as sort_text
from .orgs import ORG_PATH

REQUIREMENTS_PATH = ORG_PATH + "/trust-requirements"
REQUIREMENT_PATH = REQUIREMENTS_PATH + "/{requirementId:int}"

REQUIREMENT_TYPES = ("UserAuthentication", "PublicIp")
REQUIREMENT_SORTS = ("Description", "RecentlyCreated")
# NOTE: the API's order without sort= is undocumented; Description is assumed.
DEFAULT_REQUIREMENT_SORT = "Description"

AUTHORITIES = ("portal", "azure", "google", "okta", "jumpcloud", "duo", "oidc")
# Authorities that sign users in through an identity provider of the customer's own.
AUTHORITIES_WITH_URI = ("okta", "jumpcloud", "duo", "oidc")
PUBLIC_IP_CONDITION_TYPES = ("ip", "country")


def register(router):
    """Register the trust requirement routes."""
    router.add("GET", REQUIREMENTS_PATH, list_requirements)
    router.add("POST", REQUIREMENTS_PATH, create_requirement)
    router.add("DELETE", REQUIREMENTS_PATH, delete_requirements)
    router.add("GET", REQUIREMENT_PATH, get_requirement)
    router.add("PATCH", REQUIREMENT_PATH, patch_requirement)
    router.add("DELETE", REQUIREMENT_PATH, delete_requirement)


# NOTE: the API's problem type slug for a missing trust requirement is undocumented; this follows the
# system-not-found pattern.
def requirement_not_found(requirement_id):
    """Build the 404 problem for a trust requirement that the token cannot reach."""
    return not_found(
        "trust-requirement-not-found",
        "Trust requirement cannot be found",
        f"Trust requirement with id {requirement_id} does not exist, or your access rights do not allow access to it.",
    )


# Shared with tags and policies


def render_used_requirements(org, requirement_ids):
    """Return ``{id, description, type}`` references for the stored requirement ids that still exist."""
    used = []
    for requirement_id in requirement_ids or []:
        requirement = org["trustRequirements"].get(requirement_id)
        if requirement is not None:
            used.append(
                {"id": requirement_id, "description": requirement.get("description"), "type": requirement["type"]}
            )
    return used


def read_requirement_ids(body, name, org):
    """Return the requirement ids sent in a body property, or MISSING.

    Every id must name a trust requirement of the org and appear once; failures are recorded in the
    body's errors.
    """
    values = body.array(name)
    if not isinstance(values, list):
        return values
    ids = []
    valid = True
    for index, value in enumerate(values):
        if not is_int32(value):
            body.add_error(f"{name}[{index}]", "The JSON value could not be converted to System.Int32.")
            valid = False
        elif value not in org["trustRequirements"]:
            body.add_error(f"{name}[{index}]", f"No trust requirement has the id {value}.")
            valid = False
        elif value in ids:
            body.add_error(name, f"The trust requirement {value} appears more than once.")
            valid = False
        else:
            ids.append(value)
    return ids if valid else MISSING


# Rendering


def _usage(org, requirement_id):
    in_tags = sum(1 for entry in org["tags"].values() if requirement_id in (entry.get("trustRequirements") or []))
    in_policies = sum(
        1 for policy in org["policies"].values() if requirement_id in (policy.get("senderTrustRequirements") or [])
    )
    return in_tags, in_policies


def summarise(requirement):
    """Return the generated one-line summary that list items carry in place of notes and settings.

    NOTE: the API's summary wording is undocumented; this text only has to describe the settings.
    """
    settings = requirement.get("settings") or {}
    conditions = settings.get("conditions") or []
    if requirement["type"] == "UserAuthentication":
        authority = (settings.get("configuration") or {}).get("authority")
        return "Users must authenticate with {} ({} conditions).".format(authority, len(conditions))
    blocked = sum(1 for condition in conditions if condition.get("isBlocked") == "true")
    return "Public IP rules: {} allowed, {} blocked.".format(len(conditions) - blocked, blocked)


def render_requirement(org, requirement, detail=True):
    """Return the trust requirement detail model, or the list item model when ``detail`` is False."""
    in_tags, in_policies = _usage(org, requirement["id"])
    model = {
        "id": requirement["id"],
        "description": requirement.get("description"),
        "created": timestamps.format_datetime(requirement.get("created")),
        "modified": timestamps.format_datetime(requirement.get("modified")),
        "type": requirement["type"],
        "usedInTags": in_tags,
        "usedInPolicies": in_policies,
    }
    if detail:
        settings = requirement.get("settings") or {}
        model["notes"] = requirement.get("notes")
        model["settings"] = {
            "configuration": dict(settings.get("configuration") or {}),
            "conditions": [dict(condition) for condition in settings.get("conditions") or []],
        }
    else:
        model["summary"] = summarise(requirement)
    return model


def find_requirement(ctx):
    """Return the stored requirement named in the path, or raise the 404 problem."""
    requirement_id = int(ctx.params["requirementId"])
    requirement = ctx.org["trustRequirements"].get(requirement_id)
    if requirement is None:
        raise requirement_not_found(requirement_id)
    return requirement


# Validation of settings


def _string_map(item, field, body):
    """Return a JSON object of string-or-null values, or None after recording an error."""
    if not isinstance(item, dict):
        body.add_error(field, "The JSON value could not be converted to an object.")
        return None
    for key, value in item.items():
        if value is not None and not isinstance(value, str):
            body.add_error(f"{field}.{key}", "Every setting value is a string; send booleans as 'true' or 'false'.")
            return None
    return dict(item)


def _lower_keys(mapping):
    return {key.lower(): value for key, value in mapping.items()}


def _check_https(uri):
    return isinstance(uri, str) and uri.lower().startswith("https://") and len(uri) > len("https://")


def _validate_user_authentication(configuration, conditions, body):
    values = _lower_keys(configuration)
    authority = values.get("authority")
    if authority not in AUTHORITIES:
        body.add_error(
            "settings.configuration.authority",
            "'{}' is not a valid authority. Valid values: {}.".format(authority, ", ".join(AUTHORITIES)),
        )
        return
    if authority == "azure" and not values.get("tenantid"):
        body.add_error("settings.configuration.tenantId", "The azure authority needs a tenantId.")
    if authority in AUTHORITIES_WITH_URI:
        if not _check_https(values.get("authorityuri")):
            body.add_error(
                "settings.configuration.authorityUri",
                f"The {authority} authority needs an authorityUri that starts with https://.",
            )
        if not values.get("clientid"):
            body.add_error("settings.configuration.clientId", f"The {authority} authority needs a clientId.")
    for index, condition in enumerate(conditions):
        condition_values = _lower_keys(condition)
        if not condition_values.get("claim") or condition_values.get("value") is None:
            body.add_error(f"settings.conditions[{index}]", "A condition needs a claim and a value.")


def _validate_ip_value(value):
    text = value.strip()
    try:
        if "/" in text:
            ipaddress.ip_network(text, strict=False)
        elif "-" in text:
            first, _dash, last = text.partition("-")
            if ipaddress.ip_address(first.strip()) > ipaddress.ip_address(last.strip()):
                return False
        else:
            ipaddress.ip_address(text)
    except (ValueError, TypeError):
        return False
    return True


def _validate_public_ip(conditions, body):
    for index, condition in enumerate(conditions):
        where = f"settings.conditions[{index}]"
        values = _lower_keys(condition)
        condition_type = values.get("type")
        value = values.get("value")
        if condition_type not in PUBLIC_IP_CONDITION_TYPES:
            body.add_error(
                f"{where}.type", "'{}' is not a valid condition type. Use ip or country.".format(condition_type)
            )
        elif not isinstance(value, str) or not value.strip():
            body.add_error(f"{where}.value", "A condition needs a value.")
        elif condition_type == "country" and not is_country_code(value):
            body.add_error(f"{where}.value", f"'{value}' is not an ISO 3166-1 alpha-2 country code such as GB.")
        elif condition_type == "ip" and not _validate_ip_value(value):
            body.add_error(f"{where}.value", f"'{value}' is not an IP address, a CIDR block or a range.")
        if values.get("isblocked") not in ("true", "false"):
            body.add_error(f"{where}.isBlocked", "isBlocked must be the string 'true' or 'false'.")


def _upper_case_country(condition):
    # NOTE: country codes are stored in upper case by assumption; the API's own form is undocumented.
    if _lower_keys(condition).get("type") != "country":
        return
    for key in condition:
        if key.lower() == "value":
            condition[key] = condition[key].upper()


def read_settings(body, requirement_type):
    """Validate the ``settings`` property for a requirement type; return stored settings or MISSING."""
    settings_body = body.obj("settings", nullable=False)
    if settings_body is MISSING:
        return MISSING
    configuration = settings_body.raw("configuration")
    conditions = settings_body.raw("conditions")
    configuration = (
        {} if configuration in (MISSING, None) else _string_map(configuration, "settings.configuration", body)
    )
    if conditions in (MISSING, None):
        conditions = []
    elif not isinstance(conditions, list):
        body.add_error("settings.conditions", "The JSON value could not be converted to an array.")
        return MISSING
    else:
        conditions = [_string_map(item, f"settings.conditions[{index}]", body) for index, item in enumerate(conditions)]
    if configuration is None or None in conditions:
        return MISSING

    errors_before = len(body.errors)
    if requirement_type == "UserAuthentication":
        _validate_user_authentication(configuration, conditions, body)
    else:
        _validate_public_ip(conditions, body)
    if len(body.errors) != errors_before:
        return MISSING
    if requirement_type == "PublicIp":
        for condition in conditions:
            _upper_case_country(condition)
    return {"configuration": configuration, "conditions": conditions}


# Routes


def _search_filter(text):
    matchers = {
        "type": choice_key(
            "type",
            lambda requirement: requirement["type"],
            {"userauthentication": "UserAuthentication", "publicip": "PublicIp"},
        ),
    }
    return build_filter(text, lambda requirement: (requirement.get("description"),), matchers)


def list_requirements(ctx):
    """GET /trust-requirements with search, sort, page and per_page."""
    sort = get_enum(ctx.query, "sort", REQUIREMENT_SORTS) or DEFAULT_REQUIREMENT_SORT
    matches = _search_filter(ctx.query.get("search"))
    requirements = [requirement for requirement in ctx.org["trustRequirements"].values() if matches(requirement)]
    if sort == "RecentlyCreated":
        requirements.sort(key=lambda requirement: (newest_first(requirement.get("created")), requirement["id"]))
    else:
        requirements.sort(key=lambda requirement: (sort_text(requirement.get("description")), requirement["id"]))
    return paginate(requirements, ctx, lambda requirement: render_requirement(ctx.org, requirement, detail=False))


def create_requirement(ctx):
    """POST /trust-requirements: ``{description, type, notes?, settings}``."""
    body = ctx.body()
    description = body.string("description", nullable=False, required=True, non_empty=True)
    requirement_type = body.enum("type", REQUIREMENT_TYPES)
    if requirement_type is MISSING and not body.has("type"):
        body.add_error("type", "The Type field is required.")
    notes = body.string("notes")
    settings = MISSING
    if requirement_type is not MISSING:
        settings = read_settings(body, requirement_type)
        if settings is MISSING and not body.has("settings"):
            body.add_error("settings", "The Settings field is required.")
    body.raise_if_invalid()

    created = timestamps.format_datetime(timestamps.now())
    requirement = {
        "id": ctx.store.next_id("trustRequirements"),
        "description": description,
        "created": created,
        "modified": created,
        "type": requirement_type,
        "notes": None if notes is MISSING else notes,
        "settings": settings,
    }
    ctx.org["trustRequirements"][requirement["id"]] = requirement
    return render_requirement(ctx.org, requirement)


def get_requirement(ctx):
    """GET /trust-requirements/{id}."""
    return render_requirement(ctx.org, find_requirement(ctx))


def patch_requirement(ctx):
    """PATCH /trust-requirements/{id}: Description, Notes and Settings; the type cannot change."""
    requirement = find_requirement(ctx)
    body = ctx.body()
    description = body.string("description", nullable=False, non_empty=True)
    notes = body.string("notes")
    settings = read_settings(body, requirement["type"]) if body.has("settings") else MISSING
    body.raise_if_invalid()

    for field, value in (("description", description), ("notes", notes), ("settings", settings)):
        if value is not MISSING:
            requirement[field] = value
    requirement["modified"] = timestamps.format_datetime(timestamps.now())
    return render_requirement(ctx.org, requirement)


def _remove_requirement(org, requirement_id):
    # Tags and policies stop referring to a deleted requirement.
    for entry in org["tags"].values():
        if requirement_id in (entry.get("trustRequirements") or []):
            entry["trustRequirements"] = [other for other in entry["trustRequirements"] if other != requirement_id]
    for policy in org["policies"].values():
        if requirement_id in (policy.get("senderTrustRequirements") or []):
            policy["senderTrustRequirements"] = [
                other for other in policy["senderTrustRequirements"] if other != requirement_id
            ]
    del org["trustRequirements"][requirement_id]


def delete_requirement(ctx):
    """DELETE /trust-requirements/{id}: returns the deleted requirement's detail."""
    requirement = find_requirement(ctx)
    model = render_requirement(ctx.org, requirement)
    _remove_requirement(ctx.org, requirement["id"])
    return model


def delete_requirements(ctx):
    """DELETE /trust-requirements with ``{"requirementIds": [...]}``; unknown ids are skipped."""
    deleted = 0
    for requirement_id in read_bulk_ids(ctx, "requirementIds", int):
        if requirement_id in ctx.org["trustRequirements"]:
            _remove_requirement(ctx.org, requirement_id)
            deleted += 1
    return {"requirementsDeleted": deleted}
