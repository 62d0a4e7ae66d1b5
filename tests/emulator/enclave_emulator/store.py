"""In-memory API state, loaded from a fixture dict and dumped back to one.

Fixture format (JSON)::

    {
      "defaultOrgId": "<org id>",             # optional; the org that --generate-systems fills
      "tokens": [{"token": "<63 chars>" or "tokenSha256": "<hex>", "description": "...",
                  "orgs": [{"orgId": "<org id>", "role": "Owner"}]}],
      "orgs": [{"id": "<32 hex>", "name": "...", <other organisation properties>,
                "tags": [{"tag": "web", "ref": "ref:<32 hex>", "colour": "#3b82f6"}],
                "systems": [...], "unapprovedSystems": [...], "enrolmentKeys": [...], "policies": [...],
                "dnsZones": [...], "dnsRecords": [...], "trustRequirements": [...]}]
    }

Entities are stored in the API's camelCase shape. Derived fields (system ``state`` Disabled, key
``status`` and counts, organisation counts) are computed when a response is rendered. A dump contains
tokens only as SHA-256 hashes, so no state response ever contains a token.
All reads and writes of the state must hold ``Store.lock``.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
import threading
import uuid

# Collections kept per organisation, keyed by the field that identifies an item. Tags are not among
# them: the org's ``tags`` registry keeps them by name.
COLLECTIONS = {
    "systems": "systemId",
    "unapprovedSystems": "systemId",
    "enrolmentKeys": "id",
    "policies": "id",
    "dnsZones": "id",
    "dnsRecords": "id",
    "trustRequirements": "id",
}


class FixtureError(ValueError):
    """A fixture that cannot be loaded; the message names the field."""


def hash_token(token):
    """Return the hex SHA-256 of a token, which is how the store keeps tokens."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalize_org_id(value):
    """Return a GUID as 32 lower-case hex digits, or None when the value is not a GUID."""
    try:
        return uuid.UUID(str(value)).hex
    except ValueError:
        return None


class Store:
    """The emulator's state: organisations with their collections, and the tokens that reach them."""

    def __init__(self, fixture):
        self.lock = threading.RLock()
        self.orgs = {}
        self.tokens = {}
        self.default_org_id = None
        self.load(fixture)

    def load(self, fixture):
        """Replace the whole state with the fixture's content. Raises FixtureError for a bad fixture."""
        if not isinstance(fixture, dict):
            raise FixtureError("The fixture must be a JSON object.")
        orgs = {}
        for index, org in enumerate(_require_list(fixture, "orgs", "fixture")):
            loaded = _load_org(org, f"orgs[{index}]")
            orgs[loaded["id"]] = loaded

        tokens = {}
        for index, entry in enumerate(_require_list(fixture, "tokens", "fixture")):
            token_hash, access = _load_token(entry, f"tokens[{index}]", orgs)
            tokens[token_hash] = access

        default_org_id = fixture.get("defaultOrgId")
        if default_org_id is not None:
            default_org_id = normalize_org_id(default_org_id)
            if default_org_id not in orgs:
                raise FixtureError("defaultOrgId {!r} names no org in the fixture.".format(fixture.get("defaultOrgId")))
        elif orgs:
            default_org_id = next(iter(orgs))

        with self.lock:
            self.orgs = orgs
            self.tokens = tokens
            self.default_org_id = default_org_id

    def to_fixture(self):
        """Dump the state in fixture form; tokens appear only as ``tokenSha256``."""
        with self.lock:
            orgs = []
            for org in self.orgs.values():
                dumped = {key: copy.deepcopy(value) for key, value in org.items() if key not in COLLECTIONS}
                dumped["tags"] = list(copy.deepcopy(org["tags"]).values())
                for name in COLLECTIONS:
                    dumped[name] = copy.deepcopy(list(org[name].values()))
                orgs.append(dumped)
            tokens = [
                {"tokenSha256": token_hash, "description": access["description"], "orgs": copy.deepcopy(access["orgs"])}
                for token_hash, access in self.tokens.items()
            ]
            return {"defaultOrgId": self.default_org_id, "tokens": tokens, "orgs": orgs}

    def find_token(self, token):
        """Return the token's access entry ``{"description", "orgs": [{"orgId", "role"}]}``, or None."""
        return self.tokens.get(hash_token(token))

    def next_id(self, collection):
        """Return the next integer id for a collection, unique across all organisations like a database key."""
        id_field = COLLECTIONS[collection]
        highest = 0
        for org in self.orgs.values():
            for item in org[collection].values():
                highest = max(highest, int(item[id_field]))
        return highest + 1


