"""CDK102: the app entry passes the stack arguments its constructor does not accept."""

from __future__ import annotations

import ast
import re

from iacfix.model import Edit, Location
from iacfix.rule import Example, Rule
from iacfix.rulekit.text import indentation_at, line_end, line_number, line_start

PRIMITIVES = ("string", "number", "boolean")


class StackConstructorMissingKwargs(Rule):
    """The stack's constructor accepts every argument the app entry passes it.

    What it does: finds the top stack built by the app entry (`tap.py` / `main.py` /
    `bin/tap.ts`: a `TerraformStack` subclass of the project constructed outside any class)
    with keyword arguments (Python) or props (TypeScript) its constructor does not declare.
    Python: the missing names are added to `__init__` as keyword parameters defaulting to
    `None` (or `**kwargs` is added when the body already reads `kwargs`). TypeScript: the
    missing props are added to the props interface as optional members, typed as the value
    passed (its static type when that is a plain one, else `unknown`).

    Why: the entry point is the pipeline's template and passes `state_bucket`, `aws_region`,
    `default_tags` ...; a stack written without them fails before synth (Python: "__init__()
    got an unexpected keyword argument"; TypeScript: "Object literal may only specify known
    properties").

    Only reported: a stack class without its own constructor, a TypeScript constructor
    without a props parameter, or props typed by something other than an interface of the
    project — where to declare the arguments is a choice for a human.

    Fix (safe): the new parameters are accepted and unused, so the stack builds what it built
    before; wire them in (region, backend, default tags) where the stack should honour them.
    """

    code = "CDK102"
    name = "stack-constructor-missing-kwargs"
    flavours = ("cdktf-py", "cdktf-ts")
    severity = "error"
    seeds = ("001#2",)
    examples = [
        Example(
            "cdktf-py",
            files={
                "tap.py": """\
from cdktf import App
from lib.main import TapStack

app = App()
TapStack(app, "tap", environment_suffix="dev", aws_region="us-east-1", default_tags={"tags": {}})
app.synth()
""",
            },
            before="""\
from cdktf import TerraformStack


class TapStack(TerraformStack):
    def __init__(self, scope, id, environment_suffix: str):
        super().__init__(scope, id)
        self.environment_suffix = environment_suffix
""",
            after="""\
from cdktf import TerraformStack


class TapStack(TerraformStack):
    def __init__(self, scope, id, environment_suffix: str, aws_region=None, default_tags=None):
        super().__init__(scope, id)
        self.environment_suffix = environment_suffix
""",
        ),
        Example(
            "cdktf-py",
            files={
                "tap.py": """\
from cdktf import App
from lib.main import TapStack

app = App()
TapStack(app, "tap", environment_suffix="dev", aws_region="us-east-1")
""",
            },
            before="""\
from cdktf import TerraformStack


class TapStack(TerraformStack):
    def __init__(
        self,
        scope,
        id,
    ):
        super().__init__(scope, id)
        self.region = kwargs.get("aws_region", "us-east-1")
""",
            after="""\
from cdktf import TerraformStack


class TapStack(TerraformStack):
    def __init__(
        self,
        scope,
        id,
        **kwargs,
    ):
        super().__init__(scope, id)
        self.region = kwargs.get("aws_region", "us-east-1")
""",
        ),
        Example(
            "cdktf-ts",
            files={
                "bin/tap.ts": """\
import { App } from 'cdktf';
import { TapStack } from '../lib/main';

const app = new App();
const awsRegion = process.env.AWS_REGION || 'us-east-1';
new TapStack(app, 'tap', { environmentSuffix: 'dev', awsRegion: awsRegion, retries: 3 });
""",
            },
            before="""\
import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';

export interface TapStackProps {
  environmentSuffix?: string;
}

export class TapStack extends TerraformStack {
  constructor(scope: Construct, id: string, props?: TapStackProps) {
    super(scope, id);
  }
}
""",
            after="""\
import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';

export interface TapStackProps {
  environmentSuffix?: string;
  awsRegion?: string;
  retries?: number;
}

export class TapStack extends TerraformStack {
  constructor(scope: Construct, id: string, props?: TapStackProps) {
    super(scope, id);
  }
}
""",
        ),
        Example(  # the stack takes **kwargs: it accepts anything
            "cdktf-py",
            files={"tap.py": 'from lib.main import TapStack\nTapStack(app, "tap", aws_region="x")\n'},
            before="""\
from cdktf import TerraformStack


class TapStack(TerraformStack):
    def __init__(self, scope, id, **kwargs):
        super().__init__(scope, id)
""",
        ),
        Example(  # every prop is declared; a nested construct is not the app entry's business
            "cdktf-ts",
            files={"bin/tap.ts": "new TapStack(app, 'tap', { environmentSuffix: 'dev' });\n"},
            before="""\
import { TerraformStack } from 'cdktf';

interface TapStackProps {
  readonly environmentSuffix: string;
}

export class TapStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: TapStackProps) {
    super(scope, id);
    new Network(this, 'net', { cidr: '10.0.0.0/16' });
  }
}
""",
        ),
    ]

    def check(self, ctx):
        files = ctx.files("typescript", "python")
        stacks: dict[str, list] = {}  # class name → [(file, class)]
        for file in files:
            local = {name for name, ref in file.imported.items() if ref == ("cdktf", "TerraformStack")}
            for cls in file.view["classes"]:
                if any(b["name"] in local or b["name"] == "cdktf.TerraformStack" for b in cls["bases"]):
                    stacks.setdefault(cls["name"], []).append((file, cls))
        entries = _entry_files(ctx, files)
        for file in entries:
            for cons in file.view["constructions"]:
                name = cons["callee"].split(".")[-1]
                config = cons.get("config")
                if cons["enclosing_class"] is not None or config is None or len(stacks.get(name, ())) != 1:
                    continue
                if config["kind"] != "object" or "..." in config["text"] or "**" in config["text"]:
                    continue  # spread / **splat: what is passed is not known
                stack_file, cls = stacks[name][0]
                passed = file.config_value(cons).props
                if stack_file.language == "python":
                    yield from self._python(stack_file, cls, passed)
                else:
                    yield from self._typescript(ctx, file, stack_file, cls, passed)

    # -- Python ------------------------------------------------------------------------------------
    def _python(self, file, cls, passed):
        text = file.text
        at = Location(file.path, cls["line"], cls["col"])
        init, base = _python_init(text, cls)
        names = [p.key for p in passed]
        if init is None:
            yield self.finding(at, f"`{cls['name']}` has no __init__ but the app passes {_names(names)}; add one taking them")
            return
        args = init.args
        params = args.posonlyargs + args.args + args.kwonlyargs
        if args.kwarg is not None:
            return
        declared = {a.arg for a in params}
        missing = [n for n in names if n not in declared]
        if not missing:
            return
        offsets = _offsets(text, base)
        nodes = params + ([args.vararg] if args.vararg else []) + args.defaults + [d for d in args.kw_defaults if d]
        first = min(offsets(n.lineno, n.col_offset) for n in nodes)
        last = max(offsets(n.end_lineno, n.end_col_offset) for n in nodes)
        if re.search(r"\bkwargs\b", text[cls["span"][0] : cls["span"][1]]):
            entries = ["**kwargs"]  # the body already reads kwargs: give it the parameter
        else:
            entries = [f"{n}=None" for n in missing]
        edits = _append_params(file, first, last, entries)
        added = ", ".join(entries)
        yield self.finding(
            at,
            f"the app passes {_names(missing)} to `{cls['name']}`, whose __init__ does not take them, so the app "
            f"fails before synth; added {added} (unused until the stack wires them in)",
            edits,
        )

    # -- TypeScript --------------------------------------------------------------------------------
    def _typescript(self, ctx, entry, file, cls, passed):
        text = file.text
        at = Location(file.path, cls["line"], cls["col"])
        names = [p.key for p in passed]
        ctor = re.compile(r"\bconstructor\s*\(").search(text, cls["span"][0], cls["span"][1])
        if ctor is None:
            yield self.finding(at, f"`{cls['name']}` has no constructor but the app passes {_names(names)}; add a props parameter")
            return
        params = _split_top(text[ctor.end() : _close(text, ctor.end() - 1)])
        if len(params) < 3:
            yield self.finding(
                at,
                f"the app passes props ({_names(names)}) to `{cls['name']}`, whose constructor takes no props parameter; "
                "add one with an interface declaring them",
            )
            return
        m = re.fullmatch(r"\s*(?:readonly\s+)?\w+\s*\??\s*:\s*(\w+)\s*(?:=.*)?", params[2], re.S)
        interfaces = {}
        for f in ctx.files("typescript"):
            for im in re.finditer(r"\binterface\s+(\w+)\s*(extends\s+[^{]+)?\{", f.text):
                interfaces.setdefault(im.group(1), []).append((f, im))
        found = interfaces.get(m.group(1), []) if m else []
        if len(found) != 1 or found[0][1].group(2):
            return  # an inline type, a library type or an interface extending another: not known here
        ifile, im = found[0]
        close = _close(ifile.text, im.end() - 1)
        members = ifile.text[im.end() : close]
        declared = set(re.findall(r"(?m)^\s*(?:readonly\s+)?(\w+)\s*\??\s*[:(]", members))
        missing = [p for p in passed if p.key not in declared]
        if not missing:
            return
        last = members.rstrip()
        indent = indentation_at(ifile.text, im.end() + len(last)) if last.strip() else "  "
        if "\n" not in members:
            indent = "  "
        lines = "".join(f"\n{indent}{p.key}?: {_ts_type(entry, p.value)};" for p in missing)
        if not last.strip():
            edit = Edit(ifile.path, im.end(), close, lines + "\n")
        else:
            pos = im.end() + len(last)
            sep = "" if last.endswith((";", ",")) else ";"
            edit = Edit(ifile.path, pos, pos, sep + lines)
        yield self.finding(
            Location(ifile.path, line_number(ifile.text, im.start())),
            f"the app passes {_names([p.key for p in missing])} to `{cls['name']}`, which `{im.group(1)}` does not "
            "declare, so the app does not compile; added them as optional props (unused until the stack reads them)",
            [edit],
        )


