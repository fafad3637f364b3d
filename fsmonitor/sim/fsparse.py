"""How FreeSWITCH splits an originate line: a transcription of its C string handling.

``switch_separate_string`` (blank- and char-delimited) with ``cleanup_separated_string`` from
switch_utils.c, ``switch_find_end_paren`` and ``switch_event_create_brackets`` from
switch_event.c. The simulator reads originate arguments with it, so a dial string that would
be misread by a real switch is misread here too, and the tests use it as the oracle for the
client's ``Originate`` builder.

Escapes resolve in passes: the blank split of the arguments resolves ``\\'``, ``\\"``,
``\\\\`` and ``\\n \\r \\t \\s`` but leaves ``\\,`` alone; the ``{}``/``[]`` variable split
on ``,`` then resolves ``\\,``.
"""

from __future__ import annotations

ESCAPE = "\\"
_UNESCAPES = {"n": "\n", "r": "\r", "t": "\t", "s": " "}


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
        if char == ESCAPE and index + 1 < len(text):
            nxt = text[index + 1]
            if nxt in ("'", '"', ESCAPE) or (delimiter and nxt == delimiter):
                out.append(nxt)
                end = len(out)
                index += 2
                continue
            if nxt in _UNESCAPES:
                out.append(_UNESCAPES[nxt])
                end = len(out)
                index += 2
                continue
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
    """switch_find_end_paren: the index of the bracket closing the one ``text`` opens with."""
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


def brackets(text: str, opening: str, closing: str) -> tuple[dict[str, str], str]:
    """switch_event_create_brackets: ``{a=1,b=2}rest`` → ({a: 1, b: 2}, rest)."""
    end = find_end_paren(text, opening, closing)
    if end is None:
        return {}, text
    variables: dict[str, str] = {}
    for item in separate_char(text[text.index(opening) + 1 : end], ","):
        pair = separate_char(item, "=", 2)
        if len(pair) == 2:
            variables[pair[0]] = pair[1]
    return variables, text[end + 1 :]
