"""Route handlers, one module per API resource group.

Each module has ``register(router)``. A new resource (tags, policies, DNS, trust requirements) is a new
module listed in RESOURCE_MODULES.
"""

from __future__ import annotations

from . import enrolment_keys, orgs, systems, unapproved_systems

RESOURCE_MODULES = (orgs, systems, unapproved_systems, enrolment_keys)


def register_all(router):
    """Register every resource module's routes on the router."""
    for module in RESOURCE_MODULES:
        module.register(router)
