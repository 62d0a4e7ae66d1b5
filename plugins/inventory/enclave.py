# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: enclave
short_description: Enclave systems as Ansible hosts
version_added: 0.1.0
description:
  - Reads the systems of an Enclave organisation from the management API and adds each one as a host,
    reached over the Enclave network by default.
  - Hosts are grouped by their Enclave tags, state and platform, and carry every field of the API's
    system list as host variables.
  - Reads inventory sources named V(enclave.yml) or V(enclave.yaml), or ending in V(.enclave.yml) or V(.enclave.yaml).
  - Every string from the API is marked unsafe, so a description that contains Jinja is printed as
    written and never run.
author:
  - Enclave collection maintainers (@enclave-networks)
options:
  plugin:
    description:
      - Marks the file as an inventory source for this plugin.
    type: str
    required: true
    choices: [enclave.networks.enclave]
  include_disabled:
    description:
      - Whether to include disabled systems, which the API leaves out by default.
    type: bool
    default: false
  search:
    description:
      - Search text sent to the API, applied as the Enclave portal applies it. Plain words match the
        description, system ID or hostname; V(key:value) terms filter further, for example V(os:linux).
      - May be a template.
    type: str
  enrolment_key:
    description:
      - ID of an enrolment key; only systems enrolled with that key become hosts.
    type: int
  tags:
    description:
      - Tag names a system must all carry to become a host.
      - Sent to the API as the search term V(tags:<name>,<name>), so filtered systems are never downloaded.
    type: list
    elements: str
    default: []
  exclude_tags:
    description:
      - Tag names that keep a system out of the inventory when it carries any of them.
    type: list
    elements: str
    default: []
  states:
    description:
      - States a system must be in to become a host; an empty list keeps every state.
      - Listing V(disabled) fetches disabled systems as well, as O(include_disabled) does.
    type: list
    elements: str
    choices: [connected, disconnected, disabled]
    default: []
  platforms:
    description:
      - Platforms a system must run to become a host, such as V(linux), V(windows) or V(darwin), in any case.
      - An empty list keeps every platform.
    type: list
    elements: str
    default: []
  hostnames:
    description:
      - How each host is named, as a list of preferences; the first one that gives a non-empty name wins.
      - V(hostname) is the host name the system reported, V(description) its description and V(system_id)
        its system ID. Any other entry is a template evaluated with the host's variables, such as
        V({{ enclave_hostname | lower }}.example.com).
      - Characters other than letters, digits, V(.), V(_) and V(-) are replaced with V(-), so a name
        with spaces becomes usable in host patterns.
      - A name that several systems share becomes V(<name>_<system id>) for each of them, and a system
        without any name is named by its system ID. One warning lists the names changed this way.
    type: list
    elements: str
    default: [hostname, system_id]
  connect_with:
    description:
      - What C(ansible_host) is set to.
      - V(virtual_address) is the system's address on the Enclave network, reachable from any system
        of the organisation that a policy lets through.
      - V(dns_name) is the name every system answers to on the Enclave network, V(<system id>.id.enclave)
        in lower case.
      - V(connected_from) is the public address the system last connected to Enclave from.
      - V(hostname) is the host name the system reported.
      - V(none) leaves C(ansible_host) unset, so Ansible connects to the inventory name.
      - A system without the chosen value is left out with a warning, or fails the inventory with O(strict).
    type: str
    choices: [virtual_address, dns_name, connected_from, hostname, none]
    default: virtual_address
  variable_prefix:
    description:
      - Prefix of the host variables that hold the API's fields, such as V(enclave_virtual_address).
      - Must start with a letter or underscore and hold only letters, digits and underscores.
    type: str
    default: enclave_
  tag_groups:
    description:
      - Whether to add each host to a group V(enclave_tag_<tag>) for each of its tags.
      - Group names go through Ansible's group-name sanitising, so the tag V(eu-west.1) gives
        V(enclave_tag_eu_west_1).
    type: bool
    default: true
  state_groups:
    description:
      - Whether to add each host to the group V(enclave_state_connected), V(enclave_state_disconnected)
        or V(enclave_state_disabled).
    type: bool
    default: true
  platform_groups:
    description:
      - Whether to add each host to a group V(enclave_platform_<platform>), such as V(enclave_platform_linux).
      - Systems that report no platform join no platform group.
    type: bool
    default: true
  page_workers:
    description:
      - Number of pages of 200 systems read at the same time, after the first page.
      - Each worker keeps one connection to the API open during the read.
      - V(1) reads the pages one after another.
    type: int
    default: 4
