# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The authentication and connection options of every module.
    DOCUMENTATION = r"""
options:
  api_token:
    description:
      - Personal access token of an Enclave account, sent as a bearer token.
      - Create one in the Enclave portal under account settings.
      - If not set, the value of the E(ENCLAVE_TOKEN) environment variable is used, then E(ENCLAVE_API_KEY).
    type: str
    aliases: [token]
  organisation_id:
    description:
      - ID of the organisation to manage, 32 hexadecimal digits (hyphens are accepted and removed).
      - If not set, the value of the E(ENCLAVE_ORG_ID) environment variable is used.
      - If neither is set, the collection reads the organisations the token can reach and uses the
        only one; a token that reaches several organisations fails with a list of their names and ids.
    type: str
    aliases: [org_id]
  api_url:
    description:
      - Base URL of the Enclave management API.
      - If not set, the value of the E(ENCLAVE_API_URL) environment variable is used,
        then V(https://api.enclave.io).
    type: str
  validate_certs:
    description:
      - Whether to verify the API server's TLS certificate.
      - Set to V(false) only for a test server with a self-signed certificate.
    type: bool
    default: true
  ca_path:
    description:
      - Path of a CA bundle file, or a directory of CA certificates, used to verify the API server.
    type: path
  timeout:
    description:
      - Time in seconds to wait for the API to connect and for each response.
    type: float
    default: 30
  retries:
    description:
      - How many times to repeat a request after a transient failure, from 0 to 20.
      - Transient failures are HTTP 429 (rate limited), 502, 503 and 504, a lost connection and a
        response that takes longer than O(timeout).
      - A request that creates an object is repeated only once the module has made sure the failed
        attempt created nothing, so a retry never creates a second object.
      - When the retries run out, the task fails with the last status, the API's problem details
        and the number of attempts.
      - Run with C(-vvv) to see each retry in the task result under C(api_retries).
    type: int
    default: 5
  retry_max_delay:
    description:
      - Longest wait in seconds before a retry.
      - Waits start at about one second and double with each retry, up to this value.
      - When the API sends C(Retry-After), the module waits that long instead; a C(Retry-After)
        longer than this value fails the task at once, naming the wait the API asked for.
    type: float
    default: 60
requirements:
  - requests >= 2.28.0
notes:
  - "The module talks to the API from the host it runs on. With C(delegate_to: localhost) or a
    C(connection: local) play, that is the controller, which then needs C(requests)."
  - Set the shared options once for a play with
    C(module_defaults) and the C(group/enclave.networks.all) action group.
"""

    # The same options for the inventory plugin, which reads environment variables through Ansible's
    # configuration (env:) where modules use env_fallback. With several env entries, the last one set wins.
    INVENTORY = r"""
options:
  api_token:
    description:
      - Personal access token of an Enclave account, sent as a bearer token.
      - Create one in the Enclave portal under account settings.
      - If not set, the value of the E(ENCLAVE_TOKEN) environment variable is used, then E(ENCLAVE_API_KEY).
      - May be a template, such as V({{ vault_enclave_token }}) or a lookup; extra variables are available.
    type: str
    aliases: [token]
    env:
      - name: ENCLAVE_API_KEY
      - name: ENCLAVE_TOKEN
  organisation_id:
    description:
      - ID of the organisation whose systems to list, 32 hexadecimal digits (hyphens are accepted and removed).
      - If not set, the value of the E(ENCLAVE_ORG_ID) environment variable is used.
      - If neither is set, the plugin reads the organisations the token can reach and uses the
        only one, which costs one request; a token that reaches several organisations fails with a
        list of their names and ids.
      - May be a template.
    type: str
    aliases: [org_id]
    env:
      - name: ENCLAVE_ORG_ID
  api_url:
    description:
      - Base URL of the Enclave management API.
      - If not set, the value of the E(ENCLAVE_API_URL) environment variable is used,
        then V(https://api.enclave.io).
      - May be a template.
    type: str
    env:
      - name: ENCLAVE_API_URL
  validate_certs:
    description:
      - Whether to verify the API server's TLS certificate.
      - Set to V(false) only for a test server with a self-signed certificate.
    type: bool
    default: true
  ca_path:
    description:
      - Path of a CA bundle file, or a directory of CA certificates, used to verify the API server.
      - May be a template.
    type: path
  timeout:
    description:
      - Time in seconds to wait for the API to connect and for each response.
    type: float
    default: 30
  retries:
    description:
      - How many times to repeat a page request after a transient failure, from 0 to 20.
      - Transient failures are HTTP 429 (rate limited), 502, 503 and 504, a lost connection and a
        response that takes longer than O(timeout).
      - Run C(ansible-inventory) with C(-vvv) to see each retry.
    type: int
    default: 5
  retry_max_delay:
    description:
      - Longest wait in seconds before a retry.
      - Waits start at about one second and double with each retry, up to this value.
      - When the API sends C(Retry-After), the plugin waits that long instead; a C(Retry-After)
        longer than this value fails at once, naming the wait the API asked for.
    type: float
    default: 60
requirements:
  - requests >= 2.28.0 on the controller
"""
