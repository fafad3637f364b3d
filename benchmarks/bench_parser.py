"""fsmonitor's EslParser against the ESL readers of greenswitch and genesis, on real captures.

Run from the repository root::

    python3 benchmarks/bench_parser.py [--rounds 7] [--json] [--profile]

Every decoder gets the same bytes, recorded from FreeSWITCH 1.10 (``event plain ALL`` and
``event json ALL`` sessions), and must decode every header of every event. fsmonitor's
events decode header values lazily, so the benchmark reads every value of every event
(and every frame's headers and body) through the public ``Mapping`` API: the lazy work is
paid for in full. The peers decode eagerly; their results are read from their plain dicts.

fsmonitor is fed in ``--chunk``-sized pieces, as a socket delivers data; the peers read the
whole capture from one in-memory buffer, their best case. Decoders run interleaved,
round by round; figures are each decoder's best round, and the ratios are also given as
the median of the per-round ratios. Targets: on the plain capture at least 2x
greenswitch; on the json capture (the app's default subscription) at least 5x
greenswitch's figure on the plain capture of the same session.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from _common import DEFAULT_CAPTURES, format_table, json_safe, machine_summary, use_repo_package
from _peers import PEERS, PeerResult

use_repo_package()

PLAIN = "event_plain_all.recv"
JSON = "event_json_all.recv"
PLAIN_TARGET = 2.0
JSON_TARGET = 5.0
JSON_VS_ORJSON = 0.85
"""JSON events decoded (framing included) per second, against ``orjson.loads`` alone."""
CEILING = "orjson.loads only"
DECODE_ONLY = "fsmonitor decode only"


@dataclass(frozen=True, slots=True)
class Measurement:
    decoder: str
    capture: str
    frames: int
    events: int
    headers: int
    megabytes: float
    best_s: float
    frames_per_s: float
    mb_per_s: float
    round_s: list[float]


def orjson_ceiling() -> Callable[[bytes], PeerResult]:
    """Reference, not a decoder: ``orjson.loads`` over the event bodies, framing done already.

    No Python JSON decoder can beat this, so it bounds what any ratio on json can reach.
    """
    import orjson

    from fsmonitor.esl import EslParser

    bodies: dict[int, list[bytes]] = {}

    def decode(data: bytes) -> PeerResult:
        key = id(data)
        if key not in bodies:  # framing is deliberately left out of the timing
            frames = EslParser().feed(data)
            bodies[key] = [f.body for f in frames if f.content_type == "text/event-json"]
        headers = 0
        for body in bodies[key]:
            for _name, _value in orjson.loads(body).items():
                headers += 1
        return PeerResult(frames=len(bodies[key]), events=len(bodies[key]), headers=headers)

    return decode


def fsmonitor_decode_only() -> Callable[[bytes], PeerResult]:
    """fsmonitor's JSON event decoding alone, on frames already cut (as for the ceiling):
    ``Frame.event()`` on a fresh frame per body, every value read."""
    from fsmonitor.esl import EslParser
    from fsmonitor.esl.frame import Frame

    bodies: dict[int, list[bytes]] = {}

    def decode(data: bytes) -> PeerResult:
        key = id(data)
        if key not in bodies:  # framing is left out of the timing, as for the ceiling
            frames = EslParser().feed(data)
            bodies[key] = [f.body for f in frames if f.content_type == "text/event-json"]
        headers = 0
        for body in bodies[key]:
            event = Frame("text/event-json", None, body).event()
            assert event is not None
            for _name, _value in event.headers.items():
                headers += 1
            _ = event.body
        return PeerResult(frames=len(bodies[key]), events=len(bodies[key]), headers=headers)

    return decode


def fsmonitor_decoder(chunk: int) -> Callable[[bytes], PeerResult]:
    """Feed the capture in socket-sized chunks and read every decoded value."""
    from fsmonitor.esl import EslParser

    def decode(data: bytes) -> PeerResult:
        chunks = [data[i : i + chunk] for i in range(0, len(data), chunk)]
        return _fsmonitor_pass(EslParser, chunks)

    return decode


def _fsmonitor_pass(parser_type: type, chunks: list[bytes]) -> PeerResult:
    parser = parser_type()
    frames = events = headers = 0
    for piece in chunks:
        for frame in parser.feed(piece):
            frames += 1
            event = frame.event()
            mapping = frame.headers if event is None else event.headers
            for _name, _value in mapping.items():
                headers += 1
            if event is None:
                _ = frame.body
            else:
                events += 1
                _ = event.body
    return PeerResult(frames=frames, events=events, headers=headers)


Job = tuple[str, str, Callable[[bytes], PeerResult]]


def measure(jobs: list[Job], data: dict[str, bytes], rounds: int) -> list[Measurement]:
    """Best of ``rounds`` per job, the jobs interleaved round by round.

    Interleaving spreads any load from other processes over every decoder alike, so the
    ratios stay meaningful on a busy machine even when the absolute figures do not.
    """
    results = {i: decode(data[capture]) for i, (_, capture, decode) in enumerate(jobs)}
    times: dict[int, list[float]] = {i: [] for i in results}
    for _ in range(rounds):
        for i, (_, capture, decode) in enumerate(jobs):
            gc.collect()
            start = time.perf_counter()
            results[i] = decode(data[capture])
            times[i].append(time.perf_counter() - start)
    best = {i: min(t) for i, t in times.items()}
    out = []
    for i, (name, capture, _) in enumerate(jobs):
        megabytes = len(data[capture]) / 1e6
        out.append(
            Measurement(
                decoder=name,
                capture=capture,
                frames=results[i].frames,
                events=results[i].events,
                headers=results[i].headers,
                megabytes=megabytes,
                best_s=best[i],
                frames_per_s=results[i].frames / best[i],
                mb_per_s=megabytes / best[i],
                round_s=times[i],
            )
        )
    return out


def ratio(ours: Measurement, theirs: Measurement, *, per: str = "frames") -> tuple[float, float]:
    """Speed ratio (frames/s, or events/s): best round against best round, and the median
    of the per-round ratios.

    The first is the usual figure (each decoder at its least disturbed); the second shows how
    steady it is: each round times every decoder back to back, so load from other processes
    tends to hit both sides of a round's ratio. On a quiet machine the two agree.
    """
    ours_n = ours.frames if per == "frames" else ours.events
    theirs_n = theirs.frames if per == "frames" else theirs.events
    best = (ours_n / ours.best_s) / (theirs_n / theirs.best_s)
    median = statistics.median(
        (ours_n / a) / (theirs_n / b) for a, b in zip(ours.round_s, theirs.round_s, strict=True)
    )
    return best, median


def expected_frames(captures: Path, name: str) -> int | None:
    try:
        manifest = json.loads((captures / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    frames = manifest.get(name, {}).get("frames")
    return frames if isinstance(frames, int) else None


def profile_fsmonitor(data: dict[str, bytes], chunk: int, rounds: int) -> str:
    """Where fsmonitor's time goes, per capture (pyinstrument, wall clock)."""
    from pyinstrument import Profiler

    decode = fsmonitor_decoder(chunk)
    reports = []
    for capture, payload in data.items():
        decode(payload)
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(max(rounds, 20)):
            decode(payload)
        profiler.stop()
        reports.append(f"--- {capture} ---\n" + profiler.output_text(unicode=False, color=False))
    return "\n".join(reports)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--captures", type=Path, default=DEFAULT_CAPTURES)
    parser.add_argument("--rounds", type=int, default=7, help="passes per decoder (best kept)")
    parser.add_argument("--chunk", type=int, default=65536, help="bytes per feed() call")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--profile", action="store_true", help="pyinstrument profile of fsmonitor")
    args = parser.parse_args(argv)

    try:
        data = {name: (args.captures / name).read_bytes() for name in (PLAIN, JSON)}
    except OSError as error:
        parser.error(f"cannot read the captures ({error}); point --captures at esl-captures/")

    fsmonitor = fsmonitor_decoder(args.chunk)
    jobs: list[Job] = [("fsmonitor", PLAIN, fsmonitor), ("fsmonitor", JSON, fsmonitor)]
    versions: dict[str, str] = {}
    for peer, (available, decode) in PEERS.items():
        version = available()
        if version is None:
            print(f"{peer} is not installed: pip install '.[bench]'", file=sys.stderr)
            continue
        versions[peer] = version
        jobs.append((peer, PLAIN, decode))
    jobs.append((CEILING, JSON, orjson_ceiling()))
    jobs.append((DECODE_ONLY, JSON, fsmonitor_decode_only()))
    results = measure(jobs, data, args.rounds)

    problems = []
    for m in results:
        expected = expected_frames(args.captures, m.capture)
        framed = m.decoder not in (CEILING, DECODE_ONLY)  # those see event bodies only
        if expected is not None and m.frames != expected and framed:
            problems.append(f"{m.decoder} decoded {m.frames} frames of {m.capture}, not {expected}")

    def find(decoder: str, capture: str) -> Measurement | None:
        return next((m for m in results if m.decoder == decoder and m.capture == capture), None)

    ours_plain, ours_json = find("fsmonitor", PLAIN), find("fsmonitor", JSON)
    ratios: dict[str, float] = {}
    medians: dict[str, float] = {}
    for peer in versions:
        theirs = find(peer, PLAIN)
        if theirs is None or ours_plain is None or ours_json is None:
            continue
        ratios[f"plain_vs_{peer}"], medians[f"plain_vs_{peer}"] = ratio(ours_plain, theirs)
        ratios[f"json_vs_{peer}_plain"], medians[f"json_vs_{peer}_plain"] = ratio(ours_json, theirs)
    ceiling, greenswitch = find(CEILING, JSON), find("greenswitch", PLAIN)
    if ceiling is not None and greenswitch is not None:
        # events/s: the ceiling sees event bodies only, not the few reply frames
        key = "ceiling_json_vs_greenswitch_plain"
        ratios[key], medians[key] = ratio(ceiling, greenswitch, per="events")
    if ceiling is not None and ours_json is not None:
        # The same event frames: framing and decoding by fsmonitor against orjson.loads alone
        # on the bodies (events/s); target: at least JSON_VS_ORJSON of it.
        key = "json_vs_orjson_loads"
        ratios[key], medians[key] = ratio(ours_json, ceiling, per="events")
    decode_only = find(DECODE_ONLY, JSON)
    if ceiling is not None and decode_only is not None:
        # Framing excluded on both sides: what decoding a frame's body into an Event adds.
        key = "json_decode_vs_orjson_loads"
        ratios[key], medians[key] = ratio(decode_only, ceiling, per="events")
    targets = {}
    if "plain_vs_greenswitch" in ratios:
        targets["plain >= 2x greenswitch"] = ratios["plain_vs_greenswitch"] >= PLAIN_TARGET
        targets["json >= 5x greenswitch plain"] = ratios["json_vs_greenswitch_plain"] >= JSON_TARGET
    if "json_vs_orjson_loads" in ratios:
        targets[f"json >= {JSON_VS_ORJSON:.0%} of orjson.loads"] = (
            ratios["json_vs_orjson_loads"] >= JSON_VS_ORJSON
        )

    if args.json:
        print(
            json.dumps(
                json_safe(
                    {
                        "machine": machine_summary(),
                        "versions": versions,
                        "rounds": args.rounds,
                        "chunk": args.chunk,
                        "ratios": ratios,
                        "ratios_median_of_rounds": medians,
                        "targets_met": targets,
                        "results": [asdict(m) for m in results],
                        "problems": problems,
                    }
                ),
                indent=2,
            )
        )
    else:
        print(f"machine: {machine_summary()}")
        print(f"peers: {', '.join(f'{k} {v}' for k, v in versions.items()) or 'none'}")
        print(
            f"{args.rounds} rounds, decoders interleaved; fsmonitor fed {args.chunk}-byte chunks\n"
        )
        print(
            format_table(
                ["ratio (frames/s)", "best x", "median x", "target"],
                [
                    (
                        name,
                        value,
                        medians[name],
                        {
                            "plain_vs_greenswitch": ">= 2",
                            "json_vs_greenswitch_plain": ">= 5",
                            "ceiling_json_vs_greenswitch_plain": "(bound for json)",
                            "json_vs_orjson_loads": f">= {JSON_VS_ORJSON:g}",
                        }.get(name, ""),
                    )
                    for name, value in ratios.items()
                ],
            )
        )
        print()
        print(
            format_table(
                ["decoder", "capture", "frames", "events", "headers", "ms", "frames/s", "MB/s"],
                [
                    (
                        m.decoder,
                        m.capture,
                        m.frames,
                        m.events,
                        m.headers,
                        m.best_s * 1000,
                        m.frames_per_s,
                        m.mb_per_s,
                    )
                    for m in results
                ],
            )
        )
        print()
        for target, met in targets.items():
            print(f"target {target}: {'met' if met else 'MISSED'}")
        for problem in problems:
            print(f"problem: {problem}")
        if not all(targets.values()) and not args.profile:
            print("a target is missed: rerun with --profile to see where fsmonitor's time goes")
    if args.profile:
        print(profile_fsmonitor(data, args.chunk, args.rounds), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
