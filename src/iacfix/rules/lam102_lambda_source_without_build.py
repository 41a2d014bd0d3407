"""LAM102: a Lambda deployed from a .zip that nothing in the project builds."""

from __future__ import annotations

import os
import re

from iacfix.rule import Example, Rule
from iacfix.rulekit.project_files import SKIP_DIRS

ZIP = re.compile(r"[\w.@-]+\.zip\b")
TYPES = ("aws_lambda_function", "aws_lambda_layer_version")


# Build files beside the app that may zip a handler (besides package.json scripts and workflows).
BUILD_FILES = frozenset({"Makefile", "makefile", "GNUmakefile", "justfile", "Taskfile.yml", "build.sh"})


class LambdaSourceWithoutBuild(Rule):
    """A Lambda's `filename` names a .zip that no step of the project produces.

    What it does: for a `LambdaFunction` / `LambdaLayerVersion` whose `filename` is a literal
    path to a .zip (`'lambda/handler.zip'`, `path.join(__dirname, 'fn.zip')`), looks for what
    would make that file: the zip itself in the project, an archive data source (`DataArchiveFile`)
    whose `outputPath` names it, a package.json script, CI workflow step or build file at the
    project's root (a Makefile, a shell script, a justfile) that mentions it, or (in a markdown
    answer) a `zip` command for it. When there is none, it reports. A `filename`
    that is an asset's or archive's path (`asset.path`, `archive.outputPath`) is built by synth
    and is fine.

    Why: Terraform reads the zip when it plans, so `cdktf deploy` fails with "no such file" on a
    fresh checkout; the handler source beside it never reaches AWS.

    Fix (none: how to package the handler is a build decision): replace the path with a
    `TerraformAsset` of the handler's folder (`type: AssetType.ARCHIVE`, `filename: asset.path`)
    or add the build step (`tsc` + `zip`) to package.json and the workflow.
    """

    code = "LAM102"
    name = "lambda-source-without-build"
    flavours = ("cdktf-ts",)
    severity = "error"
    fix = "none"
    seeds = ("004#10",)
    FN = (
        "import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';\n"
        "new LambdaFunction(this, 'fn', {\n  functionName: 'orders',\n  role: role.arn,\n  handler: 'index.handler',\n"
        "  runtime: 'nodejs20.x',\n  filename: %s,\n});\n"
    )
    examples = [
        Example("cdktf-ts", before=FN % "'lib/lambda/orders.zip'", after=FN % "'lib/lambda/orders.zip'"),
        Example("cdktf-ts", before=FN % "path.join(__dirname, 'lambda', 'orders.zip')", after=FN % "path.join(__dirname, 'lambda', 'orders.zip')"),
        # Built by synth, by an npm script, or committed.
        Example("cdktf-ts", before=FN % "asset.path"),
        Example(
            "cdktf-ts",
            before=FN % "'dist/orders.zip'",
            files={"package.json": '{\n  "scripts": {\n    "build:lambda": "cd lib/lambda && zip -r ../../dist/orders.zip ."\n  }\n}\n'},
        ),
        Example("cdktf-ts", before=FN % "'lib/lambda/orders.zip'", files={"lib/lambda/orders.zip": "PK"}),
    ]

    def check(self, ctx):
        functions = [r for r in ctx.resources(*TYPES) if r.attr_value("filename") is not None]
        if not functions:
            return
        built = self._built_names(ctx)
        present = None
        for fn in functions:
            value = fn.attr_value("filename")
            if value.kind not in ("string", "template", "expr"):
                continue
            names = ZIP.findall(value.text)
            if len(names) != 1:
                continue  # a variable, an asset's path: not a file this rule can look for
            name = names[0]
            if name in built:
                continue
            if present is None:
                present = self._zips_on_disk(ctx)
            if name in present:
                continue
            yield self.finding(
                fn,
                f"{name} is deployed but nothing in the project builds it: use a TerraformAsset of the handler's "
                "folder (type AssetType.ARCHIVE, filename: asset.path) or add a build step that zips the handler",
            )

    @staticmethod
    def _built_names(ctx) -> set[str]:
        """The zip names something in the project produces or mentions outside the Lambda itself."""
        texts = [s.text for f in ctx.files("json", "yaml") for s in f.scripts()]
        for file in ctx.files("typescript"):
            for cons in file.typed_view.constructions:
                for prop in cons.config.props if cons.config is not None else ():
                    if prop.key in ("outputPath", "output_path"):
                        texts.append(prop.value.text)
        texts += LambdaSourceWithoutBuild._build_files(ctx.project.root)
        for answer in {s.origin.markdown.path: s.origin.markdown for s in map(ctx.workspace.sources.get, ctx.project.files) if s.origin}.values():
            # An answer's instructions (`zip -r ../orders.zip .`) build it as well as a script.
            texts += [line for line in answer.text.split("\n") if re.search(r"\bzip\b", line) and "filename" not in line]
        return {name for text in texts for name in ZIP.findall(text)}

    @staticmethod
    def _build_files(root) -> list[str]:
        """The build files at the project's root that iacfix does not parse (a Makefile, shell
        scripts, a justfile): a zip they name is built there."""
        if not root.is_dir():
            return []
        texts = []
        for path in sorted(root.iterdir()):
            if path.is_file() and (path.name in BUILD_FILES or path.suffix == ".sh"):
                try:
                    texts.append(path.read_text(encoding="utf-8", errors="replace")[:200_000])
                except OSError:
                    continue
        return texts

    @staticmethod
    def _zips_on_disk(ctx) -> set[str]:
        root = ctx.project.root
        if not root.is_dir():  # a markdown answer: no files beside its blocks
            return set()
        found = set()
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            found.update(f for f in files if f.endswith(".zip"))
        return found
