"""Run one command against a freshly started Enclave API emulator, then stop the emulator.

The command sees ENCLAVE_API_URL and ENCLAVE_TOKEN pointing at the emulator. The emulator is stopped
even when the command fails, and this script exits with the command's exit code.
"""

from __future__ import annotations

import argparse
import os
import selectors
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EMULATOR_ROOT = os.path.join(os.path.dirname(HERE), "emulator")

# The token the emulator's default fixture accepts; it reaches exactly one organisation.
DEMO_TOKEN = "EmulatorDemoToken0123456789012345678901234567890123456789012345"

# Seconds to wait for the emulator to print its URL, and for it to exit after SIGTERM.
START_TIMEOUT = 30
STOP_TIMEOUT = 10


def start_emulator(extra_args):
    """Start the emulator on a free loopback port and return (process, url)."""
    env = dict(os.environ, PYTHONPATH=EMULATOR_ROOT, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "enclave_emulator", "--host", "127.0.0.1", "--port", "0", *extra_args],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    if not selector.select(timeout=START_TIMEOUT):
        stop_emulator(process)
        raise SystemExit("The emulator printed no URL within {0} seconds.".format(START_TIMEOUT))
    line = process.stdout.readline().strip()
    if not line.startswith("Enclave API emulator listening on "):
        stop_emulator(process)
        raise SystemExit("The emulator failed to start: {0!r}".format(line))
    return process, line.split()[-1]


def stop_emulator(process):
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", help="fixture JSON file to load in place of the default organisation")
    parser.add_argument("--generate-systems", type=int, help="number of generated systems in the organisation")
    parser.add_argument("--log", help="file to append the emulator's JSON-lines request log to")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="command to run, after --")
    args = parser.parse_args(argv)

    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")

    extra = []
    if args.fixture:
        extra += ["--fixture", args.fixture]
    if args.generate_systems is not None:
        extra += ["--generate-systems", str(args.generate_systems)]
    if args.log:
        extra += ["--log", args.log]

    process, url = start_emulator(extra)
    print("Started the Enclave API emulator at {0}".format(url), flush=True)
    env = dict(os.environ, ENCLAVE_API_URL=url, ENCLAVE_TOKEN=DEMO_TOKEN)
    # The emulator's organisation ids differ from a real account's, so an organisation set for the
    # real API would make every request fail; let the collection select the only one instead.
    env.pop("ENCLAVE_ORG_ID", None)
    try:
        return subprocess.call(command, env=env)
    finally:
        stop_emulator(process)
        print("Stopped the Enclave API emulator", flush=True)


if __name__ == "__main__":
    sys.exit(main())
