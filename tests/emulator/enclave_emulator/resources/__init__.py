"""Route handlers, one module per API resource group.

Each module has ``register(router)``. A new resource is a new module listed in RESOURCE_MODULES.
"""

from __future__ import annotations

from . import (
    agent_enrolment,
    dns,
    enrolment_keys,
    orgs,
    policies,
    systems,
    tags,
    trust_requirements,
    unapproved_systems,
)

RESOURCE_MODULES = (
    orgs,
    systems,
    unapproved_systems,
    enrolment_keys,
    tags,
    policies,
    dns,
    trust_requirements,
    agent_enrolment,
)


def register_all(router):
    """Register every resource module's routes on the router."""
    for module in RESOURCE_MODULES:
        module.register(router)
