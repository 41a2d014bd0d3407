"""CDK103: an import, local or parameter the TypeScript code never reads."""

from __future__ import annotations

import re

from iacfix.model import Edit, Location
from iacfix.rule import Invalid, Rule, Valid
from iacfix.rulekit import testcode, tsconfig
from iacfix.rulekit.cdktf_view import Binding
from iacfix.rulekit.text import line_col

# An initializer kept as a statement must not start a token that joins it to the line above
# (no semicolon there) or reads as a block, function or class declaration.
_UNSAFE_STATEMENT_START = re.compile(r"[(\[`{+\-/<]|(?:function|class|let)\b")


class UnusedDeclaration(Rule):
    """Remove the imports and locals the code never reads; mark the parameters it ignores.

    What it does: in CDKTF TypeScript compiled with `noUnusedLocals` / `noUnusedParameters`
    (the `cdktf init` template sets both; the nearest tsconfig.json above a file decides when
    there is one), it finds what tsc would reject as "declared but its value is never read"
    (TS6133, TS6192) and repairs it:
    - an import never used: the name leaves the import, the statement goes when nothing is left;
    - `const x = new S3Bucket(this, ...)` never read: the construct stays, the binding goes
      (`new S3Bucket(this, ...)`), since building it is what defines the resource;
    - `const tags = { ... }` (a value with no effect of its own: literals, names, members,
      functions) never read: the statement goes;
    - a name of a destructuring never read: it leaves the pattern (`const { a, b } = props` →
      `const { a } = props`; in an array pattern a hole keeps the others' positions), unless a
      `...rest` would then hold it;
    - a parameter never read: it is renamed `_name`, which tsc allows.
    Removing one declaration may leave another unread (a type imported for the annotation of a
    removed binding): the rule follows that through in one run.

    A name counts as read when it appears anywhere in the scope of its declaration, except as a
    value where an inner scope declares the same name again (a type there still counts), so
    what the rule removes is never read; a declaration it cannot tell that of is left for tsc to
    report. Exported declarations, a script's globals and test files (compiled by the test
    runner, with its own settings) are never touched. The scopes come from the TypeScript parser
    (the worker's view: `bindings`, docs/cdktf-view.md).

    Why: the template's tsconfig turns unread declarations into compile errors: `cdktf synth`
    stops at them. Language models leave many (a resource kept in a variable "for later", an
    import of a class they ended up not using): 93 of the corpus's 135 TypeScript answers.

    Fix (safe): what the code does is unchanged; only names nothing reads go.
    """

    code = "CDK103"
    name = "unused-declaration"
    flavours = ("cdktf-ts",)
    severity = "error"  # tsc or synth fails
    # Last, with the layout: the other rules' fixes move imports and rename classes (leaving a
    # name unread) and scaffolds add code that reads a variable; this sees the code they leave.
    phase = "format"
    examples = [
        Invalid(
            "cdktf-ts",
            """\
import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Vpc, Subnet } from '@cdktf/provider-aws/lib/vpc';

export class TapStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: object) {
    super(scope, id);
    const tags = { Project: 'tap' };
    // Encrypted bucket for the logs
    const logs: S3Bucket = new S3Bucket(this, 'logs', {});
    new KmsKey(this, 'key', {});
  }
}
""",
            """\
import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';

export class TapStack extends TerraformStack {
  constructor(scope: Construct, id: string, _props: object) {
    super(scope, id);
    // Encrypted bucket for the logs
    new S3Bucket(this, 'logs', {});
    new KmsKey(this, 'key', {});
  }
}
""",
        ),
        # The annotation was the import's only use: it goes with the binding.
        Invalid(
            "cdktf-ts",
            """\
import { Construct } from 'constructs';
import { S3Bucket, S3BucketConfig } from '@cdktf/provider-aws/lib/s3-bucket';

export function logs(scope: Construct) {
  const config: S3BucketConfig = { bucket: 'logs' };
  const bucket = new S3Bucket(scope, 'logs', { bucket: 'logs' });
}
""",
            """\
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';

export function logs(scope: Construct) {
  new S3Bucket(scope, 'logs', { bucket: 'logs' });
}
""",
        ),
        Invalid(
            "cdktf-ts",
            """\
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';

export function logs(scope: Construct) {
  const bucket = new S3Bucket(scope, 'logs', { bucket: 'logs' });
}
""",
            """\
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';

export function logs(scope: Construct) {
  new S3Bucket(scope, 'logs', { bucket: 'logs' });
}
""",
            message="`bucket` is declared but never read, which the project's tsconfig (noUnusedLocals) makes a compile "
            "error: the binding goes, `new S3Bucket(...)` stays",
            line=5,
        ),
        # Names of a destructuring; an import every use of which is a local of the same name.
        Invalid(
            "cdktf-ts",
            """\
import { Construct } from 'constructs';
import { natGateway } from '@cdktf/provider-aws';

export class Network extends Construct {
  constructor(scope: Construct, id: string, props: { suffix: string; region: string }) {
    super(scope, id);
    const { suffix, region } = props;
    const [network, mask] = '10.0.0.0/16'.split('/');
    const natGateway = { name: `nat-${suffix}-${network}` };
    console.log(natGateway);
  }
}
""",
            """\
import { Construct } from 'constructs';

export class Network extends Construct {
  constructor(scope: Construct, id: string, props: { suffix: string; region: string }) {
    super(scope, id);
    const { suffix } = props;
    const [network] = '10.0.0.0/16'.split('/');
    const natGateway = { name: `nat-${suffix}-${network}` };
    console.log(natGateway);
  }
}
""",
        ),
        # Read, exported, or named for tsc to ignore: left alone.
        Valid(
            "cdktf-ts",
            """\
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';

export const region = 'us-east-1';

export function logs(scope: Construct, _id: string) {
  const bucket = new S3Bucket(scope, 'logs', {});
  if (region) {
    const bucket = 'shadow';
    console.log(bucket);
  }
  return bucket;
}
""",
        ),
        # A project whose tsconfig.json does not ask for the checks.
        Valid(
            "cdktf-ts",
            """\
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';

export function f(unused: string) {
  const x = 1;
}
""",
            files={"tsconfig.json": '{\n  // tsc options\n  "compilerOptions": {"strict": true,},\n}\n'},
        ),
    ]

    def check(self, ctx):
        for file in _app_files(ctx):
            locals_ = tsconfig.compiler_option(ctx.project.root, file.path, "noUnusedLocals")
            parameters = tsconfig.compiler_option(ctx.project.root, file.path, "noUnusedParameters")
            if not (locals_ or parameters):
                continue
            checked = [b for b in (file.typed_view.bindings or ()) if (parameters if b.kind == "parameter" else locals_)]
            grouped: dict[tuple[str, tuple[int, int]], list[Binding]] = {}  # imports by statement, names by pattern
            for binding in _unread(file, checked):
                if binding.kind == "import":
                    grouped.setdefault(("import", binding.statement), []).append(binding)
                elif binding.kind == "element":
                    grouped.setdefault(("element", binding.pattern), []).append(binding)
                else:
                    yield self._declaration(file, binding)
            for (kind, span), bindings in grouped.items():
                if kind == "import":
                    yield self._imports(file, span, {b.name for b in bindings})
                else:
                    yield self._pattern(file, bindings)

    def _declaration(self, file, binding: Binding):
        name, span = binding.name, binding.span
        at = Location(file.path, *line_col(file.text, span[0]))
        if binding.kind == "parameter":
            return self.finding(
                at,
                f"parameter `{name}` is never read, which the project's tsconfig (noUnusedParameters) makes a compile "
                f"error: `_{name}` tells tsc it is meant",
                [Edit(file.path, span[0], span[0], "_")],
            )
        reason = f"`{name}` is declared but never read, which the project's tsconfig (noUnusedLocals) makes a compile error"
        if _removes_statement(binding):
            return self.finding(at, f"{reason}: the declaration goes", file.remove_statement(binding.statement))
        start = binding.initializer[0]
        built = re.match(r"new\s+([\w$.]+)", file.text[start:])
        what = f"`new {built.group(1)}(...)`" if built else "its value"
        return self.finding(at, f"{reason}: the binding goes, {what} stays", [Edit(file.path, binding.statement[0], start, "")])

    def _pattern(self, file, bindings: list[Binding]):
        """`const { a, b } = props` with `b` never read: `const { a } = props`; `[x, y, z]` with
        `y` never read: `[x, , z]`; every name unread: the statement goes when its value does
        nothing, else it is left to tsc."""
        first = bindings[0]
        names = ", ".join(f"`{b.name}`" for b in bindings)
        at = Location(file.path, *line_col(file.text, first.span[0]))
        message = (
            f"{names} {'is' if len(bindings) == 1 else 'are'} declared but never read, which the project's tsconfig "
            "(noUnusedLocals) makes a compile error"
        )
        unread = {b.element_index for b in bindings}
        elements = first.pattern_elements
        kept = [i for i, span in enumerate(elements) if span is not None and i not in unread]
        if not kept:
            if _removes_statement(first):
                return self.finding(at, f"{message}: the declaration goes", file.remove_statement(first.statement))
            return self.finding(at, message)
        texts = [file.text[span[0] : span[1]] if span is not None and i not in unread else "" for i, span in enumerate(elements)]
        if first.array_pattern:  # positions matter: an unread name in the middle becomes a hole
            text = ", ".join(texts[: kept[-1] + 1])
        else:
            present = [i for i, span in enumerate(elements) if span is not None]
            separator = file.text[elements[present[0]][1] : elements[present[1]][0]] if len(present) > 1 else ", "
            text = separator.join(texts[i] for i in kept)
        start = next(span[0] for span in elements if span is not None)
        end = max(span[1] for span in elements if span is not None)
        return self.finding(at, message, [Edit(file.path, start, end, text)])

    def _imports(self, file, statement: tuple[int, int], unused: set[str]):
        imp = next(i for i in file.typed_view.imports if i.span == statement)
        names = sorted(unused, key=file.text.index)
        message = (
            f"{', '.join(f'`{n}`' for n in names)} {'is' if len(names) == 1 else 'are'} imported but never used, "
            "which the project's tsconfig (noUnusedLocals) makes a compile error"
        )
        at = Location(file.path, imp.line)
        specs = imp.names
        kept = [s for s in specs if s.local not in unused]
        others = [n for n in (imp.default, imp.namespace) if n]
        if not kept and all(n in unused for n in others):
            return self.finding(at, message, file.remove_statement(statement))
        if others:  # `import A, { b } from ...` with some of it used: rare, left to tsc
            return self.finding(at, message)
        separator = file.text[specs[0].span[1] : specs[1].span[0]]  # two names at least: one is kept
        text = separator.join(file.text[s.span[0] : s.span[1]] for s in kept)
        return self.finding(at, message, [Edit(file.path, specs[0].span[0], specs[-1].span[1], text)])


