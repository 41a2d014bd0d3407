"""The Python side of the CDKTF view (docs/cdktf-view.md), on realistic CDKTF Python code."""

from __future__ import annotations

import pytest

from iacfix.backends.python_view import PythonSyntaxError, extract_view, parse_errors

TAP_STACK = '''\
"""TapStack: the 🚀 stack."""
from typing import Optional

from constructs import Construct
from cdktf import App, TerraformStack, S3Backend, TerraformOutput
import cdktf_cdktf_provider_aws as aws
from cdktf_cdktf_provider_aws.ecs_service import EcsService
from cdktf_cdktf_provider_aws.elasticache_replication_group import (
    ElasticacheReplicationGroup as ReplicationGroup,
)
from .ecs_stack import EcsStack

REGION = "us-east-1"


class TapStack(TerraformStack):
    def __init__(self, scope: Construct, id: str, environment_suffix: str, encrypt: bool = True,
                 replicas: Optional[int] = None, tags: dict | None = None, public: bool | None = None):
        super().__init__(scope, id)
        S3Backend(self, bucket=f"iac-state-{environment_suffix}", key=f"{id}/terraform.tfstate",
                  region=REGION, encrypt=True)
        self.add_override("terraform.backend.s3.use_lockfile", True)

        label = "tap"  # 🚀 in a comment before a call
        retries = 3
        mode = "a"
        mode = compute_mode()
        cluster = aws.ecs_cluster.EcsCluster(self, "cluster", name=f"{label}-{environment_suffix}")
        svc = EcsService(
            self,
            "svc",
            cluster=cluster.id,
            desired_count=-1,
            network_configuration={"subnets": ["subnet-a", "subnet-b"], "assign_public_ip": False},
            tags={"Name": label, 42: "skipped", **(tags or {})},
            **extra,
        )
        self.cache = ReplicationGroup(self, "c", at_rest_encryption_enabled=True,
                                      auto_minor_version_upgrade=encrypt, description="🚀 cache",
                                      num_cache_clusters=replicas, engine_version=mode,
                                      port=retries, transit_encryption_enabled=public)
        EcsStack(self, "ecs", cluster_name=label, service=svc)
        TerraformOutput(self, "svc_name", value=svc.name);

    class Nested(Construct):
        def build(self, enabled):
            return aws.s3_bucket.S3Bucket(self, "b", force_destroy=enabled)


app = App()
TapStack(app, "tap", environment_suffix="dev")
app.synth()
'''


@pytest.fixture(scope="module")
def view() -> dict:
    return extract_view(TAP_STACK)


def sliced(span: list[int]) -> str:
    return TAP_STACK[span[0]:span[1]]


def construction(view: dict, callee: str) -> dict:
    return next(c for c in view["constructions"] if c["callee"] == callee)


def prop(value: dict, key: str) -> dict:
    return next(p for p in value["props"] if p["key"] == key)


def test_imports(view):
    by_module = {i["module"]: i for i in view["imports"]}
    cdktf = by_module["cdktf"]
    assert [(n["name"], n["local"]) for n in cdktf["names"]] == [
        ("App", "App"), ("TerraformStack", "TerraformStack"), ("S3Backend", "S3Backend"),
        ("TerraformOutput", "TerraformOutput")]
    assert sliced(cdktf["span"]) == "from cdktf import App, TerraformStack, S3Backend, TerraformOutput"
    assert cdktf["line"] == 5

    aliased = by_module["cdktf_cdktf_provider_aws.elasticache_replication_group"]["names"][0]
    assert (aliased["name"], aliased["local"]) == ("ElasticacheReplicationGroup", "ReplicationGroup")
    assert sliced(aliased["span"]) == "ElasticacheReplicationGroup as ReplicationGroup"

    namespace = by_module["cdktf_cdktf_provider_aws"]
    assert namespace["names"] == [] and namespace["namespace"] == "aws"
    assert sliced(namespace["span"]) == "import cdktf_cdktf_provider_aws as aws"
    assert by_module[".ecs_stack"]["names"][0]["name"] == "EcsStack"


def test_classes_and_bases(view):
    tap, nested = view["classes"]
    assert (tap["name"], tap["line"], tap["col"]) == ("TapStack", 16, 1)
    assert sliced(tap["span"]).startswith("class TapStack(TerraformStack):")
    assert sliced(tap["span"]).endswith('force_destroy=enabled)')
    assert [(b["name"], sliced(b["span"])) for b in tap["bases"]] == [("TerraformStack",) * 2]
    assert nested["name"] == "Nested" and nested["bases"][0]["name"] == "Construct"


