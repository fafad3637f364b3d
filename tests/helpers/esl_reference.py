"""How FreeSWITCH itself reads an inbound command and an originate line.

Test oracles for the builders: ``read_packet`` (mod_event_socket.c: the command line, header
lines split at the first colon, a Content-Length body) transcribed here, and the originate
argument parsing from ``fsmonitor.sim.fsparse`` (the simulator's transcription of
switch_separate_string, cleanup_separated_string and switch_event_create_brackets), checked
here for a dangling backslash the C code would read past, plus the ``&app(args)`` split of
mod_commands.c.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fsmonitor.sim import fsparse

ESCAPE = "\\"


@dataclass
class ServerCommand:
    line: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def name(self) -> str:
        return self.line.split(" ", 1)[0]

    @property
    def args(self) -> str:
        parts = self.line.split(" ", 1)
        return parts[1] if len(parts) > 1 else ""


def read_commands(data: bytes) -> list[ServerCommand]:
    """Split client bytes into commands the way mod_event_socket's read_packet does."""
    commands = []
    position = 0
    while position < len(data):
        while position < len(data) and data[position] in b"\r\n":
            position += 1  # leading CR/LF are thrown away
        if position >= len(data):
            break
        end = data.find(b"\n\n", position)
        assert end >= 0, "command without its terminating empty line"
        lines = data[position:end].decode().split("\n")
        position = end + 2
        command = ServerCommand(lines[0])
        for line in lines[1:]:
            if ":" not in line:
                continue  # silently ignored by FreeSWITCH
            name, value = line.split(":", 1)
            command.headers[name] = value.lstrip(" ")
        length = next(
            (v for k, v in command.headers.items() if k.lower() == "content-length"), None
        )
        if length is not None:
            command.body = data[position : position + int(length)]
            position += int(length)
        commands.append(command)
    return commands


def _assert_no_dangling_escape(text: str) -> None:
    """FreeSWITCH's splitters step over the character after a backslash: a final lone
    backslash makes them read past the end of the string."""
    index = 0
    while index < len(text):
        if text[index] == ESCAPE:
            assert index + 1 < len(text), "FreeSWITCH would read past the end of the string"
            index += 1
        index += 1


def separate_blank(text: str, limit: int = 10) -> list[str]:
    _assert_no_dangling_escape(text)
    return fsparse.separate_blank(text, limit)


def _brackets(text: str, opening: str, closing: str) -> tuple[dict[str, str], str]:
    end = fsparse.find_end_paren(text, opening, closing)
    if end is not None:
        _assert_no_dangling_escape(text[text.index(opening) + 1 : end])
    return fsparse.brackets(text, opening, closing)


@dataclass
class ParsedOriginate:
    global_variables: dict[str, str]
    leg_variables: dict[str, str]
    endpoint: str
    application: str | None
    application_args: str | None
    extension: str | None
    arguments: list[str]


def parse_originate(api_args: str) -> ParsedOriginate:
    """What ``originate <api_args>`` hands to the dialer and the dialplan."""
    arguments = separate_blank(api_args)
    assert 2 <= len(arguments) <= 7, arguments
    global_variables, rest = _brackets(arguments[0], "{", "}")
    leg_variables, endpoint = _brackets(rest, "[", "]")
    destination = arguments[1]
    application = application_args = extension = None
    if destination.startswith("&"):
        application, _, tail = destination[1:].partition("(")
        application_args = tail.split(")", 1)[0]
    else:
        extension = destination
    return ParsedOriginate(
        global_variables,
        leg_variables,
        endpoint,
        application,
        application_args,
        extension,
        arguments,
    )
