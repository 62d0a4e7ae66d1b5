# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run Ansible tasks inside a disposable root directory with chroot(8), for the agent role's tests.

The tests cannot change the machine they run on, so each scenario gets a copy of a debootstrap tree
and Ansible reaches it through this plugin. Commands run as root in the tree with a fixed environment,
so nothing of the controller's environment, such as ENCLAVE_TOKEN, leaks into the host under test.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from ansible.errors import AnsibleConnectionFailure, AnsibleFileNotFound
from ansible.plugins.connection import ConnectionBase

DOCUMENTATION = """
name: enclave_chroot
short_description: Run tasks inside a directory tree with chroot, for tests
description:
  - Runs commands with C(chroot ROOT /bin/sh -c COMMAND) and copies files into and out of ROOT.
  - Test tooling of the enclave.networks agent role; it is not part of the collection.
author: Enclave collection maintainers (@enclave-networks)
options:
  remote_addr:
    description: Absolute path of the root directory.
    type: str
    default: inventory_hostname
    vars:
      - name: inventory_hostname
      - name: ansible_host
"""

# The environment of every command in the root: a Debian root's PATH and a locale that always exists.
ROOT_ENVIRONMENT = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/root",
    "LANG": "C.UTF-8",
}


class Connection(ConnectionBase):
    """A connection to a root directory on the controller itself."""

    transport = "enclave_chroot"
    has_pipelining = True
    has_tty = False
    default_user = "root"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.root = None

    def _connect(self):
        root = self.get_option("remote_addr")
        if not os.path.isabs(root) or not os.path.isfile(os.path.join(root, "bin", "sh")):
            raise AnsibleConnectionFailure(f"{root} is not a root directory with /bin/sh; give its absolute path.")
        self.root = root
        self._connected = True
        return self

    def _inside(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def exec_command(self, cmd, in_data=None, sudoable=False):
        super().exec_command(cmd, in_data=in_data, sudoable=sudoable)
        process = subprocess.run(
            ["chroot", self.root, "/bin/sh", "-c", cmd],
            input=in_data,
            capture_output=True,
            env=ROOT_ENVIRONMENT,
            check=False,
        )
        return process.returncode, process.stdout, process.stderr

    def put_file(self, in_path, out_path):
        super().put_file(in_path, out_path)
        if not os.path.exists(in_path):
            raise AnsibleFileNotFound(f"file or module does not exist: {in_path}")
        shutil.copyfile(in_path, self._inside(out_path))

    def fetch_file(self, in_path, out_path):
        super().fetch_file(in_path, out_path)
        shutil.copyfile(self._inside(in_path), out_path)

    def close(self):
        self._connected = False
