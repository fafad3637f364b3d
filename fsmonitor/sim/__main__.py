"""``fsmonitor-sim``: run the FreeSWITCH simulator until Ctrl-C or SIGTERM.

The first line on stdout is ``listening on HOST:PORT`` (flushed), so scripts and tests can start
it with ``--port 0`` and read the port it picked.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from importlib import metadata

import fsmonitor
from fsmonitor.sim.announce import format_listening
from fsmonitor.sim.server import SimServer


def version() -> str:
    """The installed distribution's version, else the package's own (a plain checkout)."""
    try:
        return metadata.version("fsmonitor")
    except metadata.PackageNotFoundError:
        return fsmonitor.__version__


class _DefaultsShown(argparse.ArgumentDefaultsHelpFormatter):
    """Every default in ``--help``; an option without one (``None``) says in its help why."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None:
            return action.help
        return super()._get_help_string(action)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fsmonitor-sim",
        description="A FreeSWITCH Event Socket simulator with a call traffic generator.",
        formatter_class=_DefaultsShown,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8021, help="port (0 picks a free one)")
    parser.add_argument("--password", default="ClueCon", help="Event Socket password")
    parser.add_argument("--cps", type=float, default=5.0, help="generated calls per second")
    parser.add_argument("--hold", type=float, default=30.0, help="mean hold time in seconds")
    parser.add_argument(
        "--seed", type=int, default=None, help="seed for repeatable traffic (default: a random one)"
    )
    parser.add_argument(
        "--preload", type=int, default=0, help="channels to create at start, without events"
    )
    parser.add_argument(
        "--heartbeat-interval", type=float, default=20.0, help="HEARTBEAT period in seconds"
    )
    parser.add_argument(
        "--answer-ratio", type=float, default=0.85, help="share of generated calls answered"
    )
    parser.add_argument(
        "--bridged-share", type=float, default=0.6, help="share of calls bridged to a gateway"
    )
    parser.add_argument("--registrations", type=int, default=5, help="registered SIP users")
    parser.add_argument("--max-queue", type=int, default=100_000, help="per-client event backlog")
    parser.add_argument(
        "--max-missed", type=int, default=500, help="consecutive drops before a client is cut off"
    )
    parser.add_argument(
        "--answer-delay", type=float, default=0.2, help="seconds before an originated leg answers"
    )
    parser.add_argument(
        "--auth-timeout", type=float, default=25.0, help="seconds a new client has to send auth"
    )
    parser.add_argument("--hostname", default="fsmonitor-sim", help="FreeSWITCH-Hostname")
    parser.add_argument(
        "--without-module",
        action="append",
        default=[],
        metavar="MODULE",
        help="leave a module unloaded (mod_conference, mod_callcenter, mod_fifo; repeatable)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log to stderr")
    # --- replay of a recorded session (instead of generated traffic) ---
    parser.add_argument(
        "--replay", metavar="FILE", default=None, help="serve this recording instead of a switch"
    )
    parser.add_argument(
        "--speed", default="1", help="replay speed factor; 0 or max: as fast as possible"
    )
    return parser


async def serve_replay(args: argparse.Namespace) -> None:
    """``--replay``: every client that connects gets the recording, until Ctrl-C or SIGTERM."""
    from fsmonitor.sim.replay import ReplayServer, parse_speed

    server = ReplayServer(
        args.replay, host=args.host, port=args.port, speed=parse_speed(args.speed)
    )
    await server.start()
    print(f"listening on {args.host}:{server.port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop()


async def serve(args: argparse.Namespace) -> None:
    server = SimServer(
        host=args.host,
        port=args.port,
        password=args.password,
        cps=args.cps,
        hold=args.hold,
        seed=args.seed,
        preload=args.preload,
        heartbeat_interval=args.heartbeat_interval,
        answer_ratio=args.answer_ratio,
        bridged_share=args.bridged_share,
        registrations=args.registrations,
        unloaded_modules=tuple(args.without_module),
        max_queue=args.max_queue,
        max_missed=args.max_missed,
        answer_delay=args.answer_delay,
        auth_timeout=args.auth_timeout,
        hostname=args.hostname,
    )
    await server.start()
    print(format_listening(args.host, server.port), flush=True)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    stop_task = asyncio.ensure_future(stop.wait())
    shutdown_task = asyncio.ensure_future(server.wait_stopped())
    await asyncio.wait({stop_task, shutdown_task}, return_when=asyncio.FIRST_COMPLETED)
    for task in (stop_task, shutdown_task):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await server.stop()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    try:
        asyncio.run(serve_replay(args) if args.replay else serve(args))
    except KeyboardInterrupt:
        pass
    except (OSError, ValueError) as exc:  # ValueError: a bad --speed, ReplayError: a bad FILE
        print(f"fsmonitor-sim: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
