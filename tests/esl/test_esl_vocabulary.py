"""The FreeSWITCH vocabulary is defined once, in fsmonitor.esl, and nowhere else."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from fsmonitor.esl import content_types, events, headers

ROOT = Path(__file__).resolve().parents[2]
VOCABULARY = (headers, events, content_types)
# Old import paths kept as re-exports until their last users move; they define nothing.
RE_EXPORTS: set[str] = set()


def _strings(module: object) -> dict[str, str]:
    return {
        name: value
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, str)
    }


@pytest.mark.parametrize("module", VOCABULARY, ids=lambda m: m.__name__)
def test_each_name_is_spelled_by_one_constant(module: object) -> None:
    seen: dict[str, str] = {}
    for name, value in _strings(module).items():
        assert value not in seen, f"{value!r} is both {seen[value]} and {name}"
        seen[value] = name


def test_header_constants_are_the_headers_in_upper_snake_case() -> None:
    # Exceptions carry a prefix saying where the header appears (see the module docstring).
    prefixes = ("MSG_", "REG_", "CODEC_EVENT_", "VAR_", "COL_")
    special = {"ARRAY_PREFIX", "ARRAY_SEPARATOR", "CALLER_PREFIX", "OTHER_LEG_PREFIX"}
    special |= {"VARIABLE_PREFIX", "CHANNEL_WRITE_CODEC_BIT_RATE_AS_SENT"}
    for name, value in _strings(headers).items():
        if name in special or name.startswith(prefixes):
            continue
        assert value.upper().replace("-", "_") == name, name


def test_event_names_are_their_own_constants() -> None:
    for name in events.ALL_EVENT_NAMES:
        assert getattr(events, name) == name
    assert events.EVENTS_WITH_VARIABLES <= events.ALL_EVENT_NAMES


def _defined_literals(path: Path) -> list[tuple[int, str]]:
    """Module-level ``NAME = "literal"`` assignments of ``path``."""
    found = []
    for node in ast.parse(path.read_text()).body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            found.append((node.lineno, value.value))
    return found


def test_no_other_layer_defines_a_freeswitch_name_again() -> None:
    names = {v for module in VOCABULARY for v in _strings(module).values() if len(v) > 3}
    names -= {"name", "state", "dest", "uuid", "secure", "context", "status", "realm"}
    again = []
    for layer in ("core", "net", "sim"):
        for path in sorted((ROOT / "fsmonitor" / layer).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative in RE_EXPORTS:
                continue
            again += [
                f"{relative}:{line} {value!r}"
                for line, value in _defined_literals(path)
                if value in names
            ]
    assert not again, "defined outside fsmonitor.esl: " + ", ".join(again)
