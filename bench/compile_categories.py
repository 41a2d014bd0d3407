"""What tsc and a Python synth still say about the CDKTF answers, in categories biggest first.

Used by provider_api_tsc.py. A TypeScript error is (file, line, code, message); its category is
its code and the shape of its message (`TS2353 unknown property in a nested struct literal`); a
Python failure (one per app: synth stops at the first) is its exception and message shape.

*Blocking* TypeScript errors are those that stop `cdktf synth` of the project and that the answer
is to blame for: every tsc error outside test files, except a missing module that is no part of a
CDKTF app's toolchain (`@aws-sdk/client-s3`, `aws-lambda`, `jest`: the benchmark installs cdktf,
constructs, @cdktf/provider-aws, typescript and @types/node only). A tree *compiles* when it has no
blocking error. The final sources are measured the same way, as a yardstick.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

TOOLCHAIN_MODULES = re.compile(r"^(cdktf|constructs|@cdktf/provider-aws)(/|$)|^(fs|path|os|crypto|child_process|util|url|process|node:.*)$")
TEST_FILE = re.compile(r"(^|/)(test|tests|__tests__)/|\.(test|spec)\.ts$")
UNUSED = {"TS6133", "TS6138", "TS6192", "TS6196", "TS6198", "TS6205"}


# -- the provider's own names: which submodule exports which class or struct ---------------------------
class ProviderNames:
    """Every name @cdktf/provider-aws exports, by submodule (`s3-bucket-versioning`), with its kind:
    resource, data (source), provider, struct (an interface), reference (a class that reads a
    struct back). Read from the installed package's declarations once, then from a JSON cache."""

    def __init__(self, package: Path, cache: Path):
        if cache.exists():
            self.modules = json.loads(cache.read_text())
        else:
            self.modules = {}
            for index in sorted((package / "lib").glob("*/index.d.ts")):
                text = index.read_text(encoding="utf-8", errors="replace")
                names = {m[1]: _kind(m[2] or "") for m in re.finditer(r"^export declare class (\w+)(?: extends ([\w.]+))?", text, re.M)}
                names.update({m[1]: "struct" for m in re.finditer(r"^export interface (\w+)", text, re.M)})
                self.modules[index.parent.name] = names
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps(self.modules))
        self.where = defaultdict(list)
        for module, names in self.modules.items():
            for name in names:
                self.where[name].append(module)

    def missing(self, name: str, module: str | None) -> str:
        """Why `name` is not an export of `module` (kebab-case, or None for the package root)."""
        module = module.replace("_", "-") if module else None
        own = self.modules.get(module or "", {})
        if module is None:
            return "a class imported from the package root (it exports only submodule namespaces)"
        if module not in self.modules:
            return "from a provider submodule that does not exist"
        if name + "A" in own:
            return "the provider names it with an A suffix (`S3BucketVersioningA`)"
        if self.where.get(name):
            return "the name exists, in another submodule (wrong import path)"
        main = [n for n, k in own.items() if k in ("resource", "data", "provider")]
        if any(name.startswith(m) for m in main):
            return "a struct/nested-block type name the provider does not have"
        return "a name the provider does not have anywhere"


def _kind(base: str) -> str:
    return {"cdktf.TerraformResource": "resource", "cdktf.TerraformDataSource": "data", "cdktf.TerraformProvider": "provider"}.get(base, "reference" if base else "class")


NAMES: ProviderNames | None = None  # set by provider_api_tsc when the provider package is installed


def is_test(file: str) -> bool:
    return bool(TEST_FILE.search(file))


def missing_module(message: str) -> str | None:
    m = re.match(r"Cannot find module '([^']+)'|Could not find a declaration file for module '([^']+)'", message)
    return (m[1] or m[2]) if m else None


def blocking(error: tuple) -> bool:
    file, _line, code, message = error
    if is_test(file):
        return False
    module = missing_module(message) if code in ("TS2307", "TS7016") else None
    return not (module and not module.startswith(".") and not TOOLCHAIN_MODULES.search(module))