def _names(names):
    return ", ".join(f"`{n}`" for n in names)


def _python_init(text, cls):
    """The `__init__` of the class, as an ast.FunctionDef of its signature alone, and the
    offset it starts at. Only the signature is parsed, so code the local Python cannot parse
    (a newer f-string) elsewhere in the file does not matter."""
    start, end = cls["span"]
    body = re.compile(r"^([ \t]+)def\s+__init__\s*\(", re.M)
    m = body.search(text, start, end)
    if m is None:
        return None, None
    close = _close(text, m.end() - 1)
    header = text[m.start(1) + len(m.group(1)) : close + 1]
    try:
        tree = ast.parse(header + ": pass")
    except SyntaxError:
        return None, None
    return tree.body[0], m.start(1) + len(m.group(1))


def _entry_files(ctx, files):
    """The app entry: the file cdktf.json's `app` command runs, else tap.py / main.py / bin/*.ts."""
    root = ctx.project.root
    config = root / "cdktf.json"
    text = ctx.workspace.text.get(config)
    if text is None and config.is_file():
        text = config.read_text(encoding="utf-8", errors="replace")
    match = re.search(r'"app"\s*:\s*"([^"]*)"', text or "")
    named = re.findall(r"[\w./-]+\.(?:py|ts|js)\b", match.group(1)) if match else []
    # `node dist/bin/tap.js` runs the compiled bin/tap.ts
    named = {re.sub(r"^(?:\./)?(?:dist/)?(.*?)\.js$", r"\1.ts", n).removeprefix("./") for n in named}

    def rel(file):
        try:
            return file.path.relative_to(root).as_posix()
        except ValueError:
            return file.path.name

    if named:
        return [f for f in files if rel(f) in named]
    return [
        f
        for f in files
        if re.fullmatch(r"(?:bin/[\w.-]+\.ts|(?:bin/)?(?:tap|main|app)\.(?:py|ts))", rel(f))
    ]