notes:
  - The API pages its lists by offset, so a system that enrols or is revoked while the pages are read
    can move between pages. A system read twice appears once; one that moves the other way may be
    missing until the next run.
  - With O(cache), the cache entry belongs to the inventory source and is checked against O(api_url),
    O(organisation_id) and the filters the API applies. It never holds the token. Without
    O(organisation_id), switching to a token of another organisation needs C(--flush-cache).
  - "Use C(--flush-cache) or C(meta: refresh_inventory) to read the API again before the cache times out."
seealso:
  - name: Enclave API documentation
    description: How to create a personal access token and what the API returns.
    link: https://docs.enclave.io/management-apis/
extends_documentation_fragment:
  - enclave.networks.api.inventory
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
"""

EXAMPLES = r"""
---
# enclave.yml: every enabled system, reached over Enclave and grouped by tag, state and platform.
# The token comes from ENCLAVE_TOKEN and the organisation from ENCLAVE_ORG_ID.
plugin: enclave.networks.enclave

---
# prod.enclave.yml: connected Linux servers tagged prod, named by description, cached for an hour.
plugin: enclave.networks.enclave
api_token: "{{ lookup('ansible.builtin.env', 'ENCLAVE_PROD_TOKEN') }}"
organisation_id: 33a606d6b09c4557a01c62cd4c0b405b
tags: [prod]
exclude_tags: [decommissioned]
states: [connected]
platforms: [linux]
hostnames:
  - description
  - system_id
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/ansible-enclave
cache_timeout: 3600

---
# dns.enclave.yml: connect through Enclave DNS, and build groups from the agent version.
plugin: enclave.networks.enclave
connect_with: dns_name
compose:
  ansible_user: "'admin' if enclave_platform == 'Linux' else 'Administrator'"
keyed_groups:
  - key: enclave_agent_version
    prefix: agent
    default_value: unknown
groups:
  gateways: enclave_gateway_routes | length > 0
