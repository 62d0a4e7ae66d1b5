# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: Enclave trust requirements as the trust requirement modules build, compare and return them.

The API keeps a requirement's settings as {configuration: {name: str}, conditions: [{name: str}]},
with every value a string, booleans included ('true' or 'false').
"""

from __future__ import annotations

import re

from ._case import snake_dict
from ._errors import EnclaveError
from ._ip_ranges import EXPECTED_FORMS, canonical_ip_range, request_ip_range

# Module option -> the API's TrustRequirementType.
REQUIREMENT_TYPES = {"user_authentication": "UserAuthentication", "public_ip": "PublicIp"}
SORT_ORDERS = {"description": "Description", "recently_created": "RecentlyCreated"}
AUTHORITIES = ("portal", "azure", "google", "okta", "jumpcloud", "duo", "oidc")
# Authorities that sign users in through the customer's own identity provider, found by its URI.
AUTHORITIES_WITH_URI = ("okta", "jumpcloud", "duo", "oidc")
# user_authentication suboption -> configuration key in the API's settings.
CONFIGURATION_KEYS = {
    "authority": "authority",
    "tenant_id": "tenantId",
    "authority_uri": "authorityUri",
    "client_id": "clientId",
    "audience": "aud",
}
_COUNTRY_CODE = re.compile(r"^[A-Za-z]{2}$")


def requirement_result(model):
    """Convert a requirement from the API to snake_case; its settings keep the API's own key names."""
    return snake_dict(model, keep_keys_of=frozenset(["settings"]))


def describe_requirement(model):
    """Name a requirement in messages by its description and id."""
    return "trust requirement '{0}' (id {1})".format(model.get("description"), model.get("id"))


def _user_authentication_configuration(value):
    authority = value["authority"]
    if authority == "azure" and not value.get("tenant_id"):
        raise EnclaveError(
            "user_authentication.tenant_id is missing: the azure authority needs the Entra ID tenant id."
        )
    if authority in AUTHORITIES_WITH_URI:
        uri = value.get("authority_uri") or ""
        if not uri:
            raise EnclaveError(
                "user_authentication.authority_uri is missing: the {0} authority needs the https URI of the "
                "identity provider, such as https://example.okta.com.".format(authority)
            )
        if not uri.lower().startswith("https://") or len(uri) <= len("https://"):
            raise EnclaveError(
                "user_authentication.authority_uri '{0}' is invalid: the {1} authority needs the https URI of "
                "the identity provider, such as https://example.okta.com.".format(uri, authority)
            )
        if not value.get("client_id"):
            raise EnclaveError(
                "user_authentication.client_id is missing: the {0} authority needs the client id of the "
                "application registered with the identity provider.".format(authority)
            )
    configuration = {}
    for option, key in CONFIGURATION_KEYS.items():
        if value.get(option):
            configuration[key] = value[option]
    return configuration


def _public_ip_conditions(conditions):
    body = []
    for index, condition in enumerate(conditions):
        where = "public_ip.conditions[{0}]".format(index)
        text = condition["value"].strip()
        if condition["type"] == "country":
            if not _COUNTRY_CODE.match(text):
                raise EnclaveError(
                    "{0}.value '{1}' is invalid: expected a two-letter ISO 3166 country code such as GB.".format(
                        where, condition["value"]
                    )
                )
            text = text.upper()
        else:
            try:
                text = request_ip_range(text)
            except ValueError:
                raise EnclaveError(
                    "{0}.value '{1}' is invalid: expected {2}.".format(where, condition["value"], EXPECTED_FORMS)
                ) from None
        body.append(
            {
                "type": condition["type"],
                "value": text,
                "isBlocked": "true" if condition["blocked"] else "false",
                "description": condition.get("description") or None,
            }
        )
    return body


class RequirementRequest:
    """The trust requirement a task requests: its type, and its settings when the task sets them.

    The constructor checks every option that can be checked without the API, so an invalid value fails
    the task before any request.
    """

    def __init__(self, params):
        self.requirement_type = None
        self.configuration = None
        self.conditions = None
        user = params.get("user_authentication")
        public_ip = params.get("public_ip")
        if user is not None:
            self.requirement_type = "UserAuthentication"
            self.configuration = _user_authentication_configuration(user)
            if user.get("conditions") is not None:
                self.conditions = [{"claim": item["claim"], "value": item["value"]} for item in user["conditions"]]
        elif public_ip is not None:
            self.requirement_type = "PublicIp"
            self.configuration = {}
            self.conditions = _public_ip_conditions(public_ip["conditions"])

        description = params.get("description")
        if description is not None and not description.strip():
            raise EnclaveError("description '' is invalid: give the trust requirement a description that is not empty.")

    def desired_settings(self, current_settings=None):
        """Return the settings to send: the requested parts, and the current conditions where none are requested."""
        current_settings = current_settings or {}
        conditions = self.conditions
        if conditions is None:
            conditions = current_settings.get("conditions") or []
        return {"configuration": dict(self.configuration or {}), "conditions": [dict(item) for item in conditions]}


def _condition_key(condition):
    condition_type = condition.get("type")
    items = []
    for key, value in sorted(condition.items()):
        if key == "value" and condition_type == "ip":
            value = canonical_ip_range(value)
        elif key == "value" and condition_type == "country" and isinstance(value, str):
            value = value.upper()
        items.append((key, value or None))
    return tuple(items)


def same_settings(desired, current):
    """Tell whether two settings are equal: configuration as a map, conditions as a multiset.

    Empty values equal missing ones, IP ranges compare in canonical form and country codes in any case.
    """
    current = current or {}
    desired_configuration = {key: value for key, value in desired["configuration"].items() if value}
    current_configuration = {key: value for key, value in (current.get("configuration") or {}).items() if value}
    if desired_configuration != current_configuration:
        return False
    desired_conditions = sorted((_condition_key(item) for item in desired["conditions"]), key=repr)
    current_conditions = sorted((_condition_key(item) for item in current.get("conditions") or []), key=repr)
    return desired_conditions == current_conditions
