"""The DNS names that resolve to a system, from its id and from the org's DNS records.

Every system resolves as ``<systemid>.id.enclave``, in lower case. A DNS record adds its fqdn to each
system it names in ``systems`` and to each system that has one of its ``tags``. Systems list these
names in their ``dns`` field and ``GET /systems?dns=`` filters by them. This module sits apart from
``resources/dns.py`` because that module imports the systems module.

NOTE: a zone's ``autoDnsTags`` add no names. What names the API derives from them is undocumented.
"""

from __future__ import annotations

from .tag_refs import render_tags

APEX_NAME = "@"
SYSTEM_ID_ZONE = "id.enclave"


def record_fqdn(record, zone):
    """Return the name a record resolves: the zone name for ``@``, else ``<name>.<zone>``."""
    if record["name"] == APEX_NAME:
        return zone["name"]
    return "{}.{}".format(record["name"], zone["name"])


def system_id_name(system):
    """Return the automatic ``<systemid>.id.enclave`` name of a system."""
    return "{}.{}".format(system["systemId"].lower(), SYSTEM_ID_ZONE)


def system_dns_entries(org, system):
    """Build the system's ``dns`` entries: its id name first, then one per matching record in id order.

    Entries have the Enclave SDK's SystemDnsEntry shape: ``fqdn``, the zone and record it came from,
    ``fromDirectAssignment`` (the record names the system) and ``tags`` (the system's tags that the
    record also has, which caused the name).
    """
    entries = [
        {
            "fqdn": system_id_name(system),
            "fromZoneId": None,
            "fromZoneName": None,
            "fromRecordId": None,
            "fromRecordName": None,
            "fromDirectAssignment": False,
            "tags": [],
        }
    ]
    system_tags = set(system.get("tags") or [])
    for record in sorted(org["dnsRecords"].values(), key=lambda record: record["id"]):
        zone = org["dnsZones"].get(record["zoneId"])
        direct = system["systemId"] in (record.get("systems") or [])
        matching_tags = [tag for tag in record.get("tags") or [] if tag in system_tags]
        if zone is None or not (direct or matching_tags):
            continue
        entries.append(
            {
                "fqdn": record_fqdn(record, zone),
                "fromZoneId": zone["id"],
                "fromZoneName": zone["name"],
                "fromRecordId": record["id"],
                "fromRecordName": record["name"],
                "fromDirectAssignment": direct,
                "tags": render_tags(org, matching_tags),
            }
        )
    return entries


def system_dns_names(org, system):
    """Return the set of fully qualified names, in lower case, that resolve to a system."""
    return {entry["fqdn"].lower() for entry in system_dns_entries(org, system)}
