"""``/account/orgs`` and the organisation properties at ``/org/{orgId}``."""

from __future__ import annotations

from .. import timestamps
from ..jsonbody import MISSING

ORG_PATH = "/org/{orgId:guid}"

# Values for organisation properties that a fixture leaves out.
ORG_DEFAULTS = {
    "created": "2024-01-15T09:30:00Z",
    "plan": "Business",
    "billingIsPaidYearly": False,
    "billingRate": None,
    "billingDisableUpdate": False,
    "billingCurrencySymbol": None,
    "website": None,
    "phone": None,
    "maxSystems": 100,
    "featureLimits": None,
    "trialExpiry": None,
    "trialState": "None",
    "isSuspendedByAdmin": False,
    "partner": None,
}


def register(router):
    """Register the account and organisation routes."""
    router.add("GET", "/account/orgs", list_orgs)
    router.add("GET", ORG_PATH, get_org)
    router.add("PATCH", ORG_PATH, patch_org)


def render_org(org):
    """Return the organisation properties model, with system counts computed from the state."""

    def value(name):
        return org.get(name, ORG_DEFAULTS[name])

    return {
        "id": org["id"],
        "created": timestamps.format_datetime(value("created")),
        "name": org["name"],
        "plan": value("plan"),
        "billingIsPaidYearly": value("billingIsPaidYearly"),
        "billingRate": value("billingRate"),
        "billingDisableUpdate": value("billingDisableUpdate"),
        "billingCurrencySymbol": value("billingCurrencySymbol"),
        "website": value("website"),
        "phone": value("phone"),
        "maxSystems": value("maxSystems"),
        "enrolledSystems": len(org["systems"]),
        "unapprovedSystems": len(org["unapprovedSystems"]),
        "featureLimits": value("featureLimits"),
        "trialExpiry": timestamps.format_datetime(value("trialExpiry")),
        "trialState": value("trialState"),
        "isSuspendedByAdmin": value("isSuspendedByAdmin"),
        "partner": value("partner"),
    }


def list_orgs(ctx):
    """GET /account/orgs: the organisations the token can reach, in fixture order."""
    orgs = []
    for grant in ctx.access["orgs"]:
        org = ctx.store.orgs[grant["orgId"]]
        orgs.append({"orgId": org["id"], "orgName": org["name"], "role": grant["role"], "partnerAccess": False})
    return {"orgs": orgs}


def get_org(ctx):
    """GET /org/{orgId}."""
    return render_org(ctx.org)


def patch_org(ctx):
    """PATCH /org/{orgId}: changes Name, Website and Phone; Website and Phone accept null to clear them."""
    body = ctx.body()
    name = body.string("name", nullable=False, non_empty=True)
    website = body.string("website")
    phone = body.string("phone")
    body.raise_if_invalid()

    if name is not MISSING:
        ctx.org["name"] = name
    if website is not MISSING:
        ctx.org["website"] = website
    if phone is not MISSING:
        ctx.org["phone"] = phone
    return render_org(ctx.org)