def _app_files(ctx):
    """The TypeScript the app is compiled from: not its tests, which the test runner compiles
    with settings of its own (the corpus's final sources, which pass their pipeline, keep many
    unused imports in their tests)."""
    tests = {f.path for f in testcode.test_files(ctx)}
    return [f for f in ctx.files("typescript") if f.path not in tests]


def _unread(file, bindings: list[Binding]) -> list[Binding]:
    """The bindings nothing reads, once the fixes of the others are made: a binding whose every
    reference lies in code those fixes delete (a type annotation, a pure initializer) goes too,
    until nothing changes. A destructuring whose every name is unread but whose value does
    something stays whole (reported, not fixed), so nothing in it counts as deleted."""
    candidates = [b for b in bindings if _fixable(file, b)]
    reported: list[Binding] = []  # the names of the destructurings kept whole: `_pattern` reports them
    while True:
        chosen = _fixpoint(candidates)
        kept_whole = {
            pattern: names for pattern, names in _by_pattern(chosen).items()
            if len(names) == _named(names[0]) and not _removes_statement(names[0])
        }
        if not kept_whole:
            return sorted(chosen + reported, key=lambda b: b.span[0])
        reported += [b for names in kept_whole.values() for b in names]
        candidates = [b for b in candidates if b.pattern is None or b.pattern not in kept_whole]


