"""Command line: ``python -m enclave_emulator`` serves the emulator until SIGTERM or SIGINT.

The first line on stdout is ``Enclave API emulator listening on http://127.0.0.1:PORT``.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading

from .faults import FaultError, parse_fault_option, parse_rules
from .fixture_file import load_fixture_file
from .generate import apply_generation
from .server import EmulatorServer, validate_loopback_host
from .tls import generate_tls_files

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
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="'METHOD PATH KIND[=VALUE] [ATTEMPTS]'",
        help="inject a fault, such as 'GET /org/*/systems 503 1,2' (repeatable; see tests/emulator/README.md)",
    )
    parser.add_argument("--faults", metavar="PATH", help='JSON file of fault rules, {"rules": [...]}')
    parser.add_argument(
        "--tls-dir",
        metavar="DIR",
        help="serve HTTPS with a new CA and certificate written to DIR (ca.pem, server.pem, server-key.pem)",
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
    try:
        args.fault_rules = _fault_rules(args)
    except (OSError, ValueError) as error:
        parser.error(str(error))
    return args


def _fault_rules(args):
    """Return the rules of --faults followed by those of each --fault."""
    rules = []
    if args.faults:
        with open(args.faults, encoding="utf-8") as handle:
            try:
                document = json.load(handle)
            except ValueError as error:
                raise FaultError("--faults {}: not valid JSON: {}".format(args.faults, error)) from error
        rules.extend(parse_rules(document))
    rules.extend(parse_fault_option(text) for text in args.fault)
    return rules


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
            faults=args.fault_rules,
            tls_files=generate_tls_files(args.tls_dir) if args.tls_dir else None,
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
