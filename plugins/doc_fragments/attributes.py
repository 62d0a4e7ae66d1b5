# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The attributes every module declares; modules add the support level of check and diff mode.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Can run in check mode and return the changed status it predicts without modifying anything.
  diff_mode:
    description: Returns the fields that change, before and after, when run in diff mode.
  action_group:
    description: Part of the action group, so C(module_defaults) can set its options for a whole play.
    support: full
    membership:
      - enclave.networks.all
  platform:
    description: Target the module acts on.
    support: full
    platforms: enclave
"""

    # For modules that write: check mode predicts every change and diff mode shows it. A module
    # adds details to an attribute in its own attributes block.
    FULL_CHECK_AND_DIFF = r"""
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

    # For modules that only read: check mode runs them as usual and diff mode has nothing to show.
    INFO_MODULE = r"""
attributes:
  check_mode:
    support: full
    details: This module only reads from the API, so it runs as usual in check mode.
  diff_mode:
    support: N/A
    details: This module changes nothing.
"""
