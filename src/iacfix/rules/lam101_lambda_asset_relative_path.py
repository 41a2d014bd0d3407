"""LAM101: a Lambda package given as a path relative to the project in a CDKTF app."""

from __future__ import annotations

import re

from iacfix.model import Edit
from iacfix.rule import Example, Rule
from iacfix.rulekit.text import line_end, line_start

# The resources whose `filename` is a local deployment package.
PACKAGES = ("aws_lambda_function", "aws_lambda_layer_version")
# `${filebase64sha256("lambda/x.zip")}` as a whole string: the hash of the same package.
HASH = re.compile(r"""\$\{(?P<fn>filebase64sha256|filemd5|filesha256|filebase64sha512)\((?P<q>["'])(?P<path>[^"'$]+)(?P=q)\)\}""")


def _relative(text: str) -> bool:
    """A path relative to where cdktf runs: not absolute, not already climbing out (`../`, the
    synthesized stack's own view), no Terraform interpolation."""
    return bool(text) and not text.startswith(("/", "..", "~", "$", "{")) and "${" not in text and "://" not in text


class LambdaAssetRelativePath(Rule):
    """A Lambda package path in a CDKTF app is resolved from the source file, not left relative.

    What it does: on an `aws_lambda_function` / `aws_lambda_layer_version` whose `filename` is
    a literal relative path ('lambda/x.zip', './dist/x.zip'), rewrites it to an absolute path
    built from the source file's own location: `path.resolve(__dirname, '..', 'lambda/x.zip')`
    in TypeScript (adding `import * as path from 'path'`), `os.path.join(os.path.dirname(__file__),
    "..", "lambda/x.zip")` in Python (adding `import os`), with as many '..' as the file is deep
    in the project (lib/tap-stack.ts: one). A `source_code_hash` that is exactly
    `${filebase64sha256("<same path>")}` becomes `Fn.filebase64sha256(<that expression>)`.

    Why: `cdktf synth` writes the Terraform configuration to cdktf.out/stacks/<stack>/ and
    Terraform runs there, so a relative path is looked up inside cdktf.out ("Call to function
    filebase64sha256 failed: no such file or directory", or "unable to load lambda/x.zip").
    The path the author meant is relative to the project root, where cdktf runs the app.

    Not changed: paths that already climb out ('../../../lambda/x.zip', the stack folder's
    view), expressions (a TerraformAsset's `.path`, `path.join(...)`), and TerraformAsset's
    own `path`, which cdktf resolves from the working directory when it copies the asset.

    Fix (safe): the same file, named absolutely at synth time.
    """

    code = "LAM101"
    name = "lambda-asset-relative-path"
    flavours = ("cdktf-ts", "cdktf-py")
    severity = "error"
    seeds = ("004#6",)
    examples = [
        Example(
            "cdktf-ts",
            before="""\
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';

new LambdaFunction(this, 'fn', {
  functionName: 'enroll',
  filename: 'lambda/enroll.zip',
  sourceCodeHash: '${filebase64sha256("lambda/enroll.zip")}',
});
""",
            after="""\
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { Fn } from 'cdktf';
import * as path from 'path';

new LambdaFunction(this, 'fn', {
  functionName: 'enroll',
  filename: path.resolve(__dirname, '..', 'lambda/enroll.zip'),
  sourceCodeHash: Fn.filebase64sha256(path.resolve(__dirname, '..', 'lambda/enroll.zip')),
});
""",
        ),
        Example(
            "cdktf-py",
            before='''\
"""The stack."""
from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction

LambdaFunction(self, "fn", function_name="enroll", filename="./dist/enroll.zip", handler="index.handler")
''',
            after='''\
"""The stack."""
import os
from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction

LambdaFunction(self, "fn", function_name="enroll", filename=os.path.join(os.path.dirname(__file__), "..", "dist/enroll.zip"), handler="index.handler")
''',
        ),
        Example(  # already absolute, or climbing out of cdktf.out, or an asset's path
            "cdktf-ts",
            before="""\
import * as path from 'path';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';

new LambdaFunction(this, 'a', { filename: path.resolve(__dirname, '../lambda/a.zip') });
new LambdaFunction(this, 'b', { filename: '../../../lambda/b.zip' });
new LambdaFunction(this, 'c', { filename: asset.path });
""",
        ),
    ]

    def check(self, ctx):
        for res in ctx.resources(*PACKAGES):
            if res.language not in ("typescript", "python"):
                continue
            value = res.attr_value("filename")
            rel = _literal_path(value)
            if rel is None:
                continue
            file = ctx.file(res.path)
            expr = _absolute(file, ctx.project.root, value, rel)
            edits = file.replace_value(res.attrs["filename"], expr)
            hashed = res.attr_value("source_code_hash")
            match = HASH.fullmatch(hashed.value) if hashed is not None and hashed.kind == "string" else None
            if match and match.group("path").removeprefix("./") == rel:
                edits += file.replace_value(res.attrs["source_code_hash"], f"Fn.{match.group('fn')}({expr})")
                edits += file.add_import("cdktf", "Fn")
            edits = _merge(edits + _import(file))
            yield self.finding(
                res,
                f"Lambda package '{rel}' is relative: Terraform runs in cdktf.out/stacks/<stack>, where it does not "
                "exist; resolved it from this file's folder",
                edits,
            )


