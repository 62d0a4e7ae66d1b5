"""Command line: ``python -m enclave_emulator`` serves the emulator until SIGTERM or SIGINT.

The first line on stdout is ``Enclave API emulator listening on http://127.0.0.1:PORT``.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from .fixture_file import load_fixture_file
from .generate import apply_generation
from .server import EmulatorServer, validate_loopback_host

LOG = logging.getLogger("enclave_emulator")


def parse_args(argv):
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m enclave_emulator", description="Serve the Enclave API emulator.")
    parser.add_argument(
        "--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1; ::1 also works)"
    )

    parser.add_argument("--port", type=int, default=0, help="TCP port to bind; 0 picks a free port (default 0)")
    parser.add_argument("--fixture", help="fixture JSON file to load (default: fixtures/default.json)")
    parser.add_argument(
        "--generate-systems",
        type=int,
        metavar="N",
        help="replace the default org's enrolled systems with N generated ones",
    )
    parser.add_argument(
        "--generate-unapproved",
        type=int,
        metavar="N",
        help="replace the default org's unapproved systems with N generated ones",
    )

    parser.add_argument("--seed", type=int, default=1, help="random seed for generated systems (default 1)")
    parser.add_argument("--log", metavar="PATH", help="append one JSON line per request to this file")
    parser.add_argument(
        "--missing-user-agent-status",
        type=int,
        default=400,
        metavar="STATUS",
        help="4xx status returned to requests without a User-Agent header (default 400)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")

    args = parser.parse_args(argv)
    try:
        args.host = validate_loopback_host(args.host)
    except ValueError as error:
        parser.error(str(error))
    if not 400 <= args.missing_user_agent_status <= 499:
        parser.error(f"--missing-user-agent-status must be a 4xx status, not {args.missing_user_agent_status}.")
    for option in ("generate_systems", "generate_unapproved"):
        if getattr(args, option) is not None and getattr(args, option) < 0:
            parser.error("--{} must be 0 or more.".format(option.replace("_", "-")))
    return args


def main(argv=None):
    """Run the emulator until SIGTERM or SIGINT; return the exit status."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(levelname)s %(message)s"
    )

    try:
        fixture = load_fixture_file(args.fixture)
        if args.generate_systems is not None or args.generate_unapproved is not None:
            fixture = apply_generation(
                fixture,
                systems=args.generate_systems,
                unapproved=args.generate_unapproved,
                seed=args.seed,
            )
        server = EmulatorServer(
            fixture=fixture,
            log_path=args.log,
            host=args.host,
            port=args.port,
            missing_user_agent_status=args.missing_user_agent_status,
        )
        server.start()
    except (OSError, ValueError) as error:
        LOG.error("Cannot start the emulator: %s", error)
        return 2

    stop = threading.Event()

    def request_stop(signum, _frame):
        LOG.info("Received signal %d, stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    print("Enclave API emulator listening on {}".format(server.url), flush=True)
    while not stop.wait(0.5):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