def test_keyword_arguments_are_the_config(view):
    cache = construction(view, "ReplicationGroup")
    assert cache["var"] == "self.cache"
    assert (cache["enclosing_class"], cache["enclosing_function"]) == ("TapStack", "__init__")
    assert [a.get("value") for a in cache["args"]] == [None, "c"]
    assert cache["args"][0] == {"kind": "expr", "text": "self", "span": cache["args"][0]["span"],
                                "line": 38, "col": 39}

    encryption = prop(cache["config"], "at_rest_encryption_enabled")
    assert sliced(encryption["span"]) == "at_rest_encryption_enabled=True"
    assert sliced(encryption["key_span"]) == "at_rest_encryption_enabled"
    assert encryption["value"]["kind"] == "bool" and encryption["value"]["value"] is True

    config = cache["config"]
    assert config["kind"] == "object"
    assert sliced(config["span"]).startswith('self, "c", at_rest_encryption_enabled=True')
    assert sliced(config["span"]).endswith("transit_encryption_enabled=public")
    assert TAP_STACK[config["span"][0] - 1] == "(" and TAP_STACK[config["span"][1]] == ")"
    assert sliced(cache["span"]).startswith("ReplicationGroup(") and sliced(cache["span"]).endswith(")")
    assert sliced(cache["callee_span"]) == "ReplicationGroup"


def test_values(view):
    svc = construction(view, "EcsService")
    assert svc["var"] == "svc" and (svc["line"], svc["col"]) == (29, 15)
    config = svc["config"]
    assert [p["key"] for p in config["props"]] == [
        "cluster", "desired_count", "network_configuration", "tags"]  # `**extra` is skipped
    assert prop(config, "cluster")["value"]["kind"] == "expr"
    count = prop(config, "desired_count")["value"]
    assert (count["kind"], count["value"], count["text"]) == ("number", -1, "-1")

    network = prop(config, "network_configuration")["value"]
    assert network["kind"] == "object"
    subnets = prop(network, "subnets")
    assert sliced(subnets["key_span"]) == '"subnets"'
    assert [i["value"] for i in subnets["value"]["items"]] == ["subnet-a", "subnet-b"]
    public_ip = prop(network, "assign_public_ip")
    assert sliced(public_ip["span"]) == '"assign_public_ip": False'
    assert public_ip["value"]["value"] is False

    tags = prop(config, "tags")["value"]
    assert [p["key"] for p in tags["props"]] == ["Name"]  # non-string key and `**` are skipped

    backend = construction(view, "S3Backend")
    assert backend["var"] is None
    key = prop(backend["config"], "key")["value"]
    assert (key["kind"], key["text"]) == ("template", 'f"{id}/terraform.tfstate"')
    assert [a["text"] for a in backend["args"]] == ["self"]


def test_inferred_types_of_bare_names(view):
    cache = construction(view, "ReplicationGroup")["config"]
    types = {p["key"]: p["value"].get("type") for p in cache["props"]}
    assert types == {
        "at_rest_encryption_enabled": None,  # a bool literal, not a name
        "auto_minor_version_upgrade": "boolean",  # encrypt: bool = True
        "description": None,
        "num_cache_clusters": "number",  # Optional[int]
        "engine_version": None,  # assigned a string, then something else
        "port": "number",  # retries = 3
        "transit_encryption_enabled": "boolean",  # bool | None
    }
    assert prop(construction(view, "EcsStack")["config"], "cluster_name")["value"]["type"] == "string"
    # REGION is a module constant, but inside __init__ only that function's bindings count.
    assert "type" not in prop(construction(view, "S3Backend")["config"], "region")["value"]
    # Unannotated parameter.
    assert "type" not in prop(construction(view, "aws.s3_bucket.S3Bucket")["config"],
                              "force_destroy")["value"]


def test_types_at_module_level_and_rebinding():
    text = (
        "FLAG = True\nNAME: str = load()\nSHADOW = 1\n"
        "def f():\n    global SHADOW\n    SHADOW = 'x'\n"
        "X(a=FLAG, b=NAME, c=SHADOW)\n"
        "def g(p: bool):\n    for p in range(3):\n        pass\n    X(d=p)\n"
    )
    first, second = extract_view(text)["constructions"]
    assert [p["value"].get("type") for p in first["config"]["props"]] == ["boolean", "string", None]
    assert "type" not in second["config"]["props"][0]["value"]


