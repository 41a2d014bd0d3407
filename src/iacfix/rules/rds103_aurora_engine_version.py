"""RDS103: an RDS / Aurora engine version that RDS cannot create."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from iacfix.rule import FLAVOURS, Example, Rule

DATA = "rds_engine_versions.json"
DATABASES = ("aws_rds_cluster", "aws_db_instance")


@lru_cache(maxsize=1)
def known_versions() -> dict[str, list[str]]:
    raw = json.loads(resources.files("iacfix.data").joinpath(DATA).read_text(encoding="utf-8"))
    return {engine: versions for engine, versions in raw.items() if not engine.startswith("_")}


def _key(version: str) -> tuple[str, tuple[int, ...]] | None:
    """(major, the numbers after it): "15.3" → ("15", (3,)), "8.0.mysql_aurora.3.04.0" →
    ("8.0.mysql_aurora.3", (4, 0)), "8.0.35" → ("8.0", (35,)). None for a major alone ("15", "8.0")."""
    match = re.fullmatch(r"(\d+\.\d+\.mysql_aurora\.\d+)\.(\d+)\.(\d+)", version)
    if match:
        return match.group(1), (int(match.group(2)), int(match.group(3)))
    match = re.fullmatch(r"(\d+\.\d+)\.(\d+)", version)  # MySQL: 8.0.35
    if match and int(match.group(1).split(".")[0]) < 10:
        return match.group(1), (int(match.group(2)),)
    match = re.fullmatch(r"(\d+)\.(\d+)", version)  # PostgreSQL 10+: 15.3
    if match and int(match.group(1)) >= 10:
        return match.group(1), (int(match.group(2)),)
    return None


def replacement(engine: str, version: str) -> str | None:
    """The nearest version RDS can create in the same major, None when `version` exists, is
    not known to be missing (a major alone, a newer release than the list), or has no neighbour."""
    versions = known_versions().get(engine)
    key = _key(version)
    if versions is None or key is None or version in versions:
        return None
    same = [(k[1], v) for v in versions if (k := _key(v)) is not None and k[0] == key[0]]
    if not same or key[1] > max(same)[0]:
        return None  # a major the list does not know, or newer than it: the list may be stale
    def distance(item):  # nearest in each number after the major; on a tie the newer one
        numbers = item[0]
        return tuple(abs(a - b) for a, b in zip(numbers, key[1])) + tuple(-n for n in numbers)

    return min(same, key=distance)[1]


class AuroraEngineVersion(Rule):
    """An RDS or Aurora `engine_version` that RDS cannot create, replaced by its nearest neighbour.

    What it does: on `aws_rds_cluster` and `aws_db_instance` with engine aurora-postgresql,
    aurora-mysql, postgres or mysql and a literal minor `engine_version` ("15.3",
    "8.0.35", "8.0.mysql_aurora.3.02.0") that is not in the list of versions RDS creates,
    sets the nearest listed version of the same major (the newer one on a tie). A major alone
    ("15", "8.0": RDS picks the default minor), a version the list has, a version newer than the
    newest the list has for its major (it may be a release after the list was made) and a major
    the list does not know are left alone.

    Why: RDS retires minor versions; a stack that names one fails at create time with
    "Cannot find version 15.3 for aurora-postgresql" (InvalidParameterCombination).

    The list is `src/iacfix/data/rds_engine_versions.json`; its `_source` names the AWS pages
    (release calendars) and the date it was compiled. To refresh it, run
    `aws rds describe-db-engine-versions --engine ENGINE --query
    'DBEngineVersions[].EngineVersion' --output text` for each engine and update the lists and
    the date.

    Fix (safe): the nearest creatable version of the same major, a minor upgrade.
    """

    code = "RDS103"
    name = "aurora-engine-version"
    flavours = FLAVOURS
    severity = "error"
    seeds = ("002#11",)
    examples = [
        Example(
            "terraform",
            before="""\
resource "aws_rds_cluster" "db" {
  engine         = "aurora-postgresql"
  engine_version = "15.3"
}
""",
            after="""\
resource "aws_rds_cluster" "db" {
  engine         = "aurora-postgresql"
  engine_version = "15.4"
}
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_rds_cluster" "a" {
  engine         = "aurora-postgresql"
  engine_version = "15.4"
}

resource "aws_db_instance" "b" {
  engine         = "postgres"
  engine_version = "15"
}

resource "aws_db_instance" "c" {
  engine         = "postgres"
  engine_version = "17.9"
}
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
new DbInstance(this, 'db', { engine: 'mysql', engineVersion: '8.0.35', instanceClass: 'db.t3.micro' });
""",
            after="""\
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
new DbInstance(this, 'db', { engine: 'mysql', engineVersion: '8.0.36', instanceClass: 'db.t3.micro' });
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster

RdsCluster(self, "db", engine="aurora-mysql", engine_version="8.0.mysql_aurora.3.02.0")
""",
            after="""\
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster

RdsCluster(self, "db", engine="aurora-mysql", engine_version="8.0.mysql_aurora.3.04.0")
""",
        ),
    ]

    def check(self, ctx):
        for db in ctx.resources(*DATABASES):
            engine, version = db.attr_value("engine"), db.attr_value("engine_version")
            if engine is None or version is None or engine.kind != "string" or version.kind != "string":
                continue
            new = replacement(engine.value, version.value)
            if new is None:
                continue
            file = ctx.file(db.path)
            yield self.finding(
                db,
                f"{engine.value} {version.value} cannot be created (RDS retired it or never released it); "
                f"using {new}, the nearest version of the same major",
                file.replace_value(db.attrs["engine_version"], file.literal(new)),
            )
