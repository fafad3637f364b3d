"""RowIndex finds each key's row after appends, scattered removals and renames, as a dict
renumbered after every change would; and a keyed table built on it keeps the right rows."""

from __future__ import annotations

import random

import pytest

from fsmonitor.ui.tables.keyed_model import Column, KeyedTableModel
from fsmonitor.ui.tables.row_index import RowIndex


def _reference(keys: list[str]) -> dict[str, int]:
    return {key: row for row, key in enumerate(keys)}


def test_rows_follow_appends_removals_and_renames() -> None:
    rng = random.Random(7)
    keys = [f"k{i}" for i in range(200)]
    index = RowIndex(keys)
    made = len(keys)
    for _round in range(50):
        doomed = sorted(rng.sample(range(len(keys)), 15), reverse=True)
        for row in doomed:  # one row at a time, bottom up, as the table removes runs
            index.remove_rows(row, row)
            index.forget(keys.pop(row))
        fresh = [f"k{made + i}" for i in range(12)]
        made += len(fresh)
        keys.extend(fresh)
        index.append(fresh)
        row = rng.randrange(len(keys))
        index.rename(keys[row], f"r{made}")
        keys[row] = f"r{made}"
        made += 1
        assert {key: index[key] for key in keys} == _reference(keys)
        assert len(index) == len(keys) and set(index) == set(keys)
    assert index.get("never") is None and index.get("never", -1) == -1
    assert "never" not in index
    with pytest.raises(KeyError):
        index["never"]


def test_a_range_removal_keeps_the_rows_after_it() -> None:
    index = RowIndex(["a", "b", "c", "d", "e"])
    index.remove_rows(1, 3)
    for key in ("b", "c", "d"):
        index.forget(key)
    assert (index["a"], index["e"]) == (0, 1)


def test_a_keyed_table_keeps_its_rows_through_scattered_removals(qtmodeltester) -> None:
    model: KeyedTableModel[str] = KeyedTableModel([Column("Key", lambda item, _now: item)])
    qtmodeltester.check(model, force_py=True)
    rng = random.Random(3)
    live: list[str] = []
    made = 0
    for _round in range(30):
        gone = rng.sample(live, min(len(live), 9))
        fresh = {f"c{made + i}": f"c{made + i}" for i in range(11)}
        made += len(fresh)
        model._sync(gone, fresh)
        live = [key for key in live if key not in gone] + list(fresh)
        assert model.keys() == live
        assert [model.row_of(key) for key in live] == list(range(len(live)))
        assert all(model.row_of(key) == -1 for key in gone)
        assert [model.data(model.index(r, 0)) for r in range(len(live))] == live
    old = live[4]
    model._sync([], {}, {old: "renamed"})
    assert model.row_of("renamed") == 4 and model.row_of(old) == -1
    assert model.row_of(live[5]) == 5