def _fixpoint(candidates: list[Binding]) -> list[Binding]:
    gone: list[tuple[int, int]] = []  # spans the chosen fixes delete: references there no longer count
    chosen: list[Binding] = []
    changed = True
    while changed:
        changed = False
        for b in candidates:
            if b in chosen or not all(any(s <= r[0] and r[1] <= e for s, e in gone) for r in b.refs):
                continue
            chosen.append(b)
            changed = True
            if b.kind == "variable":
                gone.append(b.statement if _removes_statement(b) else (b.statement[0], b.initializer[0]))
            elif b.kind == "element":
                gone.append(b.pattern_elements[b.element_index])
                names = _by_pattern(chosen)[b.pattern]
                if len(names) == _named(b) and _removes_statement(b):
                    gone.append(b.statement)  # every name goes: the statement does
    return sorted(chosen, key=lambda b: b.span[0])


def _by_pattern(bindings: list[Binding]) -> dict[tuple[int, int], list[Binding]]:
    out: dict[tuple[int, int], list[Binding]] = {}
    for b in bindings:
        if b.kind == "element":
            out.setdefault(b.pattern, []).append(b)
    return out


def _named(element: Binding) -> int:
    """How many names the element's pattern declares (holes left out)."""
    return sum(1 for span in element.pattern_elements if span is not None)


def _removes_statement(binding: Binding) -> bool:
    """A declaration with no value, or one whose value does nothing, goes whole."""
    return binding.initializer is None or binding.pure_initializer


def _fixable(file, binding: Binding) -> bool:
    if binding.kind == "parameter":
        # `_name` is tsc's own convention for a parameter meant to be unused; one already taken stays
        return not binding.name.startswith("_") and f"_{binding.name}" not in file.typed_view.identifier_counts
    if binding.kind == "variable" and not _removes_statement(binding):
        return not _UNSAFE_STATEMENT_START.match(file.text, binding.initializer[0])
    if binding.kind == "element" and binding.rest:
        # `{ a, ...rest }`: without `a`, `rest` would hold it; only the rest itself may go
        return file.text.startswith("...", binding.pattern_elements[binding.element_index][0])
    return True