"""

import hashlib
import json

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.unsafe_proxy import wrap_var

from ..module_utils._arguments import client_options
from ..module_utils._client import MAX_PAGE_WORKERS, EnclaveClient, normalise_api_url, normalise_organisation_id
from ..module_utils._errors import EnclaveError
from ..module_utils._inventory import (
    HOSTNAME_FIELDS,
    RESERVED_HOST_NAMES,
    VARIABLE_PREFIX,
    api_query,
    avoid_reserved_names,
    connect_address,
    default_groups,
    describe_renamed_hosts,
    describe_reserved_hosts,
    field_host_name,
    host_variables,
    normalise_tags,
    safe_host_name,
    system_filter,
    unique_host_names,
    unique_systems,
)

# Options that may hold a template, such as a vault variable or a lookup.
TEMPLATED_OPTIONS = ("api_token", "organisation_id", "api_url", "ca_path", "search")
SOURCE_SUFFIXES = ("enclave.yml", "enclave.yaml")
# Bumped when the cached data changes shape, so an old entry is read again rather than misread.
CACHE_FORMAT = 1


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "enclave.networks.enclave"

    def verify_file(self, path):
        """Accept enclave.yml, enclave.yaml and names ending in .enclave.yml or .enclave.yaml."""
        if not super().verify_file(path):
            return False
        name = path.replace("\\", "/").rsplit("/", 1)[-1]
        if name in SOURCE_SUFFIXES or name.endswith(tuple("." + suffix for suffix in SOURCE_SUFFIXES)):
            return True
        self.display.vvv(
            "Skipping {0}: the enclave inventory reads files named enclave.yml or ending in .enclave.yml.".format(path)
        )
        return False

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache=cache)
        self._read_config_data(path)
        settings = self._settings(path)

        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache")
        systems = None
        if use_cache and cache:
            systems = self._read_cache(cache_key, settings["fingerprint"])
        if systems is None:
            systems = self._fetch_systems(path, settings)
            if use_cache:
                self._cache[cache_key] = {
                    "format": CACHE_FORMAT,
                    "fingerprint": settings["fingerprint"],
                    "systems": systems,
                }
        self._populate(path, systems, settings)

    def _read_cache(self, cache_key, fingerprint):
        """Return the cached systems for this source, or None when there are none for these settings."""
        try:
            entry = self._cache[cache_key]
        except KeyError:
            return None
        if (
            not isinstance(entry, dict)
            or entry.get("format") != CACHE_FORMAT
            or entry.get("fingerprint") != fingerprint
            or not isinstance(entry.get("systems"), list)
        ):
            self.display.vvv(
                "The Enclave inventory cache entry {0} is for other settings; reading the API.".format(cache_key)
            )
            return None
        return entry["systems"]

    # Options

    def _settings(self, path):
        """Return the validated, templated options, raising AnsibleParserError that names a bad value."""
        options = {name: self.get_option(name) for name in self._options}
        for name in TEMPLATED_OPTIONS:
            options[name] = self._template_option(path, name, options.get(name))

        try:
            tags = normalise_tags(options["tags"], "tags")
            exclude_tags = normalise_tags(options["exclude_tags"], "exclude_tags")
            connection = client_options(options)
            api_url = normalise_api_url(connection["api_url"])
            organisation_id = connection["organisation_id"]
            if organisation_id:
                organisation_id = normalise_organisation_id(organisation_id)
        except EnclaveError as error:
            raise AnsibleParserError("Enclave inventory {0}: {1}".format(path, error)) from error

        prefix = options["variable_prefix"]
        if not isinstance(prefix, str) or not VARIABLE_PREFIX.fullmatch(prefix):
            raise AnsibleParserError(
                "Enclave inventory {0}: variable_prefix '{1}' is invalid: start it with a letter or underscore "
                "and use only letters, digits and underscores, such as enclave_.".format(path, prefix)
            )
        workers = options["page_workers"]
        if not 1 <= workers <= MAX_PAGE_WORKERS:
            raise AnsibleParserError(
                "Enclave inventory {0}: page_workers {1} is invalid: expected a number from 1 to {2}.".format(
                    path, workers, MAX_PAGE_WORKERS
                )
            )
        hostnames = list(options["hostnames"] or [])
        if not hostnames:
            raise AnsibleParserError(
                "Enclave inventory {0}: hostnames is empty: list at least one of {1} or a template.".format(
                    path, ", ".join(HOSTNAME_FIELDS)
                )
            )
        for entry in hostnames:
            if entry not in HOSTNAME_FIELDS and not self.templar.is_template(entry):
                raise AnsibleParserError(
                    "Enclave inventory {0}: hostnames entry '{1}' is invalid: use {2}, or a template such as "
                    "'{{{{ {3}hostname | lower }}}}'.".format(path, entry, ", ".join(HOSTNAME_FIELDS), prefix)
                )

        query = api_query(
            include_disabled=options["include_disabled"],
            search=options["search"],
            enrolment_key=options["enrolment_key"],
            tags=tags,
            states=options["states"],
        )
        return {
            "connection": connection,
            "query": query,
            "fingerprint": _fingerprint(api_url, organisation_id, query),
            "matches": system_filter(exclude_tags, options["states"], options["platforms"]),
            "hostnames": hostnames,
            "connect_with": options["connect_with"],
            "prefix": prefix,
            "groups": {
                "tags": options["tag_groups"],
                "states": options["state_groups"],
                "platforms": options["platform_groups"],
            },
            "workers": workers,
            "strict": options["strict"],
        }

    def _template_option(self, path, name, value):
        """Render an option that contains a template, with the extra variables available."""
        if value is None or not isinstance(value, str) or not self.templar.is_template(value):
            return value
        self.templar.available_variables = self._vars or {}
        try:
            rendered = self.templar.template(value)
        except Exception as error:
            # The message of a failed api_token template may quote the rendered token, so only its type is given.
            detail = " ({0})".format(type(error).__name__) if name == "api_token" else ": {0}".format(error)
            raise AnsibleParserError(
                "Enclave inventory {0}: the template in {1} failed{2}. Inventory sources see extra variables "
                "(-e) and lookups only, because host and group variables load after the inventory.".format(
                    path, name, detail
                )
            ) from (None if name == "api_token" else error)
        return None if rendered is None else str(rendered)

    # API

    def _fetch_systems(self, path, settings):
        """Read the systems the API lists for these settings, in the API's order."""
        try:
            client = EnclaveClient(log=self.display.vvv, **settings["connection"])
            systems = client.fetch_all(client.org_path("systems"), settings["query"], workers=settings["workers"])
        except EnclaveError as error:
            raise AnsibleParserError("Enclave inventory {0}: {1}".format(path, error)) from error
        return unique_systems(systems)

    # Inventory

    def _populate(self, path, systems, settings):
        prefix = settings["prefix"]
        strict = settings["strict"]
        selected = [item for item in systems if isinstance(item, dict) and settings["matches"](item)]

        hosts = []
        skipped = []
        for item in selected:
            address = None
            if settings["connect_with"] != "none":
                address = connect_address(item, settings["connect_with"])
                if address is None:
                    skipped.append(str(item.get("systemId")))
                    continue
            variables = {prefix + name: value for name, value in host_variables(item).items()}
            hosts.append((item, variables, address))
        self._report_skipped(path, skipped, settings["connect_with"], strict)

        candidates = [
            (str(item.get("systemId")), self._preferred_name(item, variables, settings["hostnames"], strict))
            for item, variables, _address in hosts
        ]
        candidates, renamed = avoid_reserved_names(candidates, self._reserved_host_names(hosts, settings))
        names, shared, unnamed = unique_host_names(candidates)
        for message in (describe_reserved_hosts(renamed), describe_renamed_hosts(shared, unnamed)):
            if message:
                self.display.warning("Enclave inventory {0}: {1}".format(path, message))

        for name, (item, variables, address) in zip(names, hosts):
            self._add_host(name, item, variables, address, settings)

    def _reserved_host_names(self, hosts, settings):
        """Return the names no host may take: Ansible's own, existing groups and the default groups this run adds.

        NOTE: groups from keyed_groups and groups are made after the hosts are named, so a host named
        like one of those still clashes.
        """
        reserved = set(RESERVED_HOST_NAMES)
        reserved.update(self.inventory.groups)
        for item, _variables, _address in hosts:
            reserved.update(self._sanitize_group_name(group) for group in default_groups(item, **settings["groups"]))
        return reserved

    def _add_host(self, name, item, variables, address, settings):
        strict = settings["strict"]
        self.inventory.add_host(name)
        variables = wrap_var(variables)
        for key, value in variables.items():
            self.inventory.set_variable(name, key, value)
        if address is not None:
            variables["ansible_host"] = wrap_var(address)
            self.inventory.set_variable(name, "ansible_host", variables["ansible_host"])

        for group in default_groups(item, **settings["groups"]):
            group = self.inventory.add_group(self._sanitize_group_name(group))
            self.inventory.add_child(group, name)

        # The host's own variables are passed, so the Constructable helpers need not read them back.
        self._set_composite_vars(self.get_option("compose"), variables, name, strict=strict)
        self._add_host_to_composed_groups(self.get_option("groups"), variables, name, strict=strict)
        self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, name, strict=strict)

    def _preferred_name(self, item, variables, hostnames, strict):
        """Return the first non-empty name the hostnames preferences give for a system, or ''."""
        for entry in hostnames:
            if entry in HOSTNAME_FIELDS:
                name = field_host_name(item, entry)
            else:
                name = safe_host_name(self._render_host_name(item, variables, entry, strict))
            if name:
                return name
        return ""

    def _render_host_name(self, item, variables, template, strict):
        self.templar.available_variables = wrap_var(variables)
        try:
            return self.templar.template(template)
        except Exception as error:
            if strict:
                raise AnsibleParserError(
                    "Could not name the host of system {0} with hostnames entry '{1}': {2}".format(
                        item.get("systemId"), template, error
                    )
                ) from error
            self.display.vvv(
                "hostnames entry '{0}' failed for system {1}: {2}".format(template, item.get("systemId"), error)
            )
            return None

    def _report_skipped(self, path, skipped, connect_with, strict):
        if not skipped:
            return
        listed = ", ".join(skipped[:20]) + (" and {0} more".format(len(skipped) - 20) if len(skipped) > 20 else "")
        message = "Enclave inventory {0}: {1} system(s) have no {2} to set ansible_host to: {3}.".format(
            path, len(skipped), connect_with, listed
        )
        if strict:
            raise AnsibleParserError(message + " Choose another connect_with, or turn strict off to leave them out.")
        self.display.warning(message + " They are left out of the inventory.")


def _fingerprint(api_url, organisation_id, query):
    """Return a digest of what the cached systems depend on; the token is not part of it."""
    settings = {"api_url": api_url, "organisation_id": organisation_id, "query": query}
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode("utf-8")).hexdigest()