# -- TypeScript categories ----------------------------------------------------------------------------
def _shape(type_text: str) -> str:
    """A type in a message, reduced to what it says about the mistake."""
    t = type_text.strip()
    if t in ("string", "number", "boolean", "undefined", "null", "any", "unknown", "never"):
        return t
    if t.startswith('"') or t.startswith("`"):
        return "a string literal"
    if re.fullmatch(r"-?\d+(\.\d+)?", t):
        return "a number literal"
    if t.endswith("[]") or t.startswith("Array<") or t.startswith("("):
        return "an array"
    if t.startswith("{"):
        return "an object literal"
    if "IResolvable" in t:
        return "a struct or IResolvable"
    if t.startswith("typeof import("):
        return "a module namespace"
    if t.startswith("typeof "):
        return "a class"
    if t == "TerraformProvider" or t.endswith("Provider"):
        return "a provider"
    return "a provider type" if re.fullmatch(r"[A-Z]\w*", t) else "a type"


_TS_RULES: list[tuple[str, str, object]] = [
    # (code, message pattern, category or function of the match)
    ("TS2353", r"'([^']+)' does not exist in type '([^']+)'", lambda m: "unknown property in a construct's config literal" if m[2].endswith("Config") else "unknown property in a nested struct literal"),
    ("TS2561", r"but '([^']+)' does not exist in type '([^']+)'. Did you mean", lambda m: "unknown property, a near name exists (did you mean)" + (" in a construct's config" if m[2].endswith("Config") else " in a nested struct")),
    ("TS2339", r"Property 'get' does not exist on type '(string\[\]|number\[\]|.*\[\])'", "`.get(i)` on a token list (needs Fn.element or a list attribute)"),
    ("TS2339", r"Property '([^']+)' does not exist on type 'typeof import\(", "namespace-style access to a provider submodule or class that does not exist (`aws.x.Y`)"),
    ("TS2339", r"Property '([^']+)' does not exist on type 'typeof ([A-Z]\w*)'", "static member a provider class does not have"),
    ("TS2339", r"Property '([^']+)' does not exist on type '([A-Z]\w*)'", lambda m: "attribute or method a provider class does not have" if not m[2].endswith(("Config", "Props", "Args", "Options")) else "property a config/struct type does not have"),
    ("TS2339", r"Property '([^']+)' does not exist on type '(string|number|boolean)'", "property of a primitive (token treated as an object)"),
    ("TS2551", r"Property '([^']+)' does not exist on type '([^']+)'. Did you mean", "attribute a provider class does not have, a near name exists (did you mean)"),
    ("TS2305", r"""^Module '"@cdktf/provider-aws(?:/lib/([\w-]+))?"' has no exported member '([^']+)'""", lambda m: "missing export: " + _missing(m[2], m[1])),
    ("TS2724", r"""^'"@cdktf/provider-aws(?:/lib/([\w-]+))?"' has no exported member named '([^']+)'""", lambda m: "missing export: " + _missing(m[2], m[1])),
    ("TS2305", r"has no exported member '([^']+)'", "missing export (another package)"),
    ("TS2724", r"has no exported member named '([^']+)'", "missing export (another package), a near name exists"),
    ("TS2307", r"Cannot find module '(\.[^']*)'", "import of a file the answer does not have"),
    ("TS2307", r"Cannot find module '@cdktf/provider-aws/lib/([^']+)'", "import of a provider submodule that does not exist"),
    ("TS2307", r"Cannot find module '([^']+)'", "import of a package outside the CDKTF toolchain"),
    ("TS2322", r"Type 'string' is not assignable to type 'TerraformProvider'", "provider passed as a string"),
    ("TS2322", r"Type '([^']+)' is not assignable to type '([^']+)'", lambda m: f"{_shape(m[1])} where {_shape(m[2])} is expected (assignment)"),
    ("TS2345", r"Argument of type '([^']+)' is not assignable to parameter of type '([^']+)'", lambda m: f"{_shape(m[1])} where {_shape(m[2])} is expected (argument)"),
    ("TS2741", r"Property '([^']+)' is missing in type", "required property missing in a literal"),
    ("TS2739", r"is missing the following properties", "required properties missing in a literal"),
    ("TS2740", r"is missing the following properties", "required properties missing in a literal"),
    ("TS2554", r"Expected (\d+(?:-\d+)?) arguments, but got (\d+)", "wrong number of arguments"),
    ("TS2304", r"Cannot find name '([^']+)'", "name never declared or imported"),
    ("TS2552", r"Cannot find name '([^']+)'. Did you mean", "name never declared or imported (did you mean)"),
    ("TS2769", r"No overload matches this call", "no overload matches (usually a wrong value shape)"),
    ("TS2564", r"has no initializer and is not definitely assigned", "class property never assigned (strictPropertyInitialization)"),
    ("TS7006", r"implicitly has an 'any' type", "parameter implicitly any (noImplicitAny)"),
    ("TS7053", r"implicitly has an 'any' type", "index expression implicitly any"),
    ("TS2532", r"possibly 'undefined'", "value possibly undefined"),
    ("TS18048", r"possibly 'undefined'", "value possibly undefined"),
    ("TS2349", r"This expression is not callable", "call of something that is not a function"),
    ("TS2351", r"This expression is not constructable", "`new` on something that is not a class"),
    ("TS2693", r"only refers to a type, but is being used as a value", "a type used as a value"),
    ("TS2416", r"Property '([^']+)' in type", "class member incompatible with its base"),
]


