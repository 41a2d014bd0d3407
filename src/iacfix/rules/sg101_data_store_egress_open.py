"""SG101 (opt-in): a data store's security group lets it send anything anywhere."""

from __future__ import annotations

import re

from iacfix.model import Location, Value
from iacfix.rule import FLAVOURS, Example, Rule
from iacfix.rulekit.text import line_start, snake_case

# Data stores placed in a VPC; any of their attributes (nested ones included) may name the group.
DATA_STORES = (
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_elasticache_cluster",
    "aws_elasticache_replication_group",
    "aws_elasticache_serverless_cache",
    "aws_memorydb_cluster",
    "aws_redshift_cluster",
    "aws_redshiftserverless_workgroup",
    "aws_docdb_cluster",
    "aws_neptune_cluster",
    "aws_dax_cluster",
    "aws_opensearch_domain",
    "aws_elasticsearch_domain",
    "aws_efs_mount_target",
)
WORLD = {"0.0.0.0/0", "::/0"}
ALL_PROTOCOLS = {"-1", "all"}
# Words of a description or comment that only says what the rule does ("Allow all outbound
# traffic", "# Add egress rule", "# Egress rule for Aurora"): every one in the corpus is such. A
# word outside these names a reason ("... for the S3 import of snapshots"): the rule is left alone.
RESTATING = frozenset(
    """a add added adds all allow allowed allowing allows and any anywhere cidr create default destination
    destinations egress every everything for from group internet ipv4 ipv6 is need needed needs no open out
    outbound port ports protocol protocols required rule rules security sg the to traffic world 0
    aurora cache cluster database db docdb elasticache instance mysql postgres postgresql rds redis""".split()
)
_NO_VALUE = Value("null", "", (0, 0), 0, 0)

# Reported and left as they are: each is `before` and `after` of an example.
HCL_REPORTED = """\
resource "aws_security_group" "db" {
  name   = "orders-db"
  vpc_id = aws_vpc.main.id

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
    description = "Allow all outbound traffic"
  }
}

resource "aws_db_instance" "orders" {
  engine                 = "postgres"
  instance_class         = "db.t3.medium"
  vpc_security_group_ids = [aws_security_group.db.id]
}
"""

HCL_RULE_REPORTED = """\
resource "aws_security_group" "cache" {
  name   = "sessions-cache"
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_security_group_egress_rule" "cache_out" {
  security_group_id = aws_security_group.cache.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id = "sessions"
  description          = "sessions"
  security_group_ids   = [aws_security_group.cache.id]
}
"""

TS_REPORTED = """\
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
const dbSg = new SecurityGroup(this, 'db-sg', {
  vpcId: vpc.id,
  egress: [{ fromPort: 0, toPort: 0, protocol: '-1', cidrBlocks: ['0.0.0.0/0'] }],
});
new RdsCluster(this, 'db', { engine: 'aurora-postgresql', vpcSecurityGroupIds: [dbSg.id] });
"""

PY_REPORTED = """\
from cdktf_cdktf_provider_aws.db_instance import DbInstance
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.security_group_rule import SecurityGroupRule

db_sg = SecurityGroup(self, "db-sg", vpc_id=vpc.id)
# Allow all egress
SecurityGroupRule(self, "db-out", type="egress", from_port=0, to_port=0, protocol="-1",
                  cidr_blocks=["0.0.0.0/0"], security_group_id=db_sg.id)
DbInstance(self, "db", engine="mysql", instance_class="db.t3.medium", vpc_security_group_ids=[db_sg.id])
"""


