"""TEST103: unit tests left as the project template, asserting only that the stack exists."""

from __future__ import annotations

import re

from iacfix.model import Location
from iacfix.rule import Example, Rule
from iacfix.rulekit.testcode import test_cases, test_files

# Matchers that only say a value exists: the template's `expect(stack).toBeDefined()`.
EXISTS_MATCHERS = frozenset(
    {"toBeDefined", "not.toBeUndefined", "not.toBeNull", "toBeTruthy", "toBeInstanceOf", "not.toThrow", "toBeTrue"}
)
PY_EXISTS_METHODS = frozenset({"assertIsNotNone", "assertTrue", "assertIsInstance"})
# `assert stack`, `assert stack is not None`, `assert hasattr(stack, "bucket")`, `isinstance(...)`.
PY_EXISTS = re.compile(r"^(?:not\s+)?[\w.]+(?:\s+is\s+not\s+None)?$|^(?:hasattr|isinstance|callable)\(")


def only_existence(assertion) -> bool:
    if assertion.constant:
        return True
    if assertion.matcher == "assert":
        return bool(PY_EXISTS.match(assertion.subject.strip()))
    return assertion.matcher in EXISTS_MATCHERS or assertion.matcher in PY_EXISTS_METHODS


class TemplateUnitTest(Rule):
    """Unit tests that only check the stack was created, never what it contains.

    What it does: reports a unit test file (not under an integration folder) whose tests, taken
    together, assert nothing but existence: `expect(stack).toBeDefined()`,
    `expect(synthesized).toBeTruthy()`, `assert stack is not None`, `assert hasattr(stack,
    "bucket")`, or constants. A single assertion on the synthesized configuration (a resource,
    a property, `toHaveResourceWithProperties`, `"aws_s3_bucket" in synth`, a snapshot) makes
    the file a real test and silences it.

    Why: that is the project template's test. It passes for any stack that constructs, so a
    missing NAT gateway or an unencrypted bucket goes unnoticed and the coverage is hollow.

    Convention (pipeline): the pipeline asks for unit tests that assert on the synthesized
    resources. Elsewhere a smoke test that the stack builds is a choice.

    Fix (none, a human writes the tests): synthesize the stack (`Testing.synth`) and assert on
    its resources and their settings, one test per requirement.
    """

    code = "TEST103"
    name = "template-unit-test"
    flavours = ("cdktf-ts", "cdktf-py")
    severity = "note"
    convention = "pipeline"
    fix = "none"
    seeds = ("001#8",)
    examples = [
        Example(
            "cdktf-ts",
            before="export const x = 1;\n",
            after="export const x = 1;\n",
            files={
                "test/tap-stack.unit.test.ts": "import { App, Testing } from 'cdktf';\nimport { TapStack } from '../lib/tap-stack';\n\n"
                "describe('TapStack', () => {\n  test('instantiates', () => {\n    const stack = new TapStack(new App(), 'unit');\n"
                "    const synthesized = Testing.synth(stack);\n    expect(stack).toBeDefined();\n    expect(synthesized).toBeDefined();\n  });\n});\n"
            },
        ),
        Example(
            "cdktf-py",
            before="X = 1\n",
            after="X = 1\n",
            files={
                "tests/unit/test_stack.py": "from cdktf import App\nfrom lib.tap_stack import TapStack\n\n\n"
                "def test_instantiates():\n    stack = TapStack(App(), \"unit\")\n    assert stack is not None\n"
                "    assert hasattr(stack, \"bucket\")\n"
            },
        ),
        # One assertion on the synthesized configuration is enough; integration tests are TEST102's.
        Example(
            "cdktf-ts",
            before="export const x = 1;\n",
            files={
                "test/tap-stack.unit.test.ts": "test('instantiates', () => {\n  expect(stack).toBeDefined();\n});\n"
                "test('bucket', () => {\n  expect(synthesized).toHaveResourceWithProperties(S3Bucket, { bucket: 'b' });\n});\n",
                "test/tap-stack.int.test.ts": "test('instantiates', () => {\n  expect(stack).toBeDefined();\n});\n",
            },
        ),
        Example(
            "cdktf-py",
            before="X = 1\n",
            files={
                "tests/unit/test_stack.py": "import json\n\n\ndef test_bucket(stack):\n    assert stack is not None\n"
                "    synth = json.loads(Testing.synth(stack))\n    assert \"aws_s3_bucket\" in synth[\"resource\"]\n"
            },
        ),
    ]

    def check(self, ctx):
        for file in test_files(ctx, integration=False):
            cases = test_cases(file)
            assertions = [a for case in cases for a in case.assertions]
            if not assertions or not all(only_existence(a) for a in assertions):
                continue
            if all(a.constant for a in assertions):
                continue  # placeholders: TEST101's finding says it better
            yield self.finding(
                Location(file.path, cases[0].line, cases[0].col),
                f"unit tests only assert that the stack exists ({len(cases)} test(s), no assertion on any resource): "
                "synthesize the stack and assert on its resources and their settings",
            )
