# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: the base class of every enclave.networks module."""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ._arguments import api_argument_spec, client_options
from ._client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, EnclaveClient
from ._errors import EnclaveError

# Ansible passes the -v count to modules; at this level the result lists the client's retries.
RETRY_LOG_VERBOSITY = 3


class EnclaveModule:
    """Build the AnsibleModule with the shared options and one EnclaveClient, and report API errors.

    Subclasses set argument_spec (and optionally module_kwargs) and implement run(), which returns
    the module result.

    A module cannot print to the controller's display, so each retry of the client is written to
    the managed host's system log with module.log and kept in retry_log. At -vvv or more, execute()
    and fail() return those lines as api_retries.
    """

    argument_spec = {}
    module_kwargs = {}

    def __init__(self):
        spec = api_argument_spec()
        spec.update(self.argument_spec)
        kwargs = {"supports_check_mode": True}
        kwargs.update(self.module_kwargs)
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.module.params
        self.retry_log = []

        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        try:
            self.client = EnclaveClient(log=self._log_retry, **client_options(self.params))
        except EnclaveError as error:
            self.fail(error)

    def run(self):
        raise NotImplementedError

    def execute(self):
        """Run the module and exit with its result, turning EnclaveError into fail_json."""
        try:
            result = self.run()
        except EnclaveError as error:
            self.fail(error)
        self.module.exit_json(**self._with_retry_log(result))

    def fail(self, error, **result):
        """Fail the task with the error's message and its structured details under 'failure'."""
        failure = error.to_failure()
        if failure:
            result["failure"] = failure
        self.module.fail_json(msg=str(error), **self._with_retry_log(result))

    def _log_retry(self, line):
        self.retry_log.append(line)
        self.module.log(line)

    def _with_retry_log(self, result):
        if self.retry_log and self.module._verbosity >= RETRY_LOG_VERBOSITY:
            result = dict(result, api_retries=list(self.retry_log))
        return result
