"""PKG101: a package the code imports that no package.json on the way up declares."""

from __future__ import annotations

import re
from pathlib import Path

from iacfix.model import Location
from iacfix.rule import Example, Rule
from iacfix.rulekit.project_files import mapped, tsconfig_paths

# Node's own modules need no dependency.
BUILTINS = frozenset(
    "assert buffer child_process cluster crypto dgram dns events fs http http2 https net os path perf_hooks "
    "process querystring readline stream string_decoder timers tls url util v8 vm worker_threads zlib".split()
)
# Where the version of a package the project does not name yet comes from, when the file has no
# sibling of the same family to copy it from: one table, the majors the provider bindings of
# cdktf 0.21 and the Lambda Node runtimes work with.
VERSIONS = {
    "@aws-sdk/": "^3.0.0",
    "@smithy/": "^3.0.0",
    "@types/aws-lambda": "^8.10.0",
    "@types/node": "^20.0.0",
    "cdktf": "^0.21.0",
    "@cdktf/provider-aws": "^21.0.0",
    "constructs": "^10.4.2",
    "uuid": "^9.0.0",
}
# Released together: @cdktf/provider-aws 21 needs cdktf 0.21 (its peer dependency), so the table's
# range of one is right only where the project's other one is on the table's too.
WITH_CDKTF = ("cdktf", "@cdktf/provider-aws")
# Packages that only ship types elsewhere: importing `aws-lambda` means `@types/aws-lambda`.
TYPES_ONLY = {"aws-lambda": "@types/aws-lambda"}
TEST_FILE = re.compile(r"(^|/)(test|tests|__tests__)/|\.(test|spec)\.[jt]s$")


def _same_major(declared: str | None, table: str) -> bool:
    """Whether a declared range (None: not declared) is on the table range's major (0.21 for 0.x)."""
    if declared is None:
        return True
    numbers = lambda v: re.findall(r"\d+", v)[:2]  # noqa: E731
    theirs, ours = numbers(declared), numbers(table)
    width = 2 if ours[:1] == ["0"] else 1
    return bool(theirs) and theirs[:width] == ours[:width]


def package_name(module: str) -> str | None:
    """`@aws-sdk/client-s3/dist` → `@aws-sdk/client-s3`; None for relative, builtin or aliased."""
    if module.startswith((".", "/", "node:", "@/", "~")) or not re.match(r"^[@\w]", module):
        return None
    parts = module.split("/")
    name = "/".join(parts[:2]) if module.startswith("@") else parts[0]
    return None if name in BUILTINS else name


# Scopes whose packages are released together, so one range fits them all. Other scopes are not:
# @cdktf/provider-aws 21 beside @cdktf/provider-archive 11, @types/node 20 beside
# @types/aws-lambda 8; there a package is a family of its own.
LOCKSTEP_SCOPES = ("@aws-sdk/", "@smithy/")


def family(name: str) -> str:
    scope = name.split("/")[0] + "/"
    return scope if scope in LOCKSTEP_SCOPES else name


