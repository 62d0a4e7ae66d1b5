"""Test stand-in for the Enclave agent's CLI, packaged as /usr/bin/enclave by the agent role's tests.

Commands:
  enrol [KEY]          enrol with KEY or ENCLAVE_ENROLMENT_KEY through the emulator's /authority/enrol
                       and write the identity to /etc/enclave/profiles/Universe.profile
  status               print the version, system ID and virtual address; exit 1 when not enrolled
  version              print the version
  supervisor-service   run until SIGTERM, as the agent's service does

The authority's base URL is read from /etc/enclave-test/authority-url, which the tests write into
each root. Every call appends its arguments, never the environment, to /var/log/enclave/cli.log, so
the tests can check that no key appeared on a command line. A rejected enrolment repeats the key in
its error message, as a careless agent might, so the tests can check that the role hides it.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import sys
import time
import urllib.error
import urllib.request

VERSION = "@VERSION@"
PROFILE = "/etc/enclave/profiles/Universe.profile"
AUTHORITY_URL_FILE = "/etc/enclave-test/authority-url"
CLI_LOG = "/var/log/enclave/cli.log"


def log_call(arguments):
    os.makedirs(os.path.dirname(CLI_LOG), exist_ok=True)
    with open(CLI_LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps({"argv": arguments, "time": time.time()}) + "\n")


def read_profile():
    try:
        with open(PROFILE, encoding="utf-8") as profile:
            return json.load(profile)
    except FileNotFoundError:
        return None


def os_version():
    try:
        with open("/etc/os-release", encoding="utf-8") as release:
            for line in release:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except FileNotFoundError:
        pass
    return None


def hostname():
    # The root shares the test machine's UTS namespace, so the root's /etc/hostname is used in its place.
    try:
        with open("/etc/hostname", encoding="utf-8") as name:
            return name.read().strip() or None
    except FileNotFoundError:
        return None


def enrol(arguments):
    key = arguments[0] if arguments else os.environ.get("ENCLAVE_ENROLMENT_KEY", "")
    if not key:
        print("No enrolment key: pass it as an argument or in ENCLAVE_ENROLMENT_KEY.", file=sys.stderr)
        return 2
    profile = read_profile()
    if profile is not None:
        print("This system is already enrolled as {}.".format(profile["systemId"]), file=sys.stderr)
        return 1
    with open(AUTHORITY_URL_FILE, encoding="utf-8") as url_file:
        authority = url_file.read().strip()

    public_key = secrets.token_hex(32)
    request = urllib.request.Request(
        authority + "/authority/enrol",
        data=json.dumps(
            {
                "publicKey": public_key,
                "enrolmentKey": key,
                "nonce": secrets.token_hex(8),
                "hostname": hostname(),
                "platformType": "Linux",
                "osVersion": os_version(),
                "enclaveVersion": VERSION,
            }
        ).encode("utf-8"),
        headers={"Content-Type": "application/json", "User-Agent": "enclave-test-stub/" + VERSION},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            result = json.load(response)
    except urllib.error.HTTPError as error:
        detail = json.load(error).get("detail") if error.headers.get_content_subtype().endswith("json") else ""
        print("Enrolment with key {} was rejected ({}): {}".format(key, error.code, detail), file=sys.stderr)
        return 1

    os.makedirs(os.path.dirname(PROFILE), mode=0o700, exist_ok=True)
    temporary = PROFILE + ".new"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as profile_file:
        json.dump(dict(result, publicKey=public_key, privateKey=secrets.token_hex(32)), profile_file)
    os.replace(temporary, PROFILE)
    print("Enrolled as system {}.".format(result["systemId"]))
    return 0


def status():
    profile = read_profile()
    print("Enclave {} (test stub)".format(VERSION))
    if profile is None:
        print("Not enrolled.")
        return 1
    print("Local identity: {}".format(profile["systemId"]))
    print("Virtual address: {}".format(profile.get("virtualAddress") or "none, waiting for approval"))
    print("Organisation: {}".format(profile.get("orgName")))
    return 0


def supervisor_service():
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(0))
    while True:
        time.sleep(3600)


def main(arguments):
    log_call(arguments)
    command = arguments[0] if arguments else ""
    if command == "enrol":
        return enrol(arguments[1:])
    if command == "status":
        return status()
    if command in ("version", "--version"):
        print(VERSION)
        return 0
    if command == "supervisor-service":
        return supervisor_service()
    print("Usage: enclave enrol|status|version|supervisor-service", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