def _missing(name: str, module: str | None) -> str:
    return NAMES.missing(name, module) if NAMES else "a name the provider module does not export"


def ts_category(code: str, message: str) -> str:
    if code in UNUSED:
        return f"{code} unused declaration (noUnusedLocals/Parameters)"
    for rule_code, pattern, category in _TS_RULES:
        if rule_code == code:
            m = re.search(pattern, message)
            if m:
                return f"{code} " + (category(m) if callable(category) else category)
    return f"{code} " + re.sub(r"'[^']*'", "'…'", message)[:100]


def ts_sections(results: list[dict], finals: dict[str, list] | None) -> list[str]:
    """Blocking errors and compiling trees before → after (and on the final sources), then the
    categories of what remains, biggest first, each with examples."""
    def count(errors):  # (all, blocking)
        return len(errors), sum(1 for e in errors if blocking(e))

    lines = ["### Blocking errors and trees that compile", ""]
    rows = [("MODEL as written", [r["before"] for r in results]), ("MODEL after iacfix", [r["after"] for r in results])]
    if finals is not None:
        rows.append(("final sources", list(finals.values())))
    lines += ["| | trees | tsc errors | blocking | trees with no blocking error (compile) | with no error at all |", "|---|---:|---:|---:|---:|---:|"]
    for label, trees in rows:
        total = sum(count(t)[0] for t in trees)
        block = sum(count(t)[1] for t in trees)
        lines.append(f"| {label} | {len(trees)} | {total} | **{block}** | **{sum(1 for t in trees if not count(t)[1])}** | {sum(1 for t in trees if not t)} |")
    if finals is not None:
        final_cats = Counter(ts_category(e[2], e[3]) for t in finals.values() for e in t if blocking(e))
        lines += ["", f"Blocking errors the final sources get ({sum(final_cats.values())}; a yardstick of what the measurement itself costs): "
                  + ", ".join(f"{c} × {n}" for c, n in final_cats.most_common(8))]
    lines += ["", "### What tsc still says after iacfix: blocking errors by category, biggest first", ""]
    after = [(r["task"], e) for r in results for e in r["after"] if blocking(e)]
    pairs = Counter(p for _, e in after if (p := _pair(e[3])))
    if pairs:
        lines += ["Most frequent (type, property) pairs of the unknown-property and missing-attribute errors after iacfix:", ""]
        lines += [f"- {n} × `{t}`.`{prop}`" for (t, prop), n in pairs.most_common(15)] + [""]
    lines += _category_table(
        {r["task"]: [e for e in r["before"] if blocking(e)] for r in results},
        {r["task"]: [e for e in r["after"] if blocking(e)] for r in results},
        lambda e: ts_category(e[2], e[3]),
        lambda task, e: f"{task} `{e[0]}:{e[1]}` {e[3][:150]}",
    )
    return lines