class PackageJsonMissingAwsSdk(Rule):
    """An imported package (an AWS SDK v3 client, say) is missing from package.json.

    What it does: reads the imports of the app's TypeScript (the stack, the Lambda handlers
    under lib/ or lambda/, the tests) and the package.json files of the project. A package that
    is imported but declared by no package.json between the importing file and the project root
    (a Lambda folder with its own package.json included) is added to the nearest one: to
    `dependencies` for code, to `devDependencies` for tests. `import ... from 'aws-lambda'`
    (types only) asks for `@types/aws-lambda`. When the project has no package.json at all
    nothing is said: the dependencies live somewhere iacfix cannot see.

    Why: `npm ci` installs only what package.json declares, so the tests fail to compile and a
    Lambda bundled from its folder fails at runtime with "Cannot find module
    '@aws-sdk/client-dynamodb'".

    Fix (safe): a `"name": "range"` line in sorted position, in the file's own indentation.
    The range is the one a package of the same family already has in that file (a scope
    released together: every `@aws-sdk/*` client on one version; not `@cdktf/provider-*`, whose
    majors differ), else a small table of known majors. A package not in
    the table and with no sibling is reported only: its version is a human's choice; so is
    `cdktf` or `@cdktf/provider-aws` in a project on another cdktf than the table's (0.21, the
    provider's 21): the table's range would not install beside it.

    An import that the project's tsconfig.json `paths` map elsewhere is not a package at all:
    `@cdktf/provider-aws/lib/*` onto the bindings `cdktf get` writes to .gen, say.
    """

    code = "PKG101"
    name = "package-json-missing-aws-sdk"
    flavours = ("cdktf-ts",)
    severity = "error"
    seeds = ("000#6", "004#7")
    examples = [
        Example(
            "cdktf-ts",
            before="import { S3Client } from '@aws-sdk/client-s3';\nexport const client = new S3Client({});\n",
            after="import { S3Client } from '@aws-sdk/client-s3';\nexport const client = new S3Client({});\n",
            files={
                "package.json": '{\n  "name": "app",\n  "dependencies": {\n    "@aws-sdk/client-dynamodb": "^3.600.0",\n'
                '    "cdktf": "^0.21.0"\n  }\n}\n',
            },
            files_after={
                "package.json": '{\n  "name": "app",\n  "dependencies": {\n    "@aws-sdk/client-dynamodb": "^3.600.0",\n'
                '    "@aws-sdk/client-s3": "^3.600.0",\n    "cdktf": "^0.21.0"\n  }\n}\n',
            },
        ),
        # A Lambda folder's own package.json gets its handler's imports; the test's go to the
        # root's devDependencies, created after the last section.
        Example(
            "cdktf-ts",
            before="import { Construct } from 'constructs';\nexport class Stack extends Construct {}\n",
            after="import { Construct } from 'constructs';\nexport class Stack extends Construct {}\n",
            files={
                "package.json": '{\n  "name": "app",\n  "dependencies": {\n    "constructs": "^10.4.2"\n  }\n}\n',
                "lib/lambda/orders/package.json": '{\n  "name": "orders",\n  "dependencies": {}\n}\n',
                "lib/lambda/orders/index.ts": "import { SQSEvent } from 'aws-lambda';\n"
                "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const handler = async (e: SQSEvent) => e;\n",
                "test/stack.int.test.ts": "import { EC2Client } from '@aws-sdk/client-ec2';\nimport * as fs from 'fs';\n",
            },
            files_after={
                "package.json": '{\n  "name": "app",\n  "dependencies": {\n    "constructs": "^10.4.2"\n  },\n'
                '  "devDependencies": {\n    "@aws-sdk/client-ec2": "^3.0.0"\n  }\n}\n',
                "lib/lambda/orders/package.json": '{\n  "name": "orders",\n  "dependencies": {\n'
                '    "@aws-sdk/client-dynamodb": "^3.0.0"\n  },\n  "devDependencies": {\n    "@types/aws-lambda": "^8.10.0"\n  }\n}\n',
            },
        ),
        # Declared higher up, in devDependencies, or no package.json at all: silent.
        Example(
            "cdktf-ts",
            before="import { S3Client } from '@aws-sdk/client-s3';\nimport { helper } from './helper';\n",
            files={
                "package.json": '{\n  "devDependencies": {\n    "@aws-sdk/client-s3": "^3.0.0"\n  }\n}\n',
                "lib/lambda/package.json": '{\n  "name": "fn"\n}\n',
            },
        ),
        Example("cdktf-ts", before="import { S3Client } from '@aws-sdk/client-s3';\n"),
        # A package with no known version: reported, not guessed. Another provider's range is
        # no sibling's (provider-archive is not on provider-aws's major).
        Example(
            "cdktf-ts",
            before="import { z } from 'zod';\n",
            after="import { z } from 'zod';\n",
            files={"package.json": '{\n  "dependencies": {}\n}\n'},
        ),
        # Mapped by tsconfig `paths` onto local bindings: nothing to install. On cdktf 0.15 the
        # table's provider range (21, for cdktf 0.21) would not fit: reported.
        Example(
            "cdktf-ts",
            before="import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';\n",
            files={
                "package.json": '{\n  "dependencies": {\n    "cdktf": "^0.21.0"\n  }\n}\n',
                "tsconfig.json": '{\n  // local bindings\n  "compilerOptions": {"paths": {"@cdktf/provider-aws/lib/*": ["./.gen/providers/aws/*"],}}\n}\n',
            },
        ),
        Example(
            "cdktf-ts",
            before="import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';\n",
            after="import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';\n",
            files={"package.json": '{\n  "dependencies": {\n    "cdktf": "^0.15.3"\n  }\n}\n'},
            message="@cdktf/provider-aws imported but not declared in package.json: add it to dependencies with the version range you use",
        ),
        Example(
            "cdktf-ts",
            before="import { File } from '@cdktf/provider-archive/lib/file';\n",
            after="import { File } from '@cdktf/provider-archive/lib/file';\n",
            files={"package.json": '{\n  "dependencies": {\n    "@cdktf/provider-aws": "^21.0.0"\n  }\n}\n'},
        ),
    ]

    def check(self, ctx):
        manifests = {f.path.parent: f for f in ctx.files("json") if f.path.name == "package.json"}
        if not manifests:
            return
        local = tsconfig_paths(ctx.project.root) if Path(ctx.project.root).is_dir() else []
        # package.json → section → package → the first import of it
        wanted: dict[Path, dict[str, dict[str, tuple]]] = {}
        for file in ctx.files("typescript"):
            chain = [manifests[d] for d in file.path.parents if d in manifests]
            if not chain:
                continue
            rel = ctx.workspace.sources[file.path].display
            section = "devDependencies" if TEST_FILE.search(rel) else "dependencies"
            for imp in file.typed_view.imports:
                name = package_name(imp.module)
                if name is None or any(m.declares(name) for m in chain) or mapped(imp.module, local):
                    continue  # declared, or resolved where tsconfig `paths` maps it
                target = section
                if name in TYPES_ONLY:  # its types are what the code needs, at build time
                    name, target = TYPES_ONLY[name], "devDependencies"
                    if any(m.declares(name) for m in chain):
                        continue
                wanted.setdefault(chain[0].path, {}).setdefault(target, {}).setdefault(name, (file, imp, chain))
        for path, sections in sorted(wanted.items()):
            manifest = ctx.file(path)
            for section, imports in sections.items():
                known = {n: v for n, (_, _, chain) in imports.items() if (v := self._version(manifest, n, chain))}
                unknown = sorted(set(imports) - set(known))
                first_file, first_imp, _ = next(iter(imports.values()))
                at = Location(first_file.path, first_imp.line)
                where = ctx.workspace.sources[path].display
                if known:
                    yield self.finding(
                        at,
                        f"{', '.join(sorted(known))} imported but not declared in {where}; added to {section}",
                        manifest.add_dependencies(section, known),
                    )
                if unknown:
                    yield self.finding(
                        at,
                        f"{', '.join(unknown)} imported but not declared in {where}: add it to {section} "
                        "with the version range you use",
                    )

    @staticmethod
    def _version(manifest, name: str, chain: list) -> str | None:
        """The range a sibling of the same family has in the file (the newest), else the table's;
        None for a package released with cdktf (the provider bindings) when the project is on
        another cdktf than the table's: its range would not fit."""
        fam = family(name)
        siblings = [
            v
            for key in ("dependencies", "devDependencies", "peerDependencies")
            for n, v in manifest.section(key).items()
            if fam.endswith("/") and n.startswith(fam) and isinstance(v, str) and re.match(r"^[\^~]?\d", v)
        ]
        if siblings:
            return max(siblings, key=lambda v: tuple(int(x) for x in re.findall(r"\d+", v)[:3]))
        if name in WITH_CDKTF and not all(_same_major(m.version_of(n), VERSIONS[n]) for m in chain for n in WITH_CDKTF):
            return None
        return VERSIONS.get(name) or VERSIONS.get(fam)
