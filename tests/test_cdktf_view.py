"""The typed CDKTF view (backends/cdktf_view.py): the records a file's JSON view becomes, in both
languages, and the class members the TypeScript worker reports with their modifiers."""

from __future__ import annotations

from pathlib import Path

import pytest

from iacfix import parse_cache
from iacfix.backends import cdktf
from iacfix.backends.cdktf_view import Binding, ClassMember, Construction, Import, ImportedName, Parameter, Segment
from iacfix.model import Value

TYPESCRIPT = """\
import { Construct } from 'constructs';
import * as aws from '@cdktf/provider-aws';
import { S3Bucket as Bucket } from '@cdktf/provider-aws/lib/s3-bucket';

export class Storage extends Construct {
  @observed() private readonly prefix: string;
  static count = 0;
  #secret?: string;

  constructor(scope: Construct, private readonly id: string, props?: StorageProps, ...rest: unknown[]) {
    super(scope, id);
    this.prefix = 'logs';
    const { name, size } = props!;
    const bucket = new Bucket(this, 'logs', { bucket: `${name}-logs`, forceDestroy: true });
    this.addOverride('terraform.backend', null);
    const zone = aws.route53Zone.Route53Zone;
    const arn = bucket.arn[0]!;
  }

  get bucketName(): string {
    return this.prefix;
  }

  protected async rotate(days = 30) {}
}
"""

PYTHON = """\
from constructs import Construct
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket as Bucket
import cdktf_cdktf_provider_aws as aws


class Storage(Construct):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        self.bucket = Bucket(self, "logs", bucket="x-logs", force_destroy=True)
        self.add_override("terraform.backend", None)
        zone = aws.route53_zone.Route53Zone
"""


@pytest.fixture
def no_cache(monkeypatch):
    monkeypatch.setattr(parse_cache, "_folder", lambda: None)


def parse(language: str, text: str):
    return cdktf.parse(language, Path("/p/lib/storage." + ("py" if language == "python" else "ts")), text)


def test_typescript_records(no_cache):
    view = parse("typescript", TYPESCRIPT).typed_view
    statement = "import { S3Bucket as Bucket } from '@cdktf/provider-aws/lib/s3-bucket';"
    start, spec = TYPESCRIPT.index(statement), TYPESCRIPT.index("S3Bucket as Bucket")
    assert view.imports[2] == Import(
        "@cdktf/provider-aws/lib/s3-bucket", (start, start + len(statement)), 3,
        (ImportedName("S3Bucket", "Bucket", (spec, spec + len("S3Bucket as Bucket"))),), None, None, False,
    )
    assert view.imports[1].namespace == "aws" and view.imports[1].names == ()
    [cls] = view.classes
    assert (cls.name, [b.text for b in cls.bases]) == ("Storage", ["Construct"])
    assert [(p.name, p.declared_type, p.definitely_assigned) for p in cls.properties] == [("prefix", "string", True)]
    bucket = next(c for c in view.constructions if c.callee == "Bucket")
    assert isinstance(bucket, Construction)
    assert (bucket.assigned_to, bucket.enclosing_class, bucket.enclosing_function) == ("bucket", "Storage", "constructor")
    assert isinstance(bucket.config, Value) and [p.key for p in bucket.config.props] == ["bucket", "forceDestroy"]
    assert [a.text for a in bucket.args[:2]] == ["this", "'logs'"] and bucket.args[1].value == "logs"
    assert bucket.args[2] is bucket.config  # one Value for the third argument and the config
    [override] = [c for c in view.calls if c.callee == "this.addOverride"]
    assert TYPESCRIPT[slice(*override.statement_span)] == "this.addOverride('terraform.backend', null);"
    assert override.args[1].kind == "null"
    arn = next(c for c in view.chains if c.text == "bucket.arn")
    assert arn.after == (Segment("index", arn.after[0].span, index="0"), Segment("non-null", arn.after[1].span))
    assert not arn.in_type
    name = next(b for b in view.bindings if b.name == "name")
    assert isinstance(name, Binding) and name.kind == "element" and not name.array_pattern
    assert [TYPESCRIPT[slice(*e)] for e in name.pattern_elements] == ["name", "size"] and name.element_index == 0
    assert view.identifier_counts["bucket"] == 2


def test_class_members_and_their_modifiers(no_cache):
    [cls] = parse("typescript", TYPESCRIPT).typed_view.classes
    members = {m.name: m for m in cls.members}
    assert list(members) == ["prefix", "count", "#secret", "constructor", "bucketName", "rotate"]
    assert [members[n].kind for n in members] == ["property", "property", "property", "constructor", "getter", "method"]
    assert members["prefix"].modifiers == ("private", "readonly")  # the decorator is not a modifier
    assert TYPESCRIPT[slice(*members["prefix"].span)] == "@observed() private readonly prefix: string;"
    assert members["count"].modifiers == ("static",) and members["rotate"].modifiers == ("protected", "async")
    ctor = members["constructor"]
    assert isinstance(ctor, ClassMember) and TYPESCRIPT[slice(*ctor.body)].startswith("{\n    super(scope, id);")
    assert ctor.parameters[1] == Parameter("id", ctor.parameters[1].span, "string", ("private", "readonly"), False, False)
    assert [(p.name, p.optional, p.rest) for p in ctor.parameters] == [
        ("scope", False, False), ("id", False, False), ("props", True, False), ("rest", False, True),
    ]
    assert members["rotate"].parameters[0].optional and members["rotate"].parameters[0].declared_type is None
    assert members["prefix"].parameters == () and members["prefix"].body is None


def test_python_records(no_cache):
    view = parse("python", PYTHON).typed_view
    assert [(i.module, i.namespace) for i in view.imports] == [
        ("constructs", None), ("cdktf_cdktf_provider_aws.s3_bucket", None), ("cdktf_cdktf_provider_aws", "aws"),
    ]
    [cls] = view.classes
    assert [b.text for b in cls.bases] == ["Construct"] and cls.properties == () and cls.members == ()
    bucket = next(c for c in view.constructions if c.callee == "Bucket")
    assert (bucket.assigned_to, bucket.enclosing_function) == ("self.bucket", "__init__")
    assert [(p.key, p.value.value) for p in bucket.config.props] == [("bucket", "x-logs"), ("force_destroy", True)]
    assert [c.callee for c in view.calls] == ["super().__init__", "self.add_override"]
    assert [c.text for c in view.chains] == ["aws.route53_zone.Route53Zone"]
    assert view.bindings is None


def test_a_view_read_back_from_the_cache_gives_the_same_records(tmp_path, monkeypatch):
    monkeypatch.setattr(parse_cache, "_folder", lambda: tmp_path)
    for language, text in (("python", PYTHON), ("typescript", TYPESCRIPT)):
        first = parse(language, text).typed_view
        again = parse(language, text)
        assert parse_cache.known(language, text)
        assert again.typed_view == first


def test_resources_and_settings_share_the_views_values(no_cache):
    text = (
        "import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';\n"
        "const bucket = new S3Bucket(this, 'logs', { bucket: 'x-logs' });\n"
        "this.addOverride('terraform.backend', null);\n"
    )
    file = parse("typescript", text)
    [resource] = file.resources()
    [bucket] = file.typed_view.constructions
    assert resource.body is bucket.config and resource.ref == "bucket" and resource.name == "logs"
    assert file.config_at(bucket.span) is bucket.config
    [setting] = file.settings()
    assert setting.value is file.typed_view.calls[0].args[1]
