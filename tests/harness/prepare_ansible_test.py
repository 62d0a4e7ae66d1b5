"""Put the pip bootstrap stand-in (get_pip.py) where ansible-test looks for its cached copy.

Usage: prepare_ansible_test.py HOME. ansible-test names the cached file after the pip version it
bootstraps, which changes between ansible-core releases, so the version is read from ansible_test.
"""

from __future__ import annotations

import os
import re
import shutil
import sys

import ansible_test

HERE = os.path.dirname(os.path.abspath(__file__))


def pip_bootstrap_version():
    path = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
    with open(path) as handle:
        match = re.search(r"pip='([0-9.]+)'", handle.read())
    if not match:
        raise SystemExit("Could not find the pip version ansible-test bootstraps in {0}.".format(path))
    return match.group(1)


def main(argv):
    if len(argv) != 2:
        raise SystemExit("usage: prepare_ansible_test.py HOME")
    cache = os.path.join(argv[1], ".ansible", "test", "cache")
    os.makedirs(cache, exist_ok=True)
    target = os.path.join(cache, "get_pip_{0}.py".format(pip_bootstrap_version().replace(".", "_")))
    shutil.copyfile(os.path.join(HERE, "get_pip.py"), target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