def _offsets(text, base):
    """(1-based line, UTF-8 byte column) of a snippet starting at `base` → offset in text."""
    starts = [base] + [i + 1 for i, ch in enumerate(text) if ch == "\n" and i >= base]

    def offset(line, col):
        start = starts[line - 1]
        return start + len(text[start:].encode("utf-8")[:col].decode("utf-8", "ignore"))

    return offset


def _append_params(file, first, last, entries):
    """Add parameters after the last one, in the signature's layout: on the same line, or one
    per line with the trailing comma the list already has (or not)."""
    text = file.text
    multiline = "\n" in text[text.rfind("(", 0, first) : first]
    if not multiline:
        added = "".join(f", {e}" for e in entries)
        if len(text[line_start(text, last) : line_end(text, last)]) + len(added) <= 100:
            return [Edit(file.path, last, last, added)]
        # too long for one line: continuation lines aligned with the opening parenthesis
        pad = " " * (text.rfind("(", 0, first) + 1 - line_start(text, first))
        return [Edit(file.path, last, last, "".join(f",\n{pad}{e}" for e in entries))]
    indent = indentation_at(text, last)
    rest = text[last:]
    if rest.lstrip(" \t").startswith(","):
        end = line_end(text, last)
        return [Edit(file.path, end, end, "".join(f"\n{indent}{e}," for e in entries))]
    return [Edit(file.path, last, last, "".join(f",\n{indent}{e}" for e in entries))]