class DataStoreEgressOpen(Rule):
    """A data store's security group allows all outbound traffic to the whole internet.

    What it does: reports each egress rule open to every protocol (`protocol = "-1"` / "all")
    and to 0.0.0.0/0 or ::/0 on a security group that a database or cache uses (RDS, Aurora,
    ElastiCache, MemoryDB, Redshift, DocumentDB, Neptune, DAX, OpenSearch, an EFS mount
    target): an `egress` block of the `aws_security_group`, or an `aws_security_group_rule`
    (type "egress") / `aws_vpc_security_group_egress_rule` attached to it. A rule whose
    description or comment (in it or on the line above) gives a reason is left alone; one
    that only restates the rule ("Allow all outbound traffic") is not a reason.

    Why: security groups are stateful, so a database answers its clients without any egress
    rule; all-protocol egress to the internet only serves a compromised store sending data
    out. Review checklists (and seed 002) flag it.

    Opt-in (`--extend-select SG101`): the egress is usually harmless in a private subnet, and
    correct code keeps it. Measured when the rule was written, the corpus's final sources keep
    it in 127 of the 452 Terraform tasks (160 rules), 14 of 135 CDKTF TypeScript and 3 of 85
    CDKTF Python tasks, as often as the models' answers do (89, 12 and 2 tasks), and seed 002's
    own repair keeps it, documented; every description in the corpus restates the rule.

    Not fixed: which destinations the store needs (none, a VPC endpoint, a replication peer)
    is for a human; narrow the rule, remove it, or give the reason in its description.
    """

    code = "SG101"
    name = "data-store-egress-open"
    flavours = FLAVOURS
    fix = "none"
    default = False
    seeds = ("002#13",)
    examples = [
        Example("terraform", HCL_REPORTED, HCL_REPORTED),  # reported, unchanged
        Example("terraform", HCL_RULE_REPORTED, HCL_RULE_REPORTED),  # reported, unchanged
        Example("cdktf-ts", TS_REPORTED, TS_REPORTED),  # reported, unchanged
        Example("cdktf-py", PY_REPORTED, PY_REPORTED),  # reported, unchanged
        Example(  # a reason given; egress kept inside the VPC; a web tier's group (no data store)
            "terraform",
            before="""\
resource "aws_security_group" "db" {
  vpc_id = aws_vpc.main.id

  # Aurora exports snapshots to S3 and calls Lambda; no VPC endpoints in this network.
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "cache" {
  vpc_id = aws_vpc.main.id

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }
}

resource "aws_security_group" "web" {
  vpc_id = aws_vpc.main.id

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_rds_cluster" "main" {
  engine                 = "aurora-postgresql"
  vpc_security_group_ids = [aws_security_group.db.id]
}

resource "aws_elasticache_cluster" "cache" {
  engine             = "redis"
  security_group_ids = [aws_security_group.cache.id]
}

resource "aws_lb" "web" {
  security_groups = [aws_security_group.web.id]
}
""",
        ),
        Example(  # the reason in the rule's description
            "cdktf-ts",
            before="""\
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
const dbSg = new SecurityGroup(this, 'db-sg', {
  egress: [{ protocol: '-1', cidrBlocks: ['0.0.0.0/0'], description: 'Oracle DB links to the partner warehouse' }],
});
new DbInstance(this, 'db', { engine: 'oracle-se2', vpcSecurityGroupIds: [dbSg.id] });
""",
        ),
    ]

    def check(self, ctx):
        stores = ctx.resources(*DATA_STORES)
        egress_rules = ctx.resources("aws_security_group_rule", "aws_vpc_security_group_egress_rule")
        for group in ctx.resources("aws_security_group"):
            if not group.ref:
                continue
            used = re.compile(rf"(?<![\w.]){re.escape(group.ref)}\.id\b")
            # CDKTF variable names mean something only within their file; HCL names module-wide.
            store = next(
                (
                    s
                    for s in stores
                    if (s.language == "hcl" or s.path == group.path) and any(used.search(p.value.text) for p in s.attrs.values())
                ),
                None,
            )
            if store is None:
                continue
            what = f"{store.type} `{store.name or store.ref}`"
            egress = group.attr_value("egress")
            for item in egress.items if egress is not None and egress.kind == "array" else []:
                fields = {snake_case(p.key.strip("'\"")): p.value for p in item.props}
                if _open(fields, "protocol", ("cidr_blocks", "ipv6_cidr_blocks")) and not _reasoned(ctx, group.path, item.span, fields):
                    yield self._report(Location(group.path, item.line, item.col), what)
            for rule in egress_rules:
                if (rule.language != "hcl" and rule.path != group.path) or not used.search(
                    (rule.attr_value("security_group_id") or _NO_VALUE).text
                ):
                    continue
                fields = {name: prop.value for name, prop in rule.attrs.items()}
                if rule.type == "aws_security_group_rule":
                    kind = fields.get("type")
                    is_open = kind is not None and kind.value == "egress" and _open(fields, "protocol", ("cidr_blocks", "ipv6_cidr_blocks"))
                else:
                    is_open = _open(fields, "ip_protocol", ("cidr_ipv4", "cidr_ipv6"))
                if is_open and not _reasoned(ctx, rule.path, rule.body.span, fields):
                    yield self._report(rule, what)

    def _report(self, at, what):
        return self.finding(
            at,
            f"the security group of {what} allows all outbound traffic to the internet; narrow it to what the "
            "store needs (it answers its clients without any egress rule) or give the reason in its description",
        )


def _strings(value: Value | None) -> set[str]:
    """The literal strings (and numbers) of a value, or of the items of a list."""
    if value is None:
        return set()
    if value.kind in ("string", "number"):
        return {str(value.value)}
    return {s for item in value.items for s in _strings(item)}


def _open(fields: dict[str, Value], protocol: str, cidrs: tuple[str, ...]) -> bool:
    """Every protocol, to the whole internet."""
    if not _strings(fields.get(protocol)) & ALL_PROTOCOLS:
        return False
    return any(_strings(fields.get(c)) & WORLD for c in cidrs)


def _reasoned(ctx, path, span, fields: dict[str, Value]) -> bool:
    """Whether the rule's description, a comment in it or the comment line above it gives a reason."""
    file = ctx.file(path)
    text = file.text
    start = line_start(text, span[0])  # the line that opens the block / object / call
    notes = [text[line_start(text, max(start - 1, 0)) : start]] + text[start : span[1]].splitlines()
    notes = [line.strip() for line in notes]
    notes = [line for line in notes if line.startswith(file.comment_prefixes)]
    description = fields.get("description")
    if description is not None:
        if description.kind != "string":
            return True  # built from something: not ours to judge
        notes.append(description.value)
    return any(set(re.findall(r"[a-z0-9]+", note.lower())) - RESTATING for note in notes)