def _pair(message: str) -> tuple[str, str] | None:
    m = re.search(r"'([^']+)' does not exist in type '([^']+)'|Property '([^']+)' does not exist on type '([^']+)'|(\w+)\.__init__\(\) got an unexpected keyword argument '(\w+)'|'(\w+)' object has no attribute '(\w+)'", message)
    if not m:
        return None
    return (m[2], m[1]) if m[1] else (m[4], m[3]) if m[3] else (m[5], m[6]) if m[5] else (m[7], m[8])


def _category_table(before: dict, after: dict, category, example, top: int = 25, per: int = 3) -> list[str]:
    counts_b, counts_a = Counter(), Counter()
    trees_b, trees_a = defaultdict(set), defaultdict(set)
    examples = defaultdict(list)
    for task, errors in before.items():
        for e in errors:
            counts_b[category(e)] += 1
            trees_b[category(e)].add(task)
    for task, errors in after.items():
        for e in errors:
            c = category(e)
            counts_a[c] += 1
            if task not in trees_a[c] and len(examples[c]) < per:
                examples[c].append(example(task, e))
            trees_a[c].add(task)
    lines = ["| category | before: errors (trees) | after: errors (trees) |", "|---|---:|---:|"]
    ranked = sorted(set(counts_b) | set(counts_a), key=lambda c: (-counts_a[c], -counts_b[c], c))
    for c in ranked:
        lines.append(f"| {c} | {counts_b[c]} ({len(trees_b[c])}) | {counts_a[c]} ({len(trees_a[c])}) |")
    lines += ["", "Examples (after iacfix), the top categories:", ""]
    for c in [c for c in ranked if counts_a[c]][:top]:
        lines.append(f"- **{c}** — {counts_a[c]} errors in {len(trees_a[c])} trees")
        lines += [f"  - {x}" for x in examples[c]]
    return lines


