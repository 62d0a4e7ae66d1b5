"""Copy the collection's source files into DEST/ansible_collections/enclave/networks.

ansible-test only runs inside a directory of that shape. The copy contains the files git tracks
plus new files that .gitignore does not exclude, so virtual environments and build output stay out.
The copy gets a git repository of its own: ansible-test lists a collection's files through git,
and the enclosing checkout ignores the build directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def source_files():
    output = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
    ).stdout.decode()
    return sorted(path for path in output.split("\0") if path and os.path.isfile(os.path.join(ROOT, path)))


def main(argv):
    if len(argv) != 2:
        raise SystemExit("usage: stage_collection.py DEST")
    target = os.path.join(os.path.abspath(argv[1]), "ansible_collections", "enclave", "networks")
    if os.path.isdir(target):
        shutil.rmtree(target)
    for path in source_files():
        destination = os.path.join(target, path)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, path), destination)
    subprocess.run(["git", "init", "--quiet", target], check=True)
    subprocess.run(["git", "add", "--all"], cwd=target, check=True)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