def test_statement_calls(view):
    override = next(c for c in view["calls"] if c["callee"] == "self.add_override")
    assert [a["value"] for a in override["args"]] == ["terraform.backend.s3.use_lockfile", True]
    assert sliced(override["statement_span"]) == (
        'self.add_override("terraform.backend.s3.use_lockfile", True)')
    assert override["enclosing_class"] == "TapStack"
    assert override["line"] == 22 and override["col"] == 9

    output = next(c for c in view["calls"] if c["callee"] == "TerraformOutput")
    assert sliced(output["statement_span"]).endswith('value=svc.name);')
    assert sliced(output["span"]).endswith('value=svc.name)')
    assert [c["callee"] for c in view["calls"]] == [
        "super().__init__", "S3Backend", "self.add_override", "EcsStack", "TerraformOutput",
        "TapStack", "app.synth"]


def test_module_level_and_nested_constructions(view):
    app = construction(view, "App")
    assert (app["var"], app["enclosing_class"], app["enclosing_function"]) == ("app", None, None)
    tap = construction(view, "TapStack")
    assert tap["var"] is None and tap["args"][1]["value"] == "tap"
    ecs = construction(view, "EcsStack")
    assert (ecs["enclosing_class"], ecs["enclosing_function"]) == ("TapStack", "__init__")
    bucket = construction(view, "aws.s3_bucket.S3Bucket")
    assert (bucket["enclosing_class"], bucket["enclosing_function"]) == ("Nested", "build")
    assert "compute_mode" not in {c["callee"] for c in view["constructions"]}


def test_identifier_counts(view):
    counts = view["identifier_counts"]
    assert counts["S3Backend"] == 1  # the use, not the import
    assert counts["ReplicationGroup"] == 1
    assert counts["encrypt"] == 2  # parameter and use; the `encrypt=True` keyword is no reference
    assert counts["aws"] == 2  # aws.ecs_cluster.EcsCluster, aws.s3_bucket.S3Bucket, no import
    assert counts["svc"] == 3
    assert counts["mode"] == 3
    assert "Optional" in counts and "ElasticacheReplicationGroup" not in counts
    for attribute_or_keyword in ("ecs_cluster", "EcsCluster", "add_override", "cluster_name"):
        assert attribute_or_keyword not in counts


def test_non_ascii_before_a_call():
    text = 'x = "🚀🚀"  # ☁️ cloud\nb = Bucket(self, "b", acl="ü")\n'
    bucket = extract_view(text)["constructions"][0]
    acl = prop(bucket["config"], "acl")
    assert text[acl["span"][0]:acl["span"][1]] == 'acl="ü"'
    assert acl["value"]["value"] == "ü"
    assert (bucket["line"], bucket["col"]) == (2, 5)


def test_string_kinds():
    text = 'X(a="x" "y", b=b"raw", c=(1.5), d=None, e=[1, *more], f=(True, "t"))\n'
    props = {p["key"]: p["value"] for p in extract_view(text)["constructions"][0]["config"]["props"]}
    assert props["a"]["kind"] == "expr"  # implicit concatenation
    assert props["b"]["kind"] == "expr"  # bytes
    assert (props["c"]["kind"], props["c"]["value"], props["c"]["text"]) == ("number", 1.5, "(1.5)")
    assert props["d"]["kind"] == "null"
    assert [i["text"] for i in props["e"]["items"]] == ["1", "*more"]
    assert [i["kind"] for i in props["f"]["items"]] == ["bool", "string"]


def test_syntax_error():
    text = 'x = "🚀"\nsvc = EcsService(self, "svc" cluster=c)\n'
    with pytest.raises(PythonSyntaxError) as raised:
        extract_view(text)
    assert (raised.value.line, raised.value.col) == (2, 24)
    assert parse_errors(text) == [{"line": 2, "col": 24, "message": raised.value.message}]
    assert parse_errors(TAP_STACK) == []
    assert "\r" not in TAP_STACK  # the engine hands over \n-normalised text


