"""`terraform init -backend=false` + `terraform validate -json`, offline, against a filesystem
mirror that holds one provider (hashicorp/aws 5.100.0 at /opt/tf-plugins on the bench machine).

Every checked folder shares the one provider install: its `.terraform/providers/...` entry is a
symlink into the mirror (what `terraform init` itself makes for an unpacked mirror) and its lock
file a copy of the one a first `init` wrote, so `init` only resolves modules and checks the
version constraints against the lock (about 0.6 s, where a fresh init hashes the 600 MB binary).

A configuration that needs what the mirror does not hold (another provider, another aws major, a
newer Terraform, a registry or git module) cannot init offline: `check` says so (`cannot-init`,
with the reasons). `relax` makes a scratch copy that can: the version constraints are dropped,
and every object of another provider, and every module that cannot be installed, becomes a
`terraform_data` stand-in that the references are pointed at. What validates then is the rest of
the configuration (the aws resources, the expressions, the references), not the stand-ins.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

MIRROR = Path("/opt/tf-plugins")
AWS_VERSION = "5.100.0"
AWS = "registry.terraform.io/hashicorp/aws"
PLATFORM = "linux_amd64"

# Diagnostics that only say init did not finish (validate run after a failed init repeats them).
INIT_NOISE = {"Missing required provider", "Module not installed", "Missing required providers", "Inconsistent dependency lock file"}


def terraform_version() -> str | None:
    binary = shutil.which("terraform")
    if binary is None:
        return None
    out = subprocess.run([binary, "version", "-json"], capture_output=True, text=True, env=_env(None)).stdout
    try:
        return json.loads(out)["terraform_version"]
    except (ValueError, KeyError):
        return None


def available(mirror: Path = MIRROR) -> bool:
    return terraform_version() is not None and (mirror / AWS / AWS_VERSION / PLATFORM).is_dir()


def _env(config: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env.update(CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")
    if config is not None:
        env["TF_CLI_CONFIG_FILE"] = str(config)
    return env


class Terraform:
    """The offline terraform of one sweep: its CLI config and the seed (lock file) in `home`."""

    def __init__(self, home: Path, mirror: Path = MIRROR, nice: int = 10, timeout: int = 300):
        home = home.resolve()  # terraform runs in each checked folder: every path it is given is absolute
        self.home, self.mirror, self.nice, self.timeout = home, mirror.resolve(), nice, timeout
        self.config = home / "terraformrc"
        self.lock = home / "seed" / ".terraform.lock.hcl"
        if not self.lock.exists():
            self._seed()

    def _seed(self) -> None:
        home, seed = self.home, self.home / "seed"
        seed.mkdir(parents=True, exist_ok=True)
        # no `direct {}`: nothing is ever looked up on the network
        self.config.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{self.mirror}"\n  }}\n}}\n')
        (seed / "main.tf").write_text('terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n')
        proc = self._run(["init", "-backend=false", "-input=false", "-no-color"], seed)
        if proc.returncode or not self.lock.exists():
            raise SystemExit(f"terraform init failed in {seed}:\n{proc.stdout}{proc.stderr}")

    def _run(self, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
        command = ["nice", "-n", str(self.nice), "terraform", *args]
        try:
            return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=_env(self.config), timeout=self.timeout)
        except subprocess.TimeoutExpired as exc:
            return subprocess.CompletedProcess(command, -9, exc.stdout or "", f"timeout after {self.timeout} s")

    def _provide(self, root: Path) -> None:
        """The shared aws install and its lock, as `terraform init` leaves them."""
        link = root / ".terraform" / "providers" / AWS / AWS_VERSION / PLATFORM
        if not link.is_symlink():
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(self.mirror / AWS / AWS_VERSION / PLATFORM, target_is_directory=True)
        shutil.copyfile(self.lock, root / ".terraform.lock.hcl")

    def _validate(self, root: Path) -> list[dict]:
        proc = self._run(["validate", "-json", "-no-color"], root)
        try:
            return [_diagnostic(d) for d in json.loads(proc.stdout).get("diagnostics", [])]
        except ValueError:
            return [{"severity": "error", "summary": "validate failed", "detail": (proc.stderr or proc.stdout)[-500:], "file": "", "line": 0, "context": "", "code": ""}]

    def precheck(self, root: Path) -> list[dict]:
        """The errors of loading the configuration (syntax, block structure, duplicates): `validate`
        in the folder without any provider installed, which stops there, as a full validate of a
        configuration that does not load does. Quick: no provider schema is read. [] when it loads."""
        shutil.rmtree(root / ".terraform", ignore_errors=True)
        return [d for d in self._validate(root) if d["severity"] == "error" and d["summary"] not in INIT_NOISE]

    SENTINEL = 'resource "aws_s3_bucket" "sentinel" {\n  sentinel_argument = true\n}\n'

    def check_batch(self, members: dict[str, Path], folder: Path) -> dict[str, dict]:
        """check() of many root modules in one terraform process, which reads the aws schema once.
        Each root becomes a child module of a generated root (every input variable set to an
        unknown value, as validate sets a root's); each diagnostic goes to the member whose files
        it names (`in module.m0003` read back as `in the root module`).

        Validate stops before looking at any resource when the configuration as a whole is wrong
        (a module call without a required argument, a cycle): then silence proves nothing. A
        sentinel member with an argument aws_s3_bucket does not have tells the two apart: when its
        error is there, validate went through every member and the batch's verdicts stand (a
        member an error of the generated root names is checked on its own); when it is missing,
        the members it names or that have errors are checked on their own and the others again
        in a new batch (a batch naming no one is halved). Only members that load (precheck) and
        that `batchable` accepts belong in a batch; a batch that does not init is halved too."""
        start = time.perf_counter()
        if folder.exists():
            shutil.rmtree(folder)
        (folder / "sentinel").mkdir(parents=True)
        (folder / "sentinel" / "main.tf").write_text(self.SENTINEL)
        names, lines, text = {}, {}, ['resource "terraform_data" "unknown" {}\n\nmodule "sentinel" {\n  source = "./sentinel"\n}\n']
        for i, (member, root) in enumerate(sorted(members.items())):
            name = names[member] = f"m{i:04d}"
            (folder / name).symlink_to(root.resolve(), target_is_directory=True)
            first = sum(t.count("\n") for t in text) + 1
            inputs = "".join(f"  {v} = terraform_data.unknown.output\n" for v in declared(root, "variable"))
            text.append(f'\nmodule "{name}" {{\n  source = "./{name}"\n{inputs}}}\n')
            lines[member] = range(first, sum(t.count("\n") for t in text) + 1)
        (folder / "main.tf").write_text("".join(text))
        self._provide(folder)
        init = self._run(["init", "-backend=false", "-input=false", "-no-color", "-json"], folder)
        if init.returncode:
            return self._split(members, folder)
        diagnostics = self._validate(folder)
        shutil.rmtree(folder, ignore_errors=True)
        sentinel = (folder / "sentinel").resolve()
        owners = sorted(((root.resolve(), member) for member, root in members.items()), key=lambda o: -len(o[0].parts))  # nested roots: the deepest first
        found: dict[str, list[dict]] = {m: [] for m in members}
        named, walked = set(), False
        for d in (d for d in diagnostics if d["severity"] == "error"):  # a warning changes no verdict
            # terraform names a module's file by the path it was read through: absolute, relative
            # to the batch, or under the member's symlink; all resolve to the member's own folder
            path = (folder / d["file"]).resolve() if d["file"] else folder
            if path.is_relative_to(sentinel):
                walked = True
                continue
            owner = next(((m, r) for r, m in owners if path.is_relative_to(r)), None)
            if owner is None:  # about the generated root: the members it names or whose module block it is on
                said = d["summary"] + " " + d["detail"]
                named |= {m for m, n in names.items() if f"module.{n}." in said or f"module.{n}[" in said}
                named |= {m for m, span in lines.items() if d["line"] in span and path == folder / "main.tf"}
            else:
                detail = re.sub(r"in module\.m\d{4}\.", "in the root module.", d["detail"])
                found[owner[0]].append({**d, "detail": detail, "file": path.relative_to(owner[1]).as_posix()})
        if not walked:
            culprits = named | {m for m, errors in found.items() if errors}
            if not culprits:
                return self._split(members, folder)
            out = {m: self.check(members[m]) for m in culprits}
            rest = {m: r for m, r in members.items() if m not in culprits}
            out.update(self.check_batch(rest, folder.with_name(folder.name + "r")) if len(rest) > 1 else {m: self.check(r) for m, r in rest.items()})
            return out
        seconds = round((time.perf_counter() - start) / len(members), 2)
        out = {m: {"status": "invalid" if found[m] else "valid", "diagnostics": found[m], "init_failures": [], "warnings": 0, "seconds": seconds, "batch": len(members)}
               for m in members if m not in named}
        out.update({m: self.check(members[m]) for m in named})
        return out

    def _split(self, members: dict[str, Path], folder: Path) -> dict[str, dict]:
        """A batch that fails as a whole and names no one: its halves, down to single checks."""
        with open(self.home / "batch-splits.log", "a") as log:
            log.write(f"{folder.name}: {len(members)} members split\n")
        if len(members) == 1:
            return {m: self.check(r) for m, r in members.items()}
        half = sorted(members)[: len(members) // 2]
        out = self.check_batch({m: members[m] for m in half}, folder.with_name(folder.name + "a"))
        out.update(self.check_batch({m: r for m, r in members.items() if m not in half}, folder.with_name(folder.name + "b")))
        return out

    def check(self, root: Path) -> dict:
        """{status: valid | invalid | cannot-init, diagnostics, init_failures, warnings, seconds} for
        the root module in `root` (which gets a .terraform and a lock file)."""
        start, root = time.perf_counter(), root.resolve()
        self._provide(root)
        init = self._run(["init", "-backend=false", "-input=false", "-no-color", "-json"], root)
        init_errors = [d for d in _json_diagnostics(init.stdout) if d["severity"] == "error"]
        if init.returncode and not init_errors:  # no JSON: a crash or a timeout
            init_errors = [{"severity": "error", "summary": "init failed", "detail": (init.stderr or init.stdout)[-500:]}]
        unavailable = [e for e in init_errors if init_failure(e)]
        result = {"status": "valid", "diagnostics": [], "init_failures": [init_failure(e) for e in unavailable], "warnings": 0}
        if unavailable and len(unavailable) == len(init_errors):
            result["status"] = "cannot-init"
        else:
            validate = self._run(["validate", "-json", "-no-color"], root)
            try:
                report = json.loads(validate.stdout)
            except ValueError:
                report = {"valid": False, "diagnostics": [{"severity": "error", "summary": "validate failed", "detail": (validate.stderr or validate.stdout)[-500:]}]}
            diagnostics = [_diagnostic(d) for d in report.get("diagnostics", [])]
            # after a failed init, validate also reports what init did not install: that is not the answer's error
            errors = [d for d in diagnostics if d["severity"] == "error" and not (unavailable and d["summary"] in INIT_NOISE)]
            result["warnings"] = sum(1 for d in diagnostics if d["severity"] == "warning")
            result["diagnostics"] = errors
            result["status"] = "invalid" if errors else "cannot-init" if unavailable else "valid"
        shutil.rmtree(root / ".terraform", ignore_errors=True)
        (root / ".terraform.lock.hcl").unlink(missing_ok=True)
        result["seconds"] = round(time.perf_counter() - start, 2)
        return result


def declared(root: Path, kind: str) -> list[str]:
    """The names of the `variable` (or `output`, ...) blocks of the module in `root`."""
    names = []
    for path in sorted(root.glob("*.tf")):
        names += re.findall(rf'^{kind}[ \t]+"([\w-]+)"', path.read_text(encoding="utf-8", errors="replace"), re.M)
    return sorted(set(names))


def batchable(root: Path) -> bool:
    """Whether the module validates the same as a child module as it does as the root: not when
    it has what only a root may have (import blocks, a cloud block), configures or wants aliased
    providers (a child module's own aliases do not validate as a root's), reads a file by a path relative to the working folder, or outputs a
    sensitive variable without `sensitive = true` (an error validate raises for root outputs only)."""
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(root.glob("*.tf")))
    if re.search(r"^import[ \t]*\{|^[ \t]*cloud[ \t]*\{|configuration_aliases|^[ \t]*alias[ \t]*=|\bpath\.(cwd|root)\b", text, re.M):
        return False
    if re.search(r'\b(file\w*|templatefile)\(\s*"(?!\$\{path\.module)', text):
        return False  # a path relative to the working folder, which is the batch's, not the module's
    sensitive = any(re.search(r"^[ \t]*sensitive[ \t]*=[ \t]*true", text[m.end() : _block_end(text, m.end() - 1)], re.M) for m in re.finditer(r'^variable[ \t]+"[\w-]+"[ \t]*\{', text, re.M))
    if sensitive:
        for m in re.finditer(r'^output[ \t]+"[\w-]+"[ \t]*\{', text, re.M):
            if not re.search(r"^[ \t]*sensitive[ \t]*=[ \t]*true", text[m.end() : _block_end(text, m.end() - 1)], re.M):
                return False
    return True


def _json_diagnostics(stdout: str) -> list[dict]:
    out = []
    for line in stdout.splitlines():
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict) and message.get("type") == "diagnostic":
            out.append(_diagnostic(message["diagnostic"]))
    return out


def _diagnostic(d: dict) -> dict:
    where = d.get("range") or {}
    return {
        "severity": d.get("severity", "error"),
        "summary": d.get("summary", ""),
        "detail": d.get("detail", ""),
        "file": where.get("filename", ""),
        "line": (where.get("start") or {}).get("line", 0),
        "context": (d.get("snippet") or {}).get("context") or "",
        "code": ((d.get("snippet") or {}).get("code") or "").strip()[:200],
    }


_NOT_FOUND = re.compile(r"provider (?:registry\.terraform\.io/)?([\w.-]+/[\w.-]+) was not found")
_NO_MATCH = re.compile(r"(?:provider|for) (?:registry\.terraform\.io/)?([\w.-]+/[\w.-]+)[^\n]*?(?:does not match configured version constraint|no available releases match the given constraints) ([^;\n]+)")


def init_failure(diagnostic: dict) -> str | None:
    """What the mirror lacks, when that is why init failed: `provider hashicorp/random`,
    `constraint hashicorp/aws ~> 4.0`, `terraform >= 1.12`, `module terraform-aws-modules/vpc/aws`,
    `module directory ./modules/vpc`; None for an error in the configuration itself."""
    summary, detail = diagnostic["summary"], diagnostic["detail"]
    if m := _NO_MATCH.search(detail):
        return f"constraint {m[1]} {m[2].strip().rstrip('.')}"
    if m := _NOT_FOUND.search(detail):
        return f"provider {m[1]}"
    if summary == "Unsupported Terraform Core version":
        m = re.search(r'required_version = "([^"]+)"', detail + diagnostic.get("code", "")) or re.search(r"supports Terraform ([^.,;]+)", detail)
        return f"terraform {m[1] if m else '?'}"
    if summary in ("Failed to download module", "Module not found", "Invalid response from remote module registry", "Error accessing remote module registry", "Failed to retrieve available versions for module"):
        m = re.search(r'module "?([\w-]+)"?', detail) or re.search(r'"([^"]+)"', detail)
        return f"module {m[1] if m else '?'}"
    if summary == "Unreadable module directory":
        m = re.search(r"directory ([^\s]+)", detail)
        return f"module directory {m[1].rstrip('.:') if m else '?'}"
    if summary.startswith("Failed to query available provider packages") or summary.startswith("Failed to install provider"):
        return "provider ?: " + detail.splitlines()[0][:120]
    return None


# -- relax: a scratch copy that can init against the mirror ------------------------------------------
BUILTIN_TYPES = {"terraform_data", "terraform_remote_state"}
_BLOCK = re.compile(r'^(?P<kind>resource|data)[ \t]+"(?P<type>[\w-]+)"[ \t]+"(?P<name>[\w-]+)"[ \t]*\{', re.M)
_MODULE = re.compile(r'^module[ \t]+"(?P<name>[\w-]+)"[ \t]*\{', re.M)
_PROVIDER = re.compile(r'^provider[ \t]+"(?P<name>[\w-]+)"[ \t]*\{', re.M)
_REQUIRED_PROVIDERS = re.compile(r"^[ \t]*required_providers[ \t]*\{", re.M)
_REQUIRED_VERSION = re.compile(r'^[ \t]*required_version[ \t]*=[ \t]*"[^"\n]*"[ \t]*$', re.M)
_ENTRY = re.compile(r'^[ \t]*(?P<name>[\w-]+)[ \t]*=[ \t]*(?P<open>[{"])', re.M)
_SOURCE = re.compile(r'^[ \t]*source[ \t]*=[ \t]*"(?P<source>[^"]*)"', re.M)


def relax(source: Path, target: Path) -> list[str]:
    """Copy the folder tree `source` to `target` and make it initialisable against the mirror;
    returns what was changed (`stand-in hashicorp/random: random_id.suffix`, ...)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl"))
    notes: list[str] = []
    for folder in sorted({p.parent for p in target.rglob("*.tf")}):
        notes += [f"{folder.relative_to(target).as_posix() or '.'}: {n}" if folder != target else n for n in _relax_module(folder)]
    return notes


