# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: the collection's version, the one source for the User-Agent.

A unit test checks that galaxy.yml carries the same version.
"""

from __future__ import annotations

COLLECTION_NAME = "enclave.networks"
COLLECTION_VERSION = "0.1.0"
