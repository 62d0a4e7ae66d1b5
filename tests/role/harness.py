"""Build what the agent role's tests run against: a Debian root, a stub agent package and its repository.

- ``ensure_base_root`` makes a minimal Debian tree with debootstrap once and keeps it in the cache
  directory; each scenario copies it, so no test changes the machine it runs on.
- ``build_stub_package`` packs the stub CLI in ``stub/`` as an ``enclave`` deb of a given version.
- ``build_repository`` lays the debs out as a signed apt repository with a test key made by gpg, and
  ``RepositoryServer`` serves it over HTTP on a loopback port.
"""

from __future__ import annotations

import functools
import glob
import gzip
import http.server
import os
import re
import shutil
import signal
import subprocess
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
STUB_DIR = os.path.join(HERE, "stub")
PACKAGE = "enclave"
# Packages the role's modules need on the host: apt needs python3-apt, and installs it itself only
# with a Debian mirror to reach, which the test roots do not have.
ROOT_PACKAGES = ("python3", "python3-apt")
COMPLETE_MARKER = ".enclave-test-root-complete"


def host_codename():
    """Return the test machine's Debian codename, such as bookworm, which the base root also uses."""
    with open("/etc/os-release", encoding="utf-8") as release:
        for line in release:
            if line.startswith("VERSION_CODENAME="):
                return line.split("=", 1)[1].strip().strip('"')
    raise RuntimeError("/etc/os-release names no VERSION_CODENAME; the role tests need a Debian machine.")


def host_debian_mirror():
    """Return the Debian mirror that this machine's apt uses, so debootstrap downloads from it too.

    ROLE_TEST_MIRROR overrides it. Reads deb822 .sources files and one-line .list files.
    """
    if os.environ.get("ROLE_TEST_MIRROR"):
        return os.environ["ROLE_TEST_MIRROR"]
    codename = host_codename()
    candidates = []
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        with open(path, encoding="utf-8") as sources:
            for stanza in sources.read().split("\n\n"):
                fields = dict(
                    line.split(":", 1) for line in stanza.splitlines() if ":" in line and not line.startswith("#")
                )
                suites = fields.get("Suites", "").split()
                if "deb" in fields.get("Types", "").split() and codename in suites:
                    candidates.extend(fields.get("URIs", "").split())
    for path in ["/etc/apt/sources.list", *sorted(glob.glob("/etc/apt/sources.list.d/*.list"))]:
        if os.path.exists(path):
            with open(path, encoding="utf-8") as sources:
                for line in sources:
                    match = re.match(r"^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+" + re.escape(codename) + r"\s", line)
                    if match:
                        candidates.append(match.group(1))
    if not candidates:
        raise RuntimeError(f"No apt source for {codename} found in /etc/apt; set ROLE_TEST_MIRROR to a Debian mirror.")
    return candidates[0]


