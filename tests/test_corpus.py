"""The corpus sweep: every rule (opt-in ones included) over the final sources and the MODEL answer of every task in
../shared/corpus must be safe. No crash, no fix dropped because it would break a file, no file a
fix breaks, and a second run on the repaired tree finds nothing left to fix and changes nothing.

The sweep is bench/corpus.py's (its report gives the same figures with the rule hits and speed);
it runs in two processes and takes a few minutes. Skipped when the corpus is absent.
"""

from __future__ import annotations

import pytest

from conftest import SHARED

CORPUS = SHARED / "corpus"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}"),
]


@pytest.fixture(scope="module")
def records(bench):
    tasks = bench.all_tasks(CORPUS)
    assert len(tasks) > 0
    # every rule, the opt-in ones too: a rule outside the default selection must be as safe
    return bench.sweep(tasks, parts=("final", "model"), deep=False, jobs=2, extend_select=("ALL",))


def test_every_task_swept(bench, records):
    assert len(records) == len(bench.all_tasks(CORPUS))
    files = sum(r["parts"]["final"]["files"] for r in records)
    assert files > len(records)  # the trees were really read, not skipped


@pytest.mark.parametrize("kind", ["crashes", "dropped", "broken", "not idempotent"])
def test_safety(bench, records, kind):
    problems = bench.safety_problems(records)[kind]
    assert not problems, f"{len(problems)} {kind}:\n" + "\n".join(problems[:50])
