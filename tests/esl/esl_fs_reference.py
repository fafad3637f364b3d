"""How FreeSWITCH itself reads an inbound command and an originate line.

Python transcriptions of the C code the builders must satisfy, used as test oracles:
``read_packet`` (mod_event_socket.c: the command line, header lines split at the first
colon, a Content-Length body) and the originate argument parsing (``switch_separate_string``
with ``cleanup_separated_string`` from switch_utils.c, ``switch_find_end_paren`` and
``switch_event_create_brackets`` from switch_event.c, the ``&app(args)`` split in
mod_commands.c).
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


def _unescape_char(char: str) -> str:
    return {"n": "\n", "r": "\r", "t": "\t", "s": " "}.get(char, char)


def cleanup(text: str, delimiter: str) -> str:
    """cleanup_separated_string: drop quotes, resolve escapes, trim spaces."""
    index = 0
    while index < len(text) and text[index] == " ":
        index += 1
    out: list[str] = []
    end: int | None = None
    inside = False
    while index < len(text):
        char = text[index]
        escaped = False
        if char == ESCAPE:
            nxt = text[index + 1] if index + 1 < len(text) else "\0"
            if (
                nxt in ("'", '"', ESCAPE)
                or (delimiter and nxt == delimiter)
                or _unescape_char(nxt) != nxt
            ):
                if not (nxt in ("'", '"', ESCAPE) or (delimiter and nxt == delimiter)):
                    nxt = _unescape_char(nxt)
                index += 1
                out.append(nxt)
                end = len(out)
                escaped = True
        if not escaped:
            if char == "'" and (inside or "'" in text[index + 1 :]):
                inside = not inside
                if inside:
                    end = len(out)
            else:
                out.append(char)
                if char != " " or inside:
                    end = len(out)
        index += 1
    return "".join(out[:end]) if end is not None else ""


def _tokens(text: str, starts: list[int], cuts: list[int]) -> list[str]:
    """The C code writes NULs at ``cuts``; each token runs from its start to the next one."""
    tokens = []
    for start in starts:
        end = next((cut for cut in cuts if cut >= start), len(text))
        tokens.append(text[start:end])
    return tokens


def separate_char(text: str, delimiter: str, limit: int = 1024) -> list[str]:
    """separate_string_char_delim followed by the cleanup of each part."""
    starts: list[int] = []
    cuts: list[int] = []
    pointer = 0
    finding = False
    inside = False
    while pointer < len(text) and len(starts) < limit:
        if not finding:
            starts.append(pointer)
            finding = True
            continue
        char = text[pointer]
        if char == ESCAPE:
            assert pointer + 1 < len(text), "FreeSWITCH would read past the end of the string"
            pointer += 1
        elif char == "'" and (inside or "'" in text[pointer + 1 :]):
            inside = not inside
        elif char == delimiter and not inside:
            cuts.append(pointer)
            finding = False
        pointer += 1
    return [cleanup(token, delimiter) for token in _tokens(text, starts, cuts)]


def separate_blank(text: str, limit: int = 10) -> list[str]:
    """separate_string_blank_delim (the split of originate's arguments) plus cleanup."""
    starts: list[int] = []
    cuts: list[int] = []
    pointer = 0
    state = "start"
    inside = False
    while pointer < len(text) and len(starts) < limit:
        char = text[pointer]
        if state == "start":
            starts.append(pointer)
            state = "skip_initial"
        elif state == "skip_initial":
            if char == " ":
                pointer += 1
            else:
                state = "find"
        elif state == "find":
            if char == ESCAPE:
                assert pointer + 1 < len(text), "FreeSWITCH would read past the end of the string"
                pointer += 1
            elif char == "'":
                inside = not inside
            elif char == " " and not inside:
                cuts.append(pointer)
                state = "skip_ending"
            pointer += 1
        elif char == " ":
            pointer += 1
        else:
            state = "start"
    return [cleanup(token, "") for token in _tokens(text, starts, cuts)]


def find_end_paren(text: str, opening: str, closing: str) -> int | None:
    index = 0
    while index < len(text) and text[index] == " ":
        index += 1
    if index >= len(text) or text[index] != opening:
        return None
    depth = 0
    for position in range(index, len(text)):
        if text[position] == opening:
            depth += 1
        elif text[position] == closing:
            depth -= 1
            if depth == 0:
                return position
    return None


def _brackets(text: str, opening: str, closing: str) -> tuple[dict[str, str], str]:
    end = find_end_paren(text, opening, closing)
    if end is None:
        return {}, text
    variables: dict[str, str] = {}
    for item in separate_char(text[text.index(opening) + 1 : end], ","):
        pair = separate_char(item, "=", 2)
        if len(pair) == 2:
            variables[pair[0]] = pair[1]
    return variables, text[end + 1 :]


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