def tag_entry(org, name):
    """Return the org's tag registry entry for a name, creating one with a new ref if needed.

    The registry keeps a tag's ref and colour, so a name always gets the same ref within an org.
    """
    entry = org["tags"].get(name)
    if entry is None:
        entry = {"tag": name, "ref": "ref:" + secrets.token_hex(16), "colour": None}
        org["tags"][name] = entry
    return entry


def _require_list(container, name, where):
    value = container.get(name, [])
    if not isinstance(value, list):
        raise FixtureError("{}.{} must be a list.".format(where, name))
    return value


def _load_org(org, where):
    if not isinstance(org, dict):
        raise FixtureError("{} must be an object.".format(where))
    org_id = normalize_org_id(org.get("id"))
    if org_id is None:
        raise FixtureError("{}.id must be a GUID such as 33a606d6b09c4557a01c62cd4c0b405b.".format(where))
    if not isinstance(org.get("name"), str):
        raise FixtureError("{}.name must be a string.".format(where))

    loaded = {key: copy.deepcopy(value) for key, value in org.items() if key not in COLLECTIONS and key != "tags"}
    loaded["id"] = org_id

    tags = {}
    for index, tag in enumerate(_require_list(org, "tags", where)):
        if not isinstance(tag, dict) or not isinstance(tag.get("tag"), str):
            raise FixtureError(f"{where}.tags[{index}] must be an object with a tag name.")
        entry = {
            "tag": tag["tag"],
            "ref": tag.get("ref") or "ref:" + secrets.token_hex(16),
            "colour": tag.get("colour"),
        }
        # Fields the tag routes keep (notes, trustRequirements, permanent, timestamps) load as they are.
        entry.update({key: copy.deepcopy(value) for key, value in tag.items() if key not in entry})
        tags[tag["tag"]] = entry
    loaded["tags"] = tags

    for name, id_field in COLLECTIONS.items():
        items = {}
        for index, item in enumerate(_require_list(org, name, where)):
            item_where = f"{where}.{name}[{index}]"
            if not isinstance(item, dict) or item.get(id_field) is None:
                raise FixtureError("{} must be an object with {}.".format(item_where, id_field))
            item = copy.deepcopy(item)
            if id_field == "systemId":
                item["systemId"] = str(item["systemId"]).upper()
            key = item[id_field]
            if key in items:
                raise FixtureError("{} repeats {} {!r}.".format(item_where, id_field, key))
            items[key] = item
            for tag_name in item.get("tags") or []:
                if not isinstance(tag_name, str):
                    raise FixtureError("{}.tags must list tag names as strings.".format(item_where))
                tag_entry(loaded, tag_name)
        loaded[name] = items
    return loaded


def _load_token(entry, where, orgs):
    if not isinstance(entry, dict):
        raise FixtureError("{} must be an object.".format(where))
    if isinstance(entry.get("token"), str):
        token_hash = hash_token(entry["token"])
    elif isinstance(entry.get("tokenSha256"), str):
        token_hash = entry["tokenSha256"].lower()
    else:
        raise FixtureError("{} needs a token or a tokenSha256 string.".format(where))

    access = []
    for index, grant in enumerate(_require_list(entry, "orgs", where)):
        org_id = normalize_org_id(grant.get("orgId")) if isinstance(grant, dict) else None
        if org_id not in orgs:
            raise FixtureError(f"{where}.orgs[{index}].orgId names no org in the fixture.")
        access.append({"orgId": org_id, "role": grant.get("role", "Owner")})
    return token_hash, {"description": entry.get("description"), "orgs": access}
