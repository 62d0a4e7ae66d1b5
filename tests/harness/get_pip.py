"""Stand-in for pip's get-pip.py, which ansible-test runs to put pip into the virtual environments it creates.

ansible-test downloads get-pip.py from a host outside the package registries, unless a copy is already in
its cache (~/.ansible/test/cache/get_pip_<version>.py). The Makefile places this script there, under a HOME
inside the build directory. It installs the pip wheel bundled with Python (ensurepip), then runs pip install
with ansible-test's arguments, minus the two options only get-pip.py understands.
"""

from __future__ import annotations

import subprocess
import sys

GET_PIP_ONLY_OPTIONS = {"--no-setuptools", "--no-wheel"}


def main(argv):
    subprocess.run([sys.executable, "-m", "ensurepip", "--default-pip"], check=True, stdout=subprocess.DEVNULL)
    arguments = [argument for argument in argv if argument not in GET_PIP_ONLY_OPTIONS]
    return subprocess.call([sys.executable, "-m", "pip", "install", *arguments])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