# -- Python categories --------------------------------------------------------------------------------
_PY_RULES: list[tuple[str, object]] = [
    (r"^TypeError: (\w+)\.__init__\(\) got an unexpected keyword argument", "unknown keyword argument to a provider class or struct"),
    (r"^TypeError: .*got an unexpected keyword argument", "unknown keyword argument"),
    (r"^TypeError: .*missing \d+ required (keyword-only|positional) argument", "required argument missing"),
    (r"^TypeError: type of argument (\w+) must be (.*); got (\w+)", lambda m: f"typeguard: a {m[3]} where {('a list' if 'List' in m[2] or 'Sequence' in m[2] else 'a struct' if 'Mapping' in m[2] or 'IResolvable' in m[2] else 'another type')} is expected"),
    (r"^TypeError: type of argument", "typeguard: a value of the wrong type"),
    (r"^TypeError: '(\w+)' object is not subscriptable", "a token indexed like a Python list or dict"),
    (r"^TypeError: '(\w+)' object is not iterable", "a token iterated like a Python list"),
    (r"^ImportError: cannot import name '(\w+)' from 'cdktf_cdktf_provider_aws(?:\.(\w+))?'", lambda m: "import of a name the provider module lacks: " + _missing(m[1], m[2])),
    (r"^ImportError: cannot import name '(\w+)' from 'cdktf'", "import of a name cdktf lacks"),
    (r"^ImportError: cannot import name", "import of a name a module lacks"),
    (r"^ModuleNotFoundError: No module named 'cdktf_cdktf_provider_aws\.", "import of a provider submodule that does not exist"),
    (r"^ModuleNotFoundError: No module named '(imports|cdktf_cdktf_provider_(?!aws)\w+|aws_cdk|constructs_\w+)", "import of a package outside the toolchain (another provider, `cdktf get` output, AWS CDK)"),
    (r"^ModuleNotFoundError: No module named '(lib|stacks?|constructs?|modules?|src)\b", "import of a module the answer does not have"),
    (r"^ModuleNotFoundError", "import of a module that is not there"),
    (r"^AttributeError: '(\w+)' object has no attribute '(\w+_get|get_\w+)'", "attribute getter the class does not have (`identity_get`)"),
    (r"^AttributeError: '(\w+)' object has no attribute '(\w+)'", "attribute a provider object does not have"),
    (r"^AttributeError: module 'cdktf_cdktf_provider_aws' has no attribute", "namespace-style access to a provider submodule that does not exist"),
    (r"^AttributeError: (type object|module) '(\w+)' has no attribute", "class or module member that does not exist"),
    (r"^RuntimeError: .*Unable to deserialize value as (.*?)(?: \||$)", "jsii rejects a value (wrong shape for a struct/list)"),
    (r"^RuntimeError: .*(relative path|ENOENT)", "an asset path the runner does not find (measurement artefact)"),
    (r"^RuntimeError: .*Validation failed", "cdktf validation failed (synth-time check)"),
    (r"^RuntimeError", "RuntimeError from the jsii kernel"),
    (r"^NameError: name '(\w+)' is not defined", "name never defined or imported"),
    (r"^IndexError", "a token list indexed in Python (needs Fn.element)"),
    (r"^KeyError", "KeyError"),
    (r"^SyntaxError|^IndentationError", "does not parse"),
    (r"^runner died|timeout", "runner died or timed out"),
]


def py_category(reason: str) -> str:
    for pattern, category in _PY_RULES:
        m = re.search(pattern, reason)
        if m:
            return category(m) if callable(category) else category
    return reason.partition(":")[0] or "unknown"


def py_sections(results: list[dict], finals: dict | None) -> list[str]:
    lines = ["### Apps that synthesize", "", "| | apps | synth passes | fails | no runnable app |", "|---|---:|---:|---:|---:|"]
    rows = [("MODEL as written", [r["before"] for r in results]), ("MODEL after iacfix", [r["after"] for r in results])]
    if finals is not None:
        rows.append(("final sources", list(finals.values())))
    for label, verdicts in rows:
        c = Counter(v[0] for v in verdicts)
        lines.append(f"| {label} | {len(verdicts)} | **{c['pass']}** | {c['fail']} | {c['no-app']} |")
    if finals:
        failing = {t: v for t, v in finals.items() if v[0] == "fail"}
        if failing:
            lines += ["", f"Final sources that fail here ({len(failing)}; what the measurement itself costs): "
                      + "; ".join(f"{t}: {v[1][:100]}" for t, v in sorted(failing.items())[:8])]
    lines += ["", "### What synth still says after iacfix: failures by category, biggest first", ""]
    pairs = Counter(p for r in results if r["after"][0] == "fail" and (p := _pair(r["after"][1])))
    if pairs:
        lines += ["(class, keyword/attribute) pairs of the unknown-keyword and missing-attribute failures after iacfix: "
                  + ", ".join(f"`{c}`.`{a}` × {n}" for (c, a), n in pairs.most_common(12)), ""]
    before = {r["task"]: [r["before"]] for r in results if r["before"][0] == "fail"}
    after = {r["task"]: [r["after"]] for r in results if r["after"][0] == "fail"}
    lines += _category_table(
        before, after, lambda v: py_category(v[1]),
        lambda task, v: f"{task} `{v[2] if len(v) > 2 and v[2] else '?'}` {v[1][:150]}",
    )
    return lines