def blocking(notes: list[str], terraform: str) -> list[str]:
    """Of what `relax` changed, what keeps the configuration from initialising offline: another
    provider (by its local name), an aws or Terraform constraint the versions at hand do not meet,
    a registry or git module, a local module folder the answer does not have."""
    out = set()
    for note in notes:
        note = re.sub(r"^[\w./-]+: (?=stand-in|provider|aws|terraform)", "", note)  # the module folder it was in
        if m := re.match(r"stand-in (?:data\.)?([a-z0-9]+)_\w*\.", note):
            out.add(f"provider {m[1]}")
        elif m := re.match(r"stand-in module\.\S+ \((.*?)(, missing)?\)$", note):
            out.add("local module folder missing" if m[2] else "registry or git module")
        elif m := re.match(r"provider (\S+) \(", note):
            out.add(f"provider {m[1]}")
        elif (m := re.match(r"aws constraint (.*)", note)) and not satisfies(AWS_VERSION, m[1]):
            out.add(f"aws {m[1].strip()}")
        elif (m := re.match(r"terraform constraint (.*)", note)) and not satisfies(terraform, m[1]):
            out.add(f"terraform {m[1].strip()}")
    return sorted(out)


def satisfies(version: str, constraints: str) -> bool:
    """Whether `version` meets a Terraform version constraint string (`>= 5.0, < 6`, `~> 4.16`)."""
    have = tuple(int(x) for x in re.findall(r"\d+", version)[:3])
    for part in constraints.split(","):
        m = re.match(r"\s*(~>|>=|<=|!=|=|>|<)?\s*v?(\d+(?:\.\d+)*)", part)
        if not m:
            continue
        op, want = m[1] or "=", tuple(int(x) for x in m[2].split("."))
        padded = want + (0,) * (3 - len(want))
        ok = {
            "=": have == padded, "!=": have != padded, ">": have > padded, ">=": have >= padded, "<": have < padded, "<=": have <= padded,
            "~>": have >= padded and have[: max(len(want) - 1, 1)] == want[: max(len(want) - 1, 1)],
        }[op]
        if not ok:
            return False
    return True