def _literal_path(value):
    """The relative path a string literal (or a template / f-string with a literal head) names,
    without a leading './'; None when it is not one."""
    if value is None:
        return None
    if value.kind == "string":
        path = value.value
    elif value.kind == "template":
        path = re.sub(r"[`'\"]$", "", re.sub(r"^[fF]?[`'\"]", "", value.text))
    else:
        return None
    if not _relative(path):
        return None
    return path.removeprefix("./") if value.kind == "string" else path


def _absolute(file, root, value, rel):
    try:
        depth = len(file.path.parent.relative_to(root).parts)
    except ValueError:
        depth = 0
    if value.kind == "string":
        last = file.literal(rel)
    else:  # keep the template's interpolation, drop a leading './'
        last = re.sub(r"^([fF]?[`'\"])\./", r"\1", value.text)
    ups = [file.literal("..")] * depth
    if file.language == "python":
        return f"os.path.join({', '.join(['os.path.dirname(__file__)', *ups, last])})"
    return f"path.resolve({', '.join(['__dirname', *ups, last])})"


def _import(file):
    """`import * as path from 'path'` / `import os`, unless the file has it."""
    module = "os" if file.language == "python" else "path"
    if any(file.imported.get(module, (None,))[0] == m for m in (module, f"node:{module}")):
        return []
    # a default import or require() binds `path` too, and the view lists neither
    if file.language == "typescript" and re.search(
        r"""\bimport\s+path\s+from\s+['"](?:node:)?path['"]|\bpath\s*=\s*require\(\s*['"](?:node:)?path['"]""", file.text
    ):
        return []
    imports = file.typed_view.imports
    if file.language == "python":
        statement = "import os"
        firsts = [i for i in imports if i.module != "__future__"]
        if firsts:  # standard library first
            at = line_start(file.text, firsts[0].span[0])
            return [Edit(file.path, at, at, statement + "\n")]
    else:
        statement = f"import * as path from {file.literal('path')};"
    at = min(line_end(file.text, imports[-1].span[1]) + 1, len(file.text)) if imports else 0
    return [Edit(file.path, at, at, statement + "\n")]


def _merge(edits):
    """Two import lines inserted at the same point become one insertion (they would collide)."""
    out = []
    for edit in edits:
        prev = next((e for e in out if e.start == e.end == edit.start == edit.end), None)
        if prev is None:
            out.append(edit)
        else:
            out[out.index(prev)] = Edit(edit.path, edit.start, edit.end, prev.text + edit.text)
    return out
