"""The Terraform provider schemas a project's resources are judged against (iacfix.provider_schema
and iacfix.provider_pins, seen from a rule).

Which version judges: the one `terraform init` would install for the project's pin (a lock file,
a prebuilt CDKTF package, `required_providers`, cdktf.json: provider_pins), the newest release
when nothing pins it: its major's shipped schema (`Judge.primary`) says what is wrong. An unpinned
or open pin (`>= 5.0`) gets aws 6 from the registry but aws 5 from a mirror, a plugin cache or a
lock file made earlier: a fix must also hold in the major below when the pin admits it
(`Judge.schemas`), and what is wrong in one of them only is said, not repaired. A pinned version
with no shipped schema (aws 3, 4) judges nothing of that provider (`Judge.primary` None, the
reason said).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from pathlib import Path

from iacfix import provider_pins, provider_schema
from iacfix.provider_schema import Attribute, Block, CtyType, NestedBlock, ProviderSchema

__all__ = ["Attribute", "Block", "CtyType", "Judge", "NestedBlock", "ProviderSchema", "judge", "provider_of", "BUILTIN"]

# Terraform's own resources (terraform.io/builtin/terraform): no provider schema, never flagged.
BUILTIN = "terraform"


@dataclass(frozen=True)
class Judge:
    """The schemas one provider's resources are judged against in one project."""

    local_name: str  # as the code prefixes its types: aws
    source: str  # hashicorp/aws
    primary: ProviderSchema | None  # what `terraform init` installs: it says what is wrong
    schemas: tuple[ProviderSchema, ...]  # every shipped major the pin admits, primary first: a fix holds in each
    reason: str  # which version and why (said when no schema judges)

    def blocks(self, rtype: str) -> tuple[Block | None, ...]:
        """The schema of a resource type (`data.aws_vpc`: a data source) in each of `schemas`."""
        data = rtype.startswith("data.")
        name = rtype.removeprefix("data.")
        return tuple(s.data_source(name) if data else s.resource(name) for s in self.schemas)

    def types(self, data: bool) -> frozenset[str]:
        """The resource (or data source) types every schema knows."""
        sets = [frozenset(s.data_source_types if data else s.resource_types) for s in self.schemas]
        return frozenset.intersection(*sets) if sets else frozenset()

    def any_types(self, data: bool) -> frozenset[str]:
        """The types some schema knows."""
        return frozenset().union(*(s.data_source_types if data else s.resource_types for s in self.schemas))


def provider_of(rtype: str) -> str:
    """The provider local name a resource type belongs to: `aws_eip` and `data.aws_vpc` → aws."""
    return rtype.removeprefix("data.").split("_", 1)[0]


_judges: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def judge(ctx, local_name: str) -> Judge | None:
    """The judge of a provider's resources in the project, None when iacfix ships no schema of
    that provider at all (a provider it does not know: nothing is said)."""
    if local_name == BUILTIN:
        return None
    by_project = _judges.setdefault(ctx.workspace, {})
    key = (ctx.project.root, ctx.project.flavour, local_name)
    if key not in by_project:
        by_project[key] = _judge(ctx, local_name)
    return by_project[key]


def _judge(ctx, local_name: str) -> Judge | None:
    source = _source(ctx, local_name)
    full = provider_schema.normalize_source(source)
    shipped = provider_schema.shipped().get(full)
    if not shipped:
        return None
    texts, parsed = _texts(ctx), _parsed(ctx)
    pin = provider_pins.provider_pin(ctx.project.root, source, texts, parsed)
    constraint = pin.constraint if pin else None
    if pin is not None and pin.package_major is not None and constraint is None:
        # a prebuilt package major whose provider build iacfix does not know (an old one): its
        # names are that build's, so no schema judges it
        return Judge(local_name, source, None, (), f"{pin.file} pins {pin.declared}, built from a provider version iacfix has no schema of")
    selection = provider_schema.select(source, constraint)  # what provider_pins.project_schema selects
    reason = f"{pin.file} pins {pin.declared}: {selection.reason}" if pin else selection.reason
    if selection.schema is None:
        return Judge(local_name, source, None, (), reason)
    try:
        admits = provider_schema.Constraint.parse(constraint or "")
    except ValueError:
        admits = None
    # the major below, when the pin admits it: what a mirror or an older lock file installs
    below = [s for s in shipped if s.major == selection.schema.major - 1 and admits is not None and admits.admits_major(s.major)]
    return Judge(local_name, source, selection.schema, (selection.schema, *below[-1:]), reason)


def _source(ctx, local_name: str) -> str:
    """The provider's source address: `required_providers` says it (`acme = { source =
    "vancluever/acme" }`), else a hashicorp provider of that name."""
    for setting in ctx.settings():
        if setting.key == f"terraform.required_providers.{local_name}" and setting.value is not None:
            source = setting.value.prop("source") if setting.value.kind == "object" else None
            if source is not None and source.value.kind == "string":
                return str(source.value.value)
    return f"hashicorp/{local_name}"


def _parsed(ctx) -> dict[str, list]:
    """The HCL blocks of the project's root-module .tf files by name, as the run parsed them."""
    root = ctx.project.root
    base = root if root.is_dir() else root.parent / f"{root.name}.d"
    out = {}
    for file in ctx.files("hcl"):
        try:
            name = Path(file.path).relative_to(base).as_posix()
        except ValueError:
            continue
        if "/" not in name:
            out[name] = file.blocks
    return out


def _texts(ctx) -> dict[str, str] | None:
    """A markdown answer's files by name (its code blocks), for provider_pins; None for a project
    on disk (read from there)."""
    root = ctx.project.root
    if root.is_dir():
        return None
    base = root.parent / f"{root.name}.d"
    texts = {}
    for path in ctx.project.files:
        try:
            texts[Path(path).relative_to(base).as_posix()] = ctx.workspace.text[path]
        except (ValueError, KeyError):
            continue
    return texts
