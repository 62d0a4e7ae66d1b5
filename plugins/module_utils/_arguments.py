# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: the connection options every module shares, documented in the enclave.networks.api fragment."""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback

from ._client import DEFAULT_TIMEOUT
from ._retry import DEFAULT_RETRIES, DEFAULT_RETRY_MAX_DELAY


def api_argument_spec():
    """Return a new argument spec holding the shared authentication and connection options."""
    return {
        "api_token": {
            "type": "str",
            "aliases": ["token"],
            "no_log": True,
            "fallback": (env_fallback, ["ENCLAVE_TOKEN", "ENCLAVE_API_KEY"]),
        },
        "organisation_id": {
            "type": "str",
            "aliases": ["org_id"],
            "fallback": (env_fallback, ["ENCLAVE_ORG_ID"]),
        },
        "api_url": {
            "type": "str",
            "fallback": (env_fallback, ["ENCLAVE_API_URL"]),
        },
        "validate_certs": {"type": "bool", "default": True},
        "ca_path": {"type": "path"},
        "timeout": {"type": "float", "default": DEFAULT_TIMEOUT},
        "retries": {"type": "int", "default": DEFAULT_RETRIES},
        "retry_max_delay": {"type": "float", "default": DEFAULT_RETRY_MAX_DELAY},
    }


def client_options(params):
    """Pick the EnclaveClient keyword arguments out of a module's or plugin's validated options."""
    return {
        "api_token": params.get("api_token"),
        "api_url": params.get("api_url"),
        "organisation_id": params.get("organisation_id"),
        "validate_certs": params.get("validate_certs", True),
        "ca_path": params.get("ca_path"),
        "timeout": params.get("timeout", DEFAULT_TIMEOUT),
        "retries": params.get("retries", DEFAULT_RETRIES),
        "retry_max_delay": params.get("retry_max_delay", DEFAULT_RETRY_MAX_DELAY),
    }