def ensure_base_root(cache_dir):
    """Return a minimal Debian root in cache_dir, made with debootstrap when it is not there yet.

    The root keeps no apt sources, so that nothing in a scenario reaches a Debian mirror, and no
    downloaded archives, so that copying it is quick.
    """
    codename = host_codename()
    root = os.path.join(cache_dir, "base-" + codename)
    if os.path.exists(os.path.join(root, COMPLETE_MARKER)):
        return root
    building = root + ".building"
    shutil.rmtree(building, ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(cache_dir, exist_ok=True)
    subprocess.run(
        [
            "debootstrap",
            "--variant=minbase",
            "--include=" + ",".join(ROOT_PACKAGES),
            codename,
            building,
            host_debian_mirror(),
        ],
        check=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    for path in [
        os.path.join(building, "etc/apt/sources.list"),
        *glob.glob(os.path.join(building, "etc/apt/sources.list.d/*")),
    ]:
        if os.path.exists(path):
            os.remove(path)
    subprocess.run(["chroot", building, "apt-get", "clean"], check=True)
    shutil.rmtree(os.path.join(building, "var/lib/apt/lists"), ignore_errors=True)
    os.makedirs(os.path.join(building, "var/lib/apt/lists/partial"))
    with open(os.path.join(building, COMPLETE_MARKER), "w", encoding="utf-8") as marker:
        marker.write(codename + "\n")
    os.rename(building, root)
    return root


@functools.lru_cache(maxsize=1)
def dpkg_architecture():
    return subprocess.run(["dpkg", "--print-architecture"], check=True, capture_output=True, text=True).stdout.strip()


def build_stub_package(version, out_dir):
    """Build the stub agent as enclave_<version>_<arch>.deb in out_dir and return its path."""
    architecture = dpkg_architecture()
    tree = os.path.join(out_dir, f"tree-{version}")
    shutil.rmtree(tree, ignore_errors=True)
    files = {
        "usr/bin/enclave": ("enclave.py", 0o755),
        "etc/init.d/enclave": ("enclave.init", 0o755),
        "usr/lib/systemd/system/enclave.service": ("enclave.service", 0o644),
        "DEBIAN/postinst": ("postinst", 0o755),
        "DEBIAN/prerm": ("prerm", 0o755),
        "DEBIAN/postrm": ("postrm", 0o755),
    }
    for target, (source, mode) in files.items():
        path = os.path.join(tree, target)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(os.path.join(STUB_DIR, source), encoding="utf-8") as stub_file:
            content = stub_file.read().replace("@VERSION@", version)
        if source.endswith(".py"):
            # The source has no shebang, because ansible-test's sanity check allows none in tests/.
            content = "#!/usr/bin/python3\n" + content
        with open(path, "w", encoding="utf-8") as packaged:
            packaged.write(content)
        os.chmod(path, mode)
    with open(os.path.join(tree, "DEBIAN/control"), "w", encoding="utf-8") as control:
        control.write(
            f"Package: {PACKAGE}\nVersion: {version}\nArchitecture: {architecture}\n"
            "Maintainer: Enclave collection tests <tests@example.invalid>\nDepends: python3\n"
            "Description: Enclave agent test stub\n Stands in for the Enclave agent in the agent role's tests.\n"
        )
    deb = os.path.join(out_dir, f"{PACKAGE}_{version}_{architecture}.deb")
    subprocess.run(["dpkg-deb", "--root-owner-group", "--build", tree, deb], check=True, capture_output=True)
    shutil.rmtree(tree)
    return deb


def _gpg(gpg_home, *arguments, **kwargs):
    return subprocess.run(
        [
            "gpg",
            "--homedir",
            gpg_home,
            "--batch",
            "--yes",
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            "",
            *arguments,
        ],
        check=True,
        capture_output=True,
        **kwargs,
    )


def build_repository(repo_dir, channels, gpg_home):
    """Lay out a signed apt repository and return the path of its armoured public key.

    channels maps a suite name (stable, unstable) to the debs it serves. The layout is the one apt
    expects under a base URL: dists/<suite>/{Release,InRelease,Release.gpg} and
    dists/<suite>/main/binary-<arch>/Packages(.gz), with the debs in pool/main/e/enclave/.
    """
    architecture = dpkg_architecture()
    os.makedirs(gpg_home, mode=0o700, exist_ok=True)
    _gpg(gpg_home, "--quick-generate-key", "Enclave role tests <tests@example.invalid>", "ed25519", "sign", "never")
    pool = os.path.join(repo_dir, "pool", "main", "e", PACKAGE)
    for suite, debs in channels.items():
        suite_pool = os.path.join(pool, suite)
        os.makedirs(suite_pool, exist_ok=True)
        for deb in debs:
            shutil.copy(deb, suite_pool)
        binary_dir = os.path.join(repo_dir, "dists", suite, "main", f"binary-{architecture}")
        os.makedirs(binary_dir, exist_ok=True)
        packages = subprocess.run(
            ["apt-ftparchive", "packages", os.path.relpath(suite_pool, repo_dir)],
            cwd=repo_dir,
            check=True,
            capture_output=True,
        ).stdout
        with open(os.path.join(binary_dir, "Packages"), "wb") as index:
            index.write(packages)
        with gzip.open(os.path.join(binary_dir, "Packages.gz"), "wb") as index:
            index.write(packages)
        suite_dir = os.path.join(repo_dir, "dists", suite)
        release = subprocess.run(
            [
                "apt-ftparchive",
                "-o",
                f"APT::FTPArchive::Release::Suite={suite}",
                "-o",
                f"APT::FTPArchive::Release::Codename={suite}",
                "-o",
                "APT::FTPArchive::Release::Components=main",
                "-o",
                f"APT::FTPArchive::Release::Architectures={architecture}",
                "release",
                ".",
            ],
            cwd=suite_dir,
            check=True,
            capture_output=True,
        ).stdout
        with open(os.path.join(suite_dir, "Release"), "wb") as release_file:
            release_file.write(release)
        _gpg(
            gpg_home,
            "--clearsign",
            "--output",
            os.path.join(suite_dir, "InRelease"),
            os.path.join(suite_dir, "Release"),
        )
        _gpg(
            gpg_home,
            "--armor",
            "--detach-sign",
            "--output",
            os.path.join(suite_dir, "Release.gpg"),
            os.path.join(suite_dir, "Release"),
        )
    key_path = os.path.join(repo_dir, "enclave-test.asc")
    with open(key_path, "wb") as key_file:
        key_file.write(_gpg(gpg_home, "--armor", "--export").stdout)
    return key_path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass


class RepositoryServer:
    """Serves a directory over HTTP on 127.0.0.1 and a free port, on a daemon thread."""

    def __init__(self, directory):
        handler = functools.partial(_QuietHandler, directory=directory)
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = "http://127.0.0.1:{}".format(self._httpd.server_address[1])
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="apt-repository", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()


def copy_root(base_root, destination):
    """Copy the base root to destination, keeping owners, modes and device nodes."""
    subprocess.run(["cp", "-a", base_root, destination], check=True)


def processes_in_root(root):
    """Return the ids of the processes whose root directory is root, such as the stub's supervisor."""
    real_root = os.path.realpath(root)
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.readlink(f"/proc/{entry}/root") == real_root:
                    found.append(int(entry))
            except OSError:
                continue
    return found


def stop_processes_in_root(root, timeout=5):
    """Send SIGTERM, then SIGKILL after timeout seconds, to every process running inside root."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = processes_in_root(root)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                continue
        deadline = time.monotonic() + timeout
        while processes_in_root(root) and time.monotonic() < deadline:
            time.sleep(0.1)
