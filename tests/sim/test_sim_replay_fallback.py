"""What a monitor asks on connecting is answered even when the recording never heard it asked:
a recording made by ``fsmonitor --record`` has no ``.sent`` beside it."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

from fsmonitor.esl import EslParser, Frame
from fsmonitor.sim.replay import NOT_RECORDED, ReplayThread

DATA = Path(__file__).resolve().parents[1] / "data"


def ask(sock: socket.socket, parser: EslParser, pending: list[Frame], line: str) -> Frame:
    sock.sendall(line.encode() + b"\n\n")
    while True:
        for index, frame in enumerate(pending):
            if frame.content_type in ("command/reply", "api/response"):
                return pending.pop(index)
        data = sock.recv(65536)
        assert data, "the replay closed the connection"
        pending.extend(parser.feed(data))


def test_snapshot_and_version_have_answers_without_a_sent_file(tmp_path: Path) -> None:
    path = tmp_path / "incident.recv"
    shutil.copy(DATA / "esl-captures" / "event_json_all.recv", path)  # no .sent beside it
    with ReplayThread(path, speed=0) as replay:
        sock = socket.create_connection(("127.0.0.1", replay.port), timeout=10)
        try:
            parser, pending = EslParser(), []
            assert ask(sock, parser, pending, "auth x").reply_text == "+OK accepted"
            snapshot = ask(sock, parser, pending, "api show   channels as json")
            assert json.loads(snapshot.body) == {"row_count": 0}
            version = ask(sock, parser, pending, "api version")
            assert b"replay of incident" in version.body
            other = ask(sock, parser, pending, "api show registrations")
            assert other.body.decode().strip() == NOT_RECORDED
        finally:
            sock.close()
