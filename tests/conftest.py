from __future__ import annotations

import sys
from pathlib import Path

import pytest
from syrupy.extensions.amber import AmberSnapshotExtension

from iacfix import parse_cache, tfversion

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def bench():
    """bench/corpus.py as a module: the benchmark's own logic is tested too."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import corpus
    finally:
        sys.path.remove(str(REPO / "bench"))
    return corpus


@pytest.fixture(autouse=True)
def no_terraform_on_path(monkeypatch):
    """Results must not depend on whether this machine has a terraform binary."""
    monkeypatch.setattr(tfversion, "installed_version", lambda: None)


@pytest.fixture(autouse=True)
def no_colour_settings(monkeypatch):
    """Output must not depend on the colour settings of the shell the tests run from."""
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def parse_every_text(monkeypatch):
    """Tests exercise the parsers themselves: no parse comes from the cache of an earlier test
    (tests/test_parse_cache.py turns it on where it is the subject)."""
    monkeypatch.setattr(parse_cache, "_folder", lambda: None)


class RepoSnapshots(AmberSnapshotExtension):
    """Snapshots live in the repository's top-level snapshots/ folder."""

    @classmethod
    def dirname(cls, *, test_location) -> str:
        return str(REPO / "snapshots")


@pytest.fixture
def snapshot(snapshot):
    return snapshot.use_extension(RepoSnapshots)
