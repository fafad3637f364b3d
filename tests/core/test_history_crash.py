"""A process killed mid-batch leaves a history that opens and holds every committed call."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from fsmonitor.core.history import CallHistory, HistoryQuery

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import sys, time
    from fsmonitor.core.channel import Channel
    from fsmonitor.core.history import CallHistory

    history = CallHistory(sys.argv[1], flush_interval=0.05)
    reported = 0
    i = 0
    while True:
        channel = Channel(uuid=f"leg-{i:08d}", created_at=1000.0 + i, hungup_at=1001.0 + i,
                          caller_id_number=str(i), hangup_cause="NORMAL_CLEARING")
        history.add(channel, "fs1")
        i += 1
        if history.committed != reported:
            reported = history.committed
            print(reported, flush=True)
        time.sleep(0.0005)  # paces the load: about 2,000 ended legs a second
    """
)


def test_sigkill_mid_batch_keeps_everything_up_to_the_last_commit(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    try:
        seen = [int(child.stdout.readline()) for _ in range(5)]  # five commits reported
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert seen == sorted(seen) and seen[0] > 0
    with CallHistory(path, start=False) as history:
        count = history.count()
        rows = history.search(HistoryQuery(limit=count, descending=False))
    assert count >= seen[-1]
    # whole batches only: the stored legs are exactly the first `count` ones, in order
    assert [r.uuid for r in rows] == [f"leg-{i:08d}" for i in range(count)]
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)
