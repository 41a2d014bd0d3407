"""The rule kit behind the compile repairs (tsconfig options, attribute shapes, lock files) and
what the CDK103/PRV101 repairs leave alone."""

from __future__ import annotations

import json
from pathlib import Path

from iacfix import engine
from iacfix.rulekit import attributes, schema, tsconfig


def test_tsconfig_options_come_from_the_nearest_file(tmp_path):
    (tmp_path / "tsconfig.json").write_text(
        '{\n  // the app\n  "compilerOptions": { "noUnusedLocals": true, "strict": true, },\n}\n'
    )
    handler = tmp_path / "lambda"
    handler.mkdir()
    (handler / "tsconfig.json").write_text('{"compilerOptions": {"strict": true, "strictPropertyInitialization": false}}')
    app, fn = tmp_path / "lib" / "stack.ts", handler / "index.ts"
    assert tsconfig.compiler_option(tmp_path, app, "noUnusedLocals") is True
    assert tsconfig.compiler_option(tmp_path, app, "noUnusedParameters") is False
    assert tsconfig.compiler_option(tmp_path, fn, "noUnusedLocals") is False
    assert tsconfig.strict_property_initialization(tmp_path, app) is True
    assert tsconfig.strict_property_initialization(tmp_path, fn) is False


def test_tsconfig_without_a_file_is_the_template_and_extends_is_not_guessed(tmp_path):
    assert tsconfig.compiler_option(tmp_path, tmp_path / "main.ts", "noUnusedParameters") is True
    answer = tmp_path / "answer.md"  # a markdown answer read as a project
    assert tsconfig.compiler_option(answer, answer, "noUnusedLocals") is True
    (tmp_path / "tsconfig.json").write_text('{"extends": "./base.json", "compilerOptions": {"noUnusedLocals": false}}')
    assert tsconfig.compiler_option(tmp_path, tmp_path / "main.ts", "noUnusedLocals") is False
    assert tsconfig.strict_property_initialization(tmp_path, tmp_path / "main.ts") is False


def test_attribute_shapes_follow_the_terraform_schema():
    s = schema.load()
    eks = attributes.resource_shape(s.cls("EksCluster"))
    identity = eks.member("identity")
    assert identity.kind == attributes.OBJECT_LIST
    assert identity.element.member("oidc").element.member("issuer").kind == attributes.VALUE
    assert eks.member("vpcConfig").kind == attributes.OBJECT  # a block of at most one
    assert eks.member("vpc_config").member("subnetIds").kind == attributes.VALUE_LIST
    assert eks.member("tags").kind == attributes.MAP
    zones = attributes.resource_shape(s.cls("DataAwsAvailabilityZones"))
    assert zones.member("names").kind == attributes.VALUE_LIST
    assert zones.member("no_such_attribute") is None
    assert attributes.resource_shape(s.cls("AwsProvider")) is None


def _run(root: Path, files: dict[str, str], select: str) -> tuple[list, dict[str, str]]:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    result = engine.run([root], engine.Options(select=[select]), root)
    texts = {rel: result.workspace.text.get((root / rel).absolute(), text) for rel, text in files.items()}
    return result.findings, texts


def test_cdk103_leaves_tests_and_files_whose_tsconfig_does_not_ask(tmp_path):
    unused = "import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';\nexport const x = 1;\n"
    files = {
        "cdktf.json": '{"language": "typescript", "app": "npx ts-node main.ts"}',
        "test/stack.test.ts": unused,
        "lambda/tsconfig.json": '{"compilerOptions": {"strict": true}}',
        "lambda/index.ts": unused,
        "lib/stack.ts": unused,
    }
    findings, texts = _run(tmp_path, files, "CDK103")
    assert [(f.path.relative_to(tmp_path.absolute()).as_posix(), f.line) for f in findings] == [("lib/stack.ts", 1)]
    assert texts["lib/stack.ts"] == "export const x = 1;\n"
    assert texts["test/stack.test.ts"] == texts["lambda/index.ts"] == unused


def test_prv101_keeps_the_grouped_namespaces_of_a_locked_older_package(tmp_path):
    # cdktf-cdktf-provider-aws 5.x had grouped namespaces (`elb.Lb`): right where the lock installs it
    code = "from cdktf_cdktf_provider_aws import elb, cloudwatch\n\nelb.Lb(self, 'lb')\n"
    files = {"cdktf.json": '{"language": "python", "app": "python main.py"}', "main.py": code}
    findings, texts = _run(tmp_path / "new", files, "PRV101")
    assert texts["main.py"] == "from cdktf_cdktf_provider_aws import elb, lb\n\nlb.Lb(self, 'lb')\n"  # cloudwatch: unused, not the provider's
    files["Pipfile.lock"] = json.dumps({"default": {"cdktf-cdktf-provider-aws": {"version": "==5.0.50"}}})
    findings, texts = _run(tmp_path / "old", files, "PRV101")
    assert texts["main.py"] == code


def test_cdk103_follows_a_removed_destructuring_through_and_keeps_one_with_effects(tmp_path):
    code = """\
export class A {
  constructor(scope: string, props: { a: string; b: string }, other: () => { c: string }, fallback: string) {
    const { a, b } = props;
    const { c = fallback } = other();
    console.log(scope);
  }
}
"""
    files = {"cdktf.json": '{"language": "typescript", "app": "npx ts-node main.ts"}', "main.ts": code}
    findings, texts = _run(tmp_path, files, "CDK103")
    # `props` is read only by the destructuring that goes: renamed in the same run
    assert "_props: {" in texts["main.ts"] and "const { a, b }" not in texts["main.ts"]
    # `other()` may do something: its destructuring stays whole, reported, and `fallback` with it
    assert "const { c = fallback } = other();" in texts["main.ts"] and "_fallback" not in texts["main.ts"]
    assert [f.fixable for f in findings if "`c`" in f.message] == [False]
