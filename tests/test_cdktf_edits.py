"""Where the CDKTF backends put and take away attributes, in each layout a file may have."""

from __future__ import annotations

from pathlib import Path

import pytest

from iacfix.backends import cdktf
from iacfix.textedit import apply_edits

HEAD = "import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';\n"


def edit(text, action, name="desired_count", value="2", language="typescript"):
    file = cdktf.parse(language, Path(f"/virtual/x.{'ts' if language == 'typescript' else 'py'}"), text)
    [resource] = file.resources()
    edits = file.insert_attr(resource, name, value) if action == "insert" else file.remove_attr(resource, name)
    return apply_edits(text, edits)


@pytest.mark.parametrize(
    "body,expected",
    [
        ("{\n  name: 'a',\n}", "{\n  name: 'a',\n  desiredCount: 2,\n}"),  # trailing-comma style
        ("{\n  name: 'a'\n}", "{\n  name: 'a',\n  desiredCount: 2\n}"),  # no trailing comma
        ("{\n  name: 'a' // the name\n}", "{\n  name: 'a', // the name\n  desiredCount: 2\n}"),
        ("{ name: 'a' }", "{ name: 'a', desiredCount: 2 }"),  # one line
        ("{}", "{ desiredCount: 2 }"),
    ],
)
def test_insert_attr_typescript(body, expected):
    assert edit(f"{HEAD}new EcsService(this, 's', {body});\n", "insert") == f"{HEAD}new EcsService(this, 's', {expected});\n"


@pytest.mark.parametrize(
    "body,expected",
    [
        ("{\n  name: 'a',\n  desiredCount: 1,\n}", "{\n  name: 'a',\n}"),
        ("{\n  name: 'a',\n  desiredCount: 1\n}", "{\n  name: 'a'\n}"),
        ("{ desiredCount: 1, name: 'a' }", "{ name: 'a' }"),
        ("{ name: 'a', desiredCount: 1 }", "{ name: 'a' }"),
    ],
)
def test_remove_attr_typescript(body, expected):
    assert edit(f"{HEAD}new EcsService(this, 's', {body});\n", "remove") == f"{HEAD}new EcsService(this, 's', {expected});\n"


PY_HEAD = "from cdktf_cdktf_provider_aws.ecs_service import EcsService\n"


@pytest.mark.parametrize(
    "call,expected",
    [
        ('EcsService(self, "s", name="a")', 'EcsService(self, "s", name="a", desired_count=2)'),
        ('EcsService(\n    self,\n    "s",\n    name="a",\n)', 'EcsService(\n    self,\n    "s",\n    name="a",\n    desired_count=2,\n)'),
        ('EcsService(\n    self,\n    "s",\n    name="a"\n)', 'EcsService(\n    self,\n    "s",\n    name="a",\n    desired_count=2\n)'),
    ],
)
def test_insert_attr_python(call, expected):
    assert edit(f"{PY_HEAD}{call}\n", "insert", language="python") == f"{PY_HEAD}{expected}\n"


def test_replace_and_remove_in_one_fix():
    text = f"{HEAD}new EcsService(this, 's', {{\n  a: true,\n  b: 7,\n}});\n"
    file = cdktf.parse("typescript", Path("/virtual/x.ts"), text)
    [resource] = file.resources()
    edits = file.replace_value(resource.attrs["a"], "false") + file.remove_attrs(resource, ["b"])
    assert apply_edits(text, edits) == f"{HEAD}new EcsService(this, 's', {{\n  a: false,\n}});\n"


def test_remove_attr_python():
    text = f'{PY_HEAD}EcsService(\n    self,\n    "s",\n    name="a",\n    desired_count=1,\n)\n'
    assert edit(text, "remove", language="python") == f'{PY_HEAD}EcsService(\n    self,\n    "s",\n    name="a",\n)\n'
