"""TEST101: a test that can only pass or only fail."""

from __future__ import annotations

from iacfix.model import Location
from iacfix.rule import Example, Rule
from iacfix.rulekit.testcode import test_cases, test_files


class PlaceholderTest(Rule):
    """A test whose only assertions are on constants (`expect(false).toBe(true)`, `assert True`).

    What it does: reports a test case (a jest `test`/`it`, a pytest `test_*` function) that does
    nothing but assert on literals (`expect(true).toBe(true)`, `assert False`,
    `self.assertTrue(True)`), log, or `pass`: the "Dont forget!" stub a project template leaves,
    or an empty test. A constant assertion beside real code (an SDK call that must not throw, an
    early return in a branch) is left alone.

    Why: such a test can only pass (it proves nothing) or only fail (the pipeline is red whatever
    the stack does); either way nothing about the infrastructure is tested.

    Convention (pipeline): the pipeline asks for tests that test the stack, and its template leaves
    these stubs. A project's own tests are its business.

    Fix (none, a human writes it): replace it with a test that asserts on the stack's
    synthesized resources (unit) or on the deployed outputs (integration).
    """

    code = "TEST101"
    name = "placeholder-test"
    flavours = ("cdktf-ts", "cdktf-py")
    severity = "note"
    convention = "pipeline"
    fix = "none"
    seeds = ("000#4",)
    TS_STUB = "describe('Stack', () => {\n  test('Dont forget!', async () => {\n    expect(false).toBe(true);\n  });\n});\n"
    examples = [
        Example("cdktf-ts", before="export const x = 1;\n", after="export const x = 1;\n", files={"test/tap-stack.int.test.ts": TS_STUB}),
        Example(
            "cdktf-py",
            before="X = 1\n",
            after="X = 1\n",
            files={"tests/unit/test_stack.py": 'def test_placeholder():\n    """TODO."""\n    assert True\n'},
        ),
        # A constant assertion after a call that must not throw, or in an early-return branch.
        Example(
            "cdktf-ts",
            before="export const x = 1;\n",
            files={
                "test/tap-stack.int.test.ts": "test('bucket exists', async () => {\n"
                "  await s3.send(new HeadBucketCommand({ Bucket: name }));\n  expect(true).toBe(true);\n});\n"
            },
        ),
        Example(
            "cdktf-py",
            before="X = 1\n",
            files={"tests/unit/test_stack.py": "def test_bucket(synth):\n    assert 'aws_s3_bucket' in synth\n"},
        ),
    ]

    def check(self, ctx):
        for file in test_files(ctx):
            for case in test_cases(file):
                if case.other_statements or not all(a.constant for a in case.assertions):
                    continue
                what = "only asserts on constants" if case.assertions else "is empty"
                yield self.finding(
                    Location(file.path, case.line, case.col),
                    f"test '{case.name}' {what}, so it can only pass or only fail: replace it with a test that "
                    "asserts on the stack's synthesized resources / deployed outputs",
                )