def _close(text, open_at):
    """Offset of the bracket closing the one at open_at (strings and comments skipped)."""
    pairs = {"(": ")", "{": "}", "[": "]"}
    depth, i = 0, open_at
    while i < len(text):
        ch = text[i]
        if ch in "'\"`":
            j = i + 1
            while j < len(text) and text[j] != ch:
                j += 2 if text[j] == "\\" else 1
            i = j
        elif text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else len(text)
        elif text.startswith("/*", i):
            i = text.find("*/", i) + 1 or len(text)
        elif ch in pairs:
            depth += 1
        elif ch in pairs.values():
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text)


def _split_top(params):
    out, depth, cur = [], 0, ""
    for ch in params:
        if ch in "({[<":
            depth += 1
        elif ch in ")}]>":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    return out


def _ts_type(file, value):
    kind = {"string": "string", "template": "string", "number": "number", "bool": "boolean"}.get(value.kind)
    if kind:
        return kind
    found = file.value_type(value)
    if found in PRIMITIVES:
        return found
    if found == "any" and _from_env(file.text, value.text):
        return "string"  # process.env is `any` where @types/node is not installed
    if found and not re.search(r"\bany\b|import\(", found) and len(found) <= 80 and found not in ("undefined", "null"):
        return re.sub(r"\s+", " ", found)
    return "unknown"


def _from_env(text, expr):
    """`process.env.X`, `process.env.X || 'default'`, or a const initialised so."""
    env = r"process\.env\.\w+(?:\s*(?:\|\||\?\?)\s*(?:'[^']*'|\"[^\"]*\"|`[^`]*`))?"
    if re.fullmatch(env, expr.strip()):
        return True
    return re.fullmatch(r"\w+", expr) is not None and re.search(rf"\bconst\s+{expr}\s*=\s*{env}\s*;", text) is not None