def _relax_module(folder: Path) -> list[str]:
    files = {p: p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.tf"))}
    notes: list[str] = []
    stand_ins: dict[str, str] = {}  # reference prefix (`random_id.x`, `data.archive_file.y`, `module.z`) -> terraform_data name
    for path, text in files.items():
        cuts: list[tuple[int, int, str]] = []  # (start, stop, replacement), stop exclusive
        for m in _BLOCK.finditer(text):
            if m["type"].split("_", 1)[0] == "aws" or m["type"] in BUILTIN_TYPES:
                continue
            prefix = ("data." if m["kind"] == "data" else "") + f"{m['type']}.{m['name']}"
            stand_ins[prefix] = ("data__" if m["kind"] == "data" else "") + f"{m['type']}__{m['name']}"
            cuts.append((m.start(), _block_end(text, m.end() - 1) + 1, f'resource "terraform_data" "{stand_ins[prefix]}" {{}}'))
            notes.append(f"stand-in {prefix}")
        for m in _MODULE.finditer(text):
            end = _block_end(text, m.end() - 1)
            found = _SOURCE.search(text[m.end() : end])
            source = found["source"] if found else ""
            local = folder / source
            if source.startswith(("./", "../")) and local.is_dir() and any(local.glob("*.tf")):
                continue
            stand_ins[f"module.{m['name']}"] = f"module__{m['name']}"
            cuts.append((m.start(), end + 1, f'resource "terraform_data" "module__{m["name"]}" {{}}'))
            missing = ", missing" if source.startswith(("./", "../")) else ""
            notes.append(f"stand-in module.{m['name']} ({source or 'no source'}{missing})")
        for m in _PROVIDER.finditer(text):
            if m["name"] != "aws":
                cuts.append((m.start(), _block_end(text, m.end() - 1) + 1, ""))
                notes.append(f"provider configuration {m['name']}")
        for m in _REQUIRED_PROVIDERS.finditer(text):
            end = _block_end(text, m.end() - 1)
            body = text[m.end() : end]
            relaxed = _relax_required_providers(body, notes)
            if relaxed != body:
                cuts.append((m.end(), end, relaxed))
        for m in _REQUIRED_VERSION.finditer(text):
            cuts.append((m.start(), m.end(), ""))
            notes.append("terraform constraint " + re.search(r'"([^"]*)"', m[0])[1])
        for start, stop, replacement in sorted(cuts, reverse=True):
            text = text[:start] + replacement + text[stop:]
        files[path] = text
    if stand_ins:
        pattern = re.compile(r"(?<![\w.\-\"])(" + "|".join(re.escape(p) for p in sorted(stand_ins, key=len, reverse=True)) + r")(?![\w\-])")
        for path, text in files.items():
            text = pattern.sub(lambda m: f"terraform_data.{stand_ins[m[1]]}.output", text)
            # depends_on and replace_triggered_by want a whole object, not its attribute
            text = re.sub(r"(depends_on|replace_triggered_by)(\s*=\s*\[)([^\]]*)\]", lambda m: m[1] + m[2] + re.sub(r"(terraform_data\.\w+)\.output\b", r"\1", m[3]) + "]", text)
            files[path] = text
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return notes


def _relax_required_providers(body: str, notes: list[str]) -> str:
    """The body of a required_providers block with only an aws entry, without its version."""
    out, pos = [], 0
    for m in _ENTRY.finditer(body):
        if m.start() < pos:
            continue
        end = _block_end(body, m.end() - 1) if m["open"] == "{" else _string_end(body, m.end() - 1)
        entry = body[m.start() : end + 1]
        found = re.search(r'source\s*=\s*"([^"]*)"', entry)
        source = found[1] if found else ""
        out.append(body[pos : m.start()])
        if m["name"] == "aws" and source.lower() in ("", "hashicorp/aws", AWS):
            version = re.search(r'version\s*=\s*"([^"]*)"', entry) or (m["open"] == '"' and re.search(r'"([^"]*)"', entry))
            relaxed = _without_version(entry) if m["open"] == "{" else 'aws = { source = "hashicorp/aws" }'
            if version:
                notes.append(f"aws constraint {version[1]}")
            out.append(relaxed)
        else:
            notes.append(f"provider {m['name']} ({source or '?'})")
        pos = end + 1
    out.append(body[pos:])
    return "".join(out)


def _without_version(entry: str) -> str:
    """An object entry without its `version = "..."` item (and one comma beside it)."""
    for pattern in (r'[ \t]*\bversion\s*=\s*"[^"\n]*"[ \t]*,', r',?[ \t]*\bversion\s*=\s*"[^"\n]*"'):
        relaxed = re.sub(pattern, "", entry, count=1)
        if relaxed != entry:
            return relaxed
    return entry


def _block_end(text: str, open_brace: int) -> int:
    """The offset of the `}` that closes the `{` at `open_brace`, skipping strings, template
    interpolations, heredocs and comments; the text's end when it is never closed."""
    depth, i, n = 0, open_brace, len(text)
    while i < n:
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        elif c == '"':
            i = _string_end(text, i)
        elif c == "#" or text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            i = text.find("*/", i)
            i = n if i < 0 else i + 1
        elif text.startswith("<<", i) and (m := re.match(r"<<-?([A-Za-z_]\w*)[ \t]*\n", text[i:])):
            close = re.compile(rf"^[ \t]*{m[1]}[ \t]*$", re.M).search(text, i + m.end())
            i = close.end() - 1 if close else n
        i += 1
    return n


def _string_end(text: str, start: int) -> int:
    """The offset of the `"` closing the string opened at `start` (template interpolations nest)."""
    i, n = start + 1, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            return i
        if text.startswith("${", i) or text.startswith("%{", i):
            i = _block_end(text, i + 1)
        elif c == "\n":
            return i  # an unterminated string ends at its line
        i += 1
    return n
