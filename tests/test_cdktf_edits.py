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


# -- string literals: found outside comments, rewritten as templates / f-strings --------------------


def literals(text, language="typescript"):
    file = cdktf.parse(language, Path(f"/virtual/x.{'ts' if language == 'typescript' else 'py'}"), text)
    return file, [text[a:b] for a, b in file.literals()]


def test_typescript_literals_skip_comments_regexes_and_interpolations():
    text = (
        "// it's a comment\n"
        "const re = /'[a-z]/g; const half = 4 / 2;\n"
        "/* 'no' */ const t = `a ${f('inner') + `n${1}`} b` + \"c\\\"d\";\n"
    )
    assert literals(text)[1] == ["`a ${f('inner') + `n${1}`} b`", '"c\\"d"']


def test_python_literals_are_the_tokenizer_strings_but_docstrings():
    text = '"""doc"""\nx = f"a{b}"  # "no"\ny = r"""{"k": 1}"""\nz = b"q"\ndef f():\n    "doc"\n    return "r"\n'
    assert literals(text, "python")[1] == ['f"a{b}"', 'r"""{"k": 1}"""', 'b"q"', '"r"']


def rewrite(text, word, language="typescript"):
    """The literal holding (each) `word` with the word interpolated as `E`."""
    file, _ = literals(text, language)
    at = text.index(word)
    span = next(s for s in file.literals() if s[0] <= at < s[1])
    parts, i = [], at
    while 0 <= i < span[1]:
        parts.append((i, i + len(word)))
        i = text.find(word, i + 1)
    return file.interpolate(span, parts, "E")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("x = 'a:ID:b';", "`a:${E}:b`"),
        ("x = 'a`${ID}';", "`a\\`\\${${E}}`"),  # a backtick and `${` of a quoted string are escaped
        ("x = `${r}:ID:${n}`;", "`${r}:${E}:${n}`"),  # the template keeps its interpolations
        ("x = `${'ID'}`;", None),  # inside an interpolation
        ("x = { 'ID': 1 };", None),  # an object key
        ("x = 'ID ID';", "`${E} ${E}`"),
    ],
)
def test_interpolate_typescript(text, expected):
    assert rewrite(text, "ID") == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ('x = "a:ID:{b}"\n', 'f"a:{E}:{{b}}"'),  # braces of a plain string are doubled
        ('x = f"{r}:ID:{n}"\n', 'f"{r}:{E}:{n}"'),
        ('x = u"ID"\n', 'f"{E}"'),
        ('x = R"ID\\d"\n', 'Rf"{E}\\d"'),
        ('x = b"ID"\n', None),
        ('x = f"{\'ID\'}"\n', None),
    ],
)
def test_interpolate_python(text, expected):
    assert rewrite(text, "ID", "python") == expected


TS_CLASS = """\
export class S extends Construct {
  constructor(
    scope: Construct,
    id: string,
  ) {
    super(scope, id);

    const userData = `#!/bin/bash
echo 'HERE is not code'
`;
    // the roles
    for (const n of names) {
      new Role(this, n, { arn: 'HERE' });
    }
  }

  other() {
    new Role(this, 'x', { arn: 'THERE' });
  }
}
"""


def test_statement_start_is_the_top_level_statement_of_the_function_and_its_comments():
    file, _ = literals(TS_CLASS)
    at, indent = file.statement_start(TS_CLASS.index("arn: 'HERE"), "constructor")
    assert (TS_CLASS[at:].splitlines()[0], indent) == ("    // the roles", "    ")
    assert file.statement_start(TS_CLASS.index("THERE"), "constructor") is None  # another method
    at, _ = file.statement_start(TS_CLASS.index("THERE"), "other")
    assert TS_CLASS[at:].splitlines()[0] == "    new Role(this, 'x', { arn: 'THERE' });"


def test_statement_start_python():
    text = "class S:\n    def __init__(\n        self,\n    ):\n        x = 1\n        if x:\n            R(self, 'a', arn='HERE')\n"
    file, _ = literals(text, "python")
    at, indent = file.statement_start(text.index("HERE"), "__init__")
    assert (text[at:].splitlines()[0], indent) == ("        if x:", "        ")