# The view comes from CPython's ast (fast) and, for what that cannot read, from libcst: both must
# give the same dict. The corpus gave the same views for all of its ~1,900 Python texts.
AGREEMENT = [
    TAP_STACK,
    "\ufeffimport a.b as c; from x import (y as z,\n    w)\nFoo(self, 'id',  # the id\n    (bucket), **kw)\n",
    'X = "a" "b"\nY = f"{X}"\nZ = b"x"\nT = (1, 2)\nU = 1, 2,\nBucket(self, "b", name=X, tags={"k": Y, "j": -1.5}, acl=Z)\n',
    "print(Queue(self, ((name))))\nclass A((B), metaclass=M):\n    x = Foo(self, 'x');  \n    def f(self, a: int = 1, *r: str, k: 'str' = '', **kw) -> None:\n        Bar(self, 'y', size=a, rest=r, key=k)\n",
    "déjà = 'é'\nBucket(self, 'é', name=déjà, n=(None), t=True, e=...)\n# trailing comment\n",
    "with open(p) as (f, g):\n    pass\ntry:\n    x = 1\nexcept E as err:\n    Topic(self, 't', v=err, w=[*a, 'b'])\nlambda q, r=2: Foo(q)\n",
]


@pytest.mark.parametrize("text", AGREEMENT)
def test_ast_view_agrees_with_libcst(text):
    from iacfix.backends import python_ast_view
    from iacfix.backends.python_view import extract_view_libcst

    fast = python_ast_view.extract_view(text)
    assert fast is not None
    assert isinstance(fast.pop("chains"), list)  # only the ast view has them (docs/cdktf-view.md)
    assert fast == extract_view_libcst(text)


NESTED_TESTS = """\
import unittest


class TestStack(unittest.TestCase):
    def test_bucket(self):
        try:
            self.assertEqual(count(), 1)
        except KeyError:
            assert False
        finally:
            pass

    def test_match(self):
        match kind:
            case "a":
                assert kind
        for x in items:
            if x:
                def test_inner():
                    assert x is not None


def test_top():
    while True:
        assert 1 == 1
    else:
        print("done")
"""


def test_walk_statements_follows_ast_walk():
    """The statements testcode reads, in ast.walk's order, without walking the expressions."""
    import ast

    from iacfix.backends.python_ast_view import walk_statements

    tree = ast.parse(NESTED_TESTS)
    expected = [n for n in ast.walk(tree) if isinstance(n, ast.stmt)]
    assert [n for n in walk_statements(tree) if isinstance(n, ast.stmt)] == expected


def test_test_cases_come_from_the_tree_the_view_was_built_from(tmp_path):
    """A Python test file's cases are read once, at parse time, from the view's own tree: the
    same cases a fresh parse gives. A file with a byte-order mark keeps its old reading."""
    from iacfix.backends import test_cases as testcode
    from iacfix.backends import cdktf

    test_file = cdktf.parse("python", tmp_path / "tests" / "test_stack.py", NESTED_TESTS)
    stack_file = cdktf.parse("python", tmp_path / "stack.py", NESTED_TESTS)
    assert "test_cases" in test_file._derived and "test_cases" not in stack_file._derived
    fresh = testcode._py_cases(stack_file)
    assert [c.name for c in fresh] == ["test_top", "test_bucket", "test_match", "test_inner"]
    assert testcode.test_cases(test_file) == fresh
    bom = cdktf.parse("python", tmp_path / "tests" / "test_bom.py", "\ufeff" + NESTED_TESTS)
    assert "test_cases" not in bom._derived and testcode.test_cases(bom) == []


def test_chains_with_the_indexes_calls_and_members_after_them():
    text = """\
from cdktf_cdktf_provider_aws import vpc
from cdktf_cdktf_provider_aws.eks_cluster import EksCluster
cluster = EksCluster(self, "eks", name="x")
issuer = f"{cluster.identity[0].oidc[0].issuer}"
subnet = vpc.Subnet(self, "s")
other.thing[0]
"""
    view = extract_view(text)
    chains = {c["text"]: c for c in view["chains"]}
    assert set(chains) == {"cluster.identity", "vpc.Subnet"}  # `other` is neither imported nor built
    after = chains["cluster.identity"]["after"]
    assert [(s["kind"], s.get("text") or s.get("name")) for s in after] == [("index", "0"), ("prop", "oidc"), ("index", "0"), ("prop", "issuer")]
    assert text[slice(*after[1]["span"])] == ".oidc"
    assert [s["kind"] for s in chains["vpc.Subnet"]["after"]] == ["call"]
