"""Which provider versions a project pins, and so which provider schema checks it.

A project says it in several places; for each provider the first found of these decides:

1. `.terraform.lock.hcl`: the exact version `terraform init` selected (it keeps it until upgraded);
2. a prebuilt CDKTF provider package: package.json `@cdktf/provider-<name>`, requirements*.txt /
   Pipfile / pyproject.toml `cdktf-cdktf-provider-<name>` — the bindings the code is written
   against, built from known provider versions (data/terraform/releases.json maps a package major
   to them: `@cdktf/provider-aws ^19` is hashicorp/aws 5.31.0-5.99.1);
3. HCL `terraform { required_providers { aws = { source, version } } }` (or the legacy
   `aws = "~> 5.0"`);
4. cdktf.json `terraformProviders` (`aws@~> 6.0`: what `cdktf get` generates bindings for);
5. a `provider "aws" { version = ... }` block (deprecated since Terraform 0.13, still honoured).

A provider the code uses but nothing pins is unpinned: `terraform init` then picks its newest
release, and so does `provider_schema.select` with no constraint (`available=` models a machine
that can install only some versions, such as a plugin mirror).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from iacfix import provider_schema

# `cdktf-cdktf-provider-aws==19.40.0`, `"cdktf-cdktf-provider-aws>=19,<20"` (pyproject), Pipfile / Poetry
# `cdktf-cdktf-provider-aws = "~=21.0"` or `= {version = "^19.0"}`; CDK Terrain's `cdktn-provider-aws`
_PY_PACKAGE = re.compile(
    r"(?P<dist>(?:cdktf[-_]cdktf|cdktn)[-_]provider[-_](?P<name>[a-z0-9]+))[\"']?(?:\s*=\s*(?=[\"'{])[\"']?(?:\{[^}]*?version\s*=\s*[\"'])?)?"
    r"\s*(?P<spec>[~=<>!^]*\s*\d[\w.*]*(?:\s*,\s*[<>=!~]+\s*\d[\w.*]*)*)?",
    re.IGNORECASE,
)
_PY_FILES = ("requirements.txt", "requirements-dev.txt", "requirements.in", "Pipfile", "pyproject.toml")
_NPM_PACKAGE = re.compile(r"^@cdkt[fn]/provider-[a-z0-9-]+$")


@dataclass(frozen=True)
class ProviderPin:
    """One declaration of a provider version."""

    source: str  # the provider's address: hashicorp/aws
    constraint: str | None  # as a Terraform version constraint (a package pin's provider range); None: no version
    via: str  # lock file / package.json / requirements.txt / Pipfile / pyproject.toml / required_providers / cdktf.json / provider block
    file: str  # the file's name, relative to the project root
    line: int  # 1-based; 0 when not known
    declared: str  # as written: `aws ~> 5.0`, `@cdktf/provider-aws ^19.0.0`, `cdktf-cdktf-provider-aws ==19.40.0`
    package_major: int | None = None  # the prebuilt package's major, for a package pin

    @property
    def name(self) -> str:
        return self.source.rsplit("/", 1)[-1]


_PRECEDENCE = ("lock file", "package.json", "Pipfile.lock", "requirements.txt", "requirements-dev.txt", "requirements.in", "Pipfile",
               "pyproject.toml", "required_providers", "cdktf.json", "provider block")


def project_pins(root: Path | str, texts: Mapping[str, str] | None = None, parsed: Mapping[str, list] | None = None) -> dict[str, list[ProviderPin]]:
    """Every provider version declaration of a project, by provider address, the deciding one
    first. `texts` (file name relative to the root → text) replaces the disk, for a project that is
    not one: the code blocks of a markdown answer. `parsed` (a .tf file's name → its HCL blocks)
    spares parsing the root module's .tf files again: a run has them parsed already."""
    files = _Files(Path(root), texts, parsed)
    pins: dict[str, list[ProviderPin]] = {}
    for pin in (*_lock_file(files), *_npm(files), *_python(files), *_hcl(files), *_cdktf_json(files)):
        pins.setdefault(pin.source, []).append(pin)
    for found in pins.values():
        found.sort(key=lambda p: _PRECEDENCE.index(p.via))
    return pins


def provider_pin(root: Path | str, source: str, texts: Mapping[str, str] | None = None, parsed: Mapping[str, list] | None = None) -> ProviderPin | None:
    """The declaration that decides a provider's version (`source`: `aws`, `hashicorp/aws`, ...)."""
    found = project_pins(root, texts, parsed).get(_address(source))
    # a prebuilt package decides even when iacfix does not know its build: the code is written
    # against its bindings
    return next((p for p in found if p.constraint or p.package_major is not None), found[0]) if found else None


def project_schema(root: Path | str, source: str = "hashicorp/aws", texts: Mapping[str, str] | None = None,
                   available: list[str] | None = None, parsed: Mapping[str, list] | None = None) -> provider_schema.Selection:
    """The shipped schema that checks a provider's resources in this project, and why."""
    pin = provider_pin(root, source, texts, parsed)
    selection = provider_schema.select(source, pin.constraint if pin else None, available=available)
    if pin is None:
        return selection
    return provider_schema.Selection(selection.schema, f"{pin.file} pins {pin.declared}: {selection.reason}")


# -- the files ------------------------------------------------------------------------------------------
class _Files:
    def __init__(self, root: Path, texts: Mapping[str, str] | None, parsed: Mapping[str, list] | None = None):
        self.root, self.texts, self.parsed = root, texts, parsed or {}

    def read(self, name: str) -> str | None:
        if self.texts is not None:
            return self.texts.get(name)
        path = self.root / name
        try:
            if not path.is_file():  # a FIFO or device named like a pin file is never opened
                return None
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    def terraform(self) -> Iterator[tuple[str, str]]:
        """The root module's .tf files (Terraform reads no subfolder)."""
        if self.texts is not None:
            yield from sorted((n, t) for n, t in self.texts.items() if n.endswith(".tf") and "/" not in n.strip("./"))
            return
        for path in sorted(self.root.glob("*.tf")):
            text = "" if path.name in self.parsed else self.read(path.name)
            if text is not None:
                yield path.name, text


def _address(source: str) -> str:
    return provider_schema.normalize_source(source).removeprefix(provider_schema.REGISTRY + "/")


def _hcl_blocks(name: str, text: str):
    from iacfix.backends import hcl
    from iacfix.backends.base import SourceSyntaxError

    try:
        return hcl.parse(Path(name), text).blocks
    except SourceSyntaxError:
        return []


# -- HCL ------------------------------------------------------------------------------------------------
def _lock_file(files: _Files) -> Iterator[ProviderPin]:
    text = files.read(".terraform.lock.hcl")
    for block in _hcl_blocks(".terraform.lock.hcl", text) if text else []:
        version = next((a.prop.value for a in block.attributes if a.key == "version"), None)
        if block.type == "provider" and block.labels and version is not None and version.kind == "string":
            yield ProviderPin(_address(block.labels[0]), str(version.value), "lock file", ".terraform.lock.hcl",
                              block.line, f"{_address(block.labels[0])} {version.value}")


def _hcl(files: _Files) -> Iterator[ProviderPin]:
    for name, text in files.terraform():
        for block in files.parsed[name] if name in files.parsed else _hcl_blocks(name, text):
            if block.type == "terraform":
                for required in (b for b in block.blocks if b.type == "required_providers"):
                    for attr in required.attributes:
                        yield _required_provider(name, attr.key, attr.prop.value)
            elif block.type == "provider" and block.labels:
                version = next((a.prop.value for a in block.attributes if a.key == "version"), None)
                if version is not None and version.kind == "string":
                    yield ProviderPin(_address(block.labels[0]), str(version.value), "provider block", name, version.line,
                                      f"{block.labels[0]} {version.value}")


def _required_provider(file: str, local_name: str, value) -> ProviderPin:
    """`aws = { source = "hashicorp/aws", version = "~> 5.0" }`, or the legacy `aws = "~> 5.0"`."""
    if value.kind == "string":
        return ProviderPin(_address(local_name), str(value.value), "required_providers", file, value.line,
                           f"{local_name} {value.value}")
    fields = {p.key: p.value for p in value.props}
    source = fields.get("source")
    version = fields.get("version")
    address = _address(str(source.value) if source is not None and source.kind == "string" else local_name)
    constraint = str(version.value) if version is not None and version.kind == "string" else None
    return ProviderPin(address, constraint, "required_providers", file, value.line,
                       f"{address} {constraint}" if constraint else f"{address} (no version)")


# -- CDKTF ----------------------------------------------------------------------------------------------
def _cdktf_json(files: _Files) -> Iterator[ProviderPin]:
    text = files.read("cdktf.json")
    try:
        providers = json.loads(text).get("terraformProviders") or [] if text else []
    except (ValueError, AttributeError):
        return
    for entry in providers:
        if isinstance(entry, str):  # `aws@~> 6.0`, `hashicorp/aws@~> 6.0`
            name, _, version = entry.partition("@")
        elif isinstance(entry, dict):  # {"name": "aws", "source": "hashicorp/aws", "version": "~> 6.0"}
            name, version = entry.get("source") or entry.get("name") or "", entry.get("version") or ""
        else:
            continue
        if name:
            version = version.strip() or None
            yield ProviderPin(_address(name), version, "cdktf.json", "cdktf.json", _line_of(text, name),
                              f"{name} {version}" if version else name)


def _npm(files: _Files) -> Iterator[ProviderPin]:
    text = files.read("package.json")
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return
    for section in ("dependencies", "devDependencies", "peerDependencies"):
        deps = data.get(section) if isinstance(data, dict) else None
        for package, spec in (deps or {}).items() if isinstance(deps, dict) else ():
            if _NPM_PACKAGE.match(package) and isinstance(spec, str):
                yield _package_pin(package, package, spec, "package.json", _line_of(text, package))


def _python(files: _Files) -> Iterator[ProviderPin]:
    yield from _pipfile_lock(files)
    for name in _PY_FILES:
        text = files.read(name)
        for match in _PY_PACKAGE.finditer(text or ""):
            spec = (match.group("spec") or "").strip()
            dist = match.group("dist").lower().replace("_", "-")
            yield _package_pin(_npm_name(match), dist, spec, name, text.count("\n", 0, match.start()) + 1)


def _pipfile_lock(files: _Files) -> Iterator[ProviderPin]:
    """Pipfile.lock's exact versions: what `pipenv install` builds against (Pipfile may say "*")."""
    text = files.read("Pipfile.lock")
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return
    for section in ("default", "develop"):
        packages = data.get(section) if isinstance(data, dict) else None
        for dist, entry in (packages or {}).items() if isinstance(packages, dict) else ():
            match = _PY_PACKAGE.fullmatch(dist.lower().replace("_", "-"))
            version = entry.get("version") if isinstance(entry, dict) else None
            if match and isinstance(version, str):
                yield _package_pin(_npm_name(match), dist, version, "Pipfile.lock", _line_of(text, dist))


def _npm_name(match: re.Match) -> str:
    """The npm package a prebuilt provider's Python distribution (a _PY_PACKAGE match) is built
    from: cdktf-cdktf-provider-aws → @cdktf/provider-aws, cdktn-provider-aws → @cdktn/provider-aws."""
    scope = "@cdktn" if match.group("dist").lower().startswith("cdktn") else "@cdktf"
    return f"{scope}/provider-{match.group('name').lower()}"


def _package_pin(npm_package: str, written: str, spec: str, file: str, line: int) -> ProviderPin:
    """A prebuilt package pin (`npm_package`: the npm name, also for its Python distribution
    `written`), with the provider versions its admitted major was built from."""
    source, majors = _package_builds(npm_package)
    major = _package_major(spec, [int(m) for m in majors])
    built = majors.get(str(major)) if major is not None else None
    constraint = f">= {built[0]}, <= {built[1]}" if built else None
    return ProviderPin(source, constraint, file, file, line, f"{written} {spec}".strip(), major)


def _package_builds(npm_package: str) -> tuple[str, dict[str, list[str]]]:
    """(the provider's address, package major → [oldest, newest] provider version built into it)."""
    for source, entry in provider_schema.releases().get("providers", {}).items():
        if npm_package in entry.get("packages", {}):
            return _address(source), entry["packages"][npm_package]["majors"]
    return _address("hashicorp/" + npm_package.rsplit("provider-", 1)[-1]), {}


def _package_major(spec: str, known: list[int]) -> int | None:
    """The package major an npm or pip version spec installs: the newest known major it admits
    (`^19.0.0`, `~19.2`, `19.40.0`, `==19.40.0`, `~=19.0`, `>=19,<20`, `*`), else its first number."""
    spec = spec.strip()
    if spec in ("", "*", "latest", "x"):
        return max(known) if known else None
    numbers = re.findall(r"\d+", spec)
    if not numbers:
        return None
    clauses = [c.strip() for c in re.split(r",|\s+(?=[<>=!~^])", spec) if c.strip()]
    lower_open = all(re.match(r"(>=|>)\s*\d", c) for c in clauses)  # `>=19`: the newest release installs
    if lower_open and known:
        floor = int(numbers[0])
        admitted = [m for m in known if m >= floor]
        return max(admitted) if admitted else floor
    if any(c.startswith("<") for c in clauses) and len(clauses) > 1:  # `>=19,<21`: below the upper bound
        low = int(re.findall(r"\d+", next(c for c in clauses if not c.startswith("<")))[0])
        upper = next(c for c in clauses if c.startswith("<"))
        high = int(re.findall(r"\d+", upper)[0]) - (0 if upper.startswith("<=") else 1)
        admitted = [m for m in known if low <= m <= high]
        return max(admitted) if admitted else low
    return int(numbers[0])


def _line_of(text: str | None, needle: str) -> int:
    index = (text or "").find(needle)
    return 0 if index < 0 else text.count("\n", 0, index) + 1
