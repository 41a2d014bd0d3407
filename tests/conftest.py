from __future__ import annotations

from pathlib import Path

import pytest
from syrupy.extensions.amber import AmberSnapshotExtension

from iacfix import tfversion

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def no_terraform_on_path(monkeypatch):
    """Results must not depend on whether this machine has a terraform binary."""
    monkeypatch.setattr(tfversion, "installed_version", lambda: None)


class RepoSnapshots(AmberSnapshotExtension):
    """Snapshots live in the repository's top-level snapshots/ folder."""

    @classmethod
    def dirname(cls, *, test_location) -> str:
        return str(REPO / "snapshots")


@pytest.fixture
def snapshot(snapshot):
    return snapshot.use_extension(RepoSnapshots)
