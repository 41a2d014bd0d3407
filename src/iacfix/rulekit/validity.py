"""The validity engine: every resource and data source of a project checked against the provider
schema of the version the project gets (rulekit.terraform_schema), over the neutral model.

One walk finds every problem `terraform validate` (or the typed CDKTF bindings) would stop at,
and the repair each one has when there is one; the PRV rules each report one kind:

- `type` (PRV102): the resource type does not exist; the nearest valid type whose schema knows
  the arguments written (`aws_rds_instance` → `aws_db_instance`);
- `unknown` (PRV103): an argument or nested block the resource (or block) does not have;
- `shape` (PRV104): a block written as an attribute (`x = { ... }`) or an attribute as a block
  (`tags { ... }`), a single value where a list is wanted;
- `literal` (PRV105): a literal Terraform cannot convert to the argument's type;
- `required` (PRV108): a required argument or block is not set;
- `computed` (PRV109): an attribute only the provider sets (`arn`, `id`) is set;
- `deprecated` (PRV110): a deprecated argument (exact schemas only: a derived one does not say).

Problems are computed once per version of a file's text (ParsedFile.derived) and shared by the
rules. Terraform's meta-arguments, `dynamic` blocks and the arguments a dedicated rule repairs
(DEDICATED) are left alone.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from iacfix.model import Edit, Prop, Resource, Value
from iacfix.rulekit import schema as cdktf_bindings
from iacfix.rulekit import terraform_schema
from iacfix.rulekit.terraform_schema import Attribute, Block, CtyType, Judge, NestedBlock
from iacfix.rulekit.text import snake_case

# Unknown arguments (Terraform type, name) a dedicated rule repairs with more context, in every
# flavour: the engine leaves them to it (tests check that the rules exist).
DEDICATED: dict[tuple[str, str], str] = {
    ("aws_eip", "vpc"): "TF203",
    ("aws_flow_log", "log_destination_arn"): "TF205",
    ("aws_flow_log", "log_group_name"): "TF205",
    ("aws_ecs_service", "deployment_configuration"): "TF206",
}

# Renames the AWS provider's upgrade guides name (website/docs/guides/version-{4,5,6}-upgrade in
# hashicorp/terraform-provider-aws) where the value carries over as it is. Applied only when the
# new name exists in every schema that judges the project.
ARGUMENT_RENAMES: dict[tuple[str, str], str] = {
    # version 5: "Remove name -- use db_name instead"
    ("aws_db_instance", "name"): "db_name",
    # version 5: number_cache_clusters, replication_group_description → num_cache_clusters, description
    ("aws_elasticache_replication_group", "number_cache_clusters"): "num_cache_clusters",
    ("aws_elasticache_replication_group", "replication_group_description"): "description",
    ("aws_elasticache_replication_group", "availability_zones"): "preferred_cache_cluster_azs",
    # version 6: compute_environment_name(_prefix) → name(_prefix)
    ("aws_batch_compute_environment", "compute_environment_name"): "name",
    ("aws_batch_compute_environment", "compute_environment_name_prefix"): "name_prefix",
    ("data.aws_batch_compute_environment", "compute_environment_name"): "name",
    # version 4: aws_s3_bucket_object became aws_s3_object, whose key is `key`; `acl` stays
}

# Words the AWS provider spells otherwise in its type names: RDS instances and their groups are
# `aws_db_*` ("aws_db_instance: Provides an RDS instance resource"), the load balancers `aws_lb_*`
# (aws_alb_* are aliases).
TYPE_WORD_ALIASES: dict[str, tuple[str, ...]] = {"rds": ("db",), "alb": ("lb",), "elb": ("lb",), "ec2": ("",)}

# Meta-arguments and blocks of a resource / a data source (not the provider's).
RESOURCE_META = frozenset({"count", "for_each", "provider", "depends_on", "lifecycle", "connection", "provisioner"})
DATA_META = frozenset({"count", "for_each", "provider", "depends_on", "lifecycle"})

KINDS = ("type", "unknown", "shape", "literal", "required", "computed", "deprecated")


@dataclass
class Problem:
    """One thing `terraform validate` would stop at (or warn about), and its repair."""

    kind: str  # one of KINDS
    resource: Resource
    container: Value  # the resource's body or the nested block the problem is in
    prop: Prop | None  # the entry at fault (None: something missing)
    name: str  # the Terraform name concerned
    message: str
    line: int
    col: int
    edits: list[Edit] = field(default_factory=list)
    safety: str | None = None
    spec: Attribute | NestedBlock | None = None  # what the schema says of `name` (required: what is missing)
    where: str = ""  # the resource type and block path: `aws_lb_listener.default_action`


def problems(ctx, kind: str) -> list[Problem]:
    """Every problem of that kind in the project, in file order."""
    out = []
    for file in ctx.files():
        if file.language in ("hcl", "typescript", "python"):
            out += [p for p in file_problems(ctx, file) if p.kind == kind]
    return out


def file_problems(ctx, file) -> list[Problem]:
    return file.derived("validity", lambda f: list(_Walk(ctx, f).problems()))


def judge_of(ctx, rtype: str) -> Judge | None:
    """The judge of a resource type's provider, None when no schema judges it."""
    judge = terraform_schema.judge(ctx, terraform_schema.provider_of(rtype))
    return judge if judge is not None and judge.primary is not None else None


# -- names -------------------------------------------------------------------------------------------
def terraform_name(file, key: str, block: Block) -> str:
    """The Terraform name a key written in `file` stands for in `block`: HCL writes it; CDKTF
    writes its camelCase (or a Python name, `and_`), matched to the schema's `address_line_1` as
    well as `address_line1`."""
    if file.language == "hcl":
        return key
    name = snake_case(key).rstrip("_")
    if name in block.attributes or name in block.block_types:
        return name
    flat = _flat(name)
    same = [n for n in block.names if _flat(n) == flat]
    return same[0] if len(same) == 1 else name


def _flat(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


# -- the walk ----------------------------------------------------------------------------------------
class _Walk:
    def __init__(self, ctx, file):
        self.ctx, self.file = ctx, file
        self.hcl = file.language == "hcl"

    def problems(self):
        for resource in self.file.resources():
            judge = judge_of(self.ctx, resource.type)
            if judge is None:
                continue
            blocks = judge.blocks(resource.type)
            if blocks[0] is None:
                if self.hcl:  # a CDKTF class that does not exist is PRV102's (its import fails first)
                    yield from self._unknown_type(resource, judge)
                continue
            meant = None if resource.is_data else self._data_source_meant(resource, blocks[0], judge)
            if meant is not None:
                yield meant  # its arguments' reports and required ones would all be noise
                continue
            meta = DATA_META if resource.is_data else RESOURCE_META
            yield from self._block(resource, resource.body, blocks, resource.type, meta, judge)

    def _data_source_meant(self, resource: Resource, primary: Block, judge: Judge) -> Problem | None:
        """A resource written with the arguments of the data source of the same type (`aws_ami`
        with most_recent, owners, filter): the code means to read it, not to create one. Reported
        (the references and, in CDKTF, the class and import change with it): filling in what the
        resource requires would create something nobody asked for."""
        names = [terraform_name(self.file, p.key, primary) for p in resource.body.props]
        names = [n for n in names if n not in RESOURCE_META]
        unknown = [n for n in names if n not in primary.names]
        if not unknown:
            return None
        data = judge.blocks("data." + resource.type)[0]
        readable = set(_settable(data)) if data is not None else set()  # what a data source is given, not what it computes
        if not all(n in readable for n in names):
            return None
        binding = None if self.hcl else cdktf_bindings.load().by_terraform_type("data." + resource.type)
        how = f"read it with `{binding.name}`" if binding else f'read it with `data "{resource.type}"`'
        listed = ", ".join(f"`{self._key(n)}`" for n in unknown)
        return self._problem("type", resource, resource.body, None, resource.type, resource.type,
                             f"{resource.type} is written with the arguments of the data source ({listed}): {how}",
                             at=(resource.line, resource.col))

    # -- a block and its entries -----------------------------------------------------------------
    def _block(self, resource: Resource, container: Value, blocks: tuple[Block | None, ...], where: str, meta, judge: Judge, required: bool = True):
        primary = blocks[0]
        if primary is None or (not primary.attributes and not primary.block_types and not judge.primary.exact):
            return  # a derived schema that lost what the block holds (kubernetes `metadata`): not judged
        present: set[str] = set()
        dynamic = False
        for prop in container.props:
            if self.hcl and prop.block and prop.key == "dynamic":
                dynamic = True
                yield from self._dynamic(resource, prop, blocks, where, judge)
                continue
            name = terraform_name(self.file, prop.key, primary)
            if name in meta or (where == resource.type and (resource.type, name) in DEDICATED):
                continue  # a meta-argument, or what a dedicated rule repairs (all of it)
            present.add(name)
            attribute, nested = primary.attribute(name), primary.block_type(name)
            if attribute is None and nested is None:
                yield from self._unknown(resource, container, prop, name, blocks, where, judge)
            elif attribute is not None:
                yield from self._attribute(resource, container, prop, attribute, blocks, where, judge)
            else:
                yield from self._nested(resource, container, prop, nested, blocks, where, judge)
        if required and not dynamic and not self._spread(container):
            yield from self._required(resource, container, primary, present, where)

    def _spread(self, container: Value) -> bool:
        """An object that takes entries from elsewhere (`...props`, `**kwargs`): what it sets is not
        all written here."""
        return not self.hcl and ("..." in container.text or "**" in container.text)

    def _dynamic(self, resource, prop: Prop, blocks, where: str, judge: Judge):
        """`dynamic "ingress" { content { ... } }`: the content is an `ingress` block."""
        for item in prop.value.objects():
            label = _dynamic_label(self.file.text, item)
            nested = blocks[0].block_type(label) if label else None
            content = item.prop("content")
            if nested is None or content is None:
                continue
            inner = tuple(b.block_type(label).block if b is not None and b.block_type(label) else None for b in blocks)
            for body in content.value.objects():
                yield from self._block(resource, body, inner, f"{where}.{label}", (), judge)

    def _attribute(self, resource, container, prop: Prop, attribute: Attribute, blocks, where: str, judge: Judge):
        if attribute.opaque:
            return
        if self.hcl and prop.block:
            if not _blocks_allowed(attribute):
                yield self._attribute_as_block(resource, container, prop, attribute, where)
                return
        element = _object_block(attribute.type)
        if element is not None:  # objects of a known type: their keys are checked as a block's
            inner = tuple(_object_block(b.attribute(attribute.name).type) if b is not None and b.attribute(attribute.name) else None for b in blocks)
            for obj in prop.value.objects():
                yield from self._block(resource, obj, inner, f"{where}.{attribute.name}", (), judge, required=False)
        if self.hcl and prop.block:
            return
        if attribute.computed_only:
            if prop.value.kind == "null" or (self.hcl and _may_be_null(prop.value)):
                # Terraform takes null for what the provider computes, and an input or a local may
                # be null (a module's optional input passed on: terraform-aws-eks). A resource's
                # attribute is not null even before it is known. The CDKTF bindings have no such
                # property at all, whatever its value.
                return
            settable_elsewhere = any(b is not None and (a := b.attribute(attribute.name)) is not None and a.settable for b in blocks[1:])
            yield self._problem(
                "computed", resource, container, prop, attribute.name, where,
                f"`{self._key(attribute.name)}` of {where} is set by the provider, not by the configuration: remove it",
                [] if settable_elsewhere else self.file.remove_entry(container, prop), spec=attribute,
            )
            return
        if _deprecated(judge, blocks, attribute.name) and (where, attribute.name) not in DEDICATED:
            yield self._deprecated(resource, container, prop, attribute, where, blocks)
        if self.hcl:
            found = self._literal(resource, container, prop, attribute, where)
            if found is not None:
                yield found

    def _nested(self, resource, container, prop: Prop, nested: NestedBlock, blocks, where: str, judge: Judge):
        inner = tuple(b.block_type(nested.name).block if b is not None and b.block_type(nested.name) else None for b in blocks)
        objects = prop.value.objects()
        if self.hcl and not prop.block:
            yield self._block_as_attribute(resource, container, prop, nested, where)
        elif self.hcl and nested.max_items is not None and len(objects) > nested.max_items:
            yield self._problem(
                "shape", resource, container, prop, nested.name, where,
                f"{where} takes at most {nested.max_items} `{nested.name}` block{'s' if nested.max_items > 1 else ''}, not {len(objects)}",
                spec=nested,
            )
        if _deprecated(judge, blocks, nested.name):
            yield self._deprecated(resource, container, prop, nested, where, blocks)
        for obj in objects:
            yield from self._block(resource, obj, inner, f"{where}.{nested.name}", (), judge)

    # -- what is wrong ---------------------------------------------------------------------------
    def _problem(self, kind, resource, container, prop, name, where, message, edits=(), safety=None, spec=None, at=None) -> Problem:
        if at is None:
            at = prop.value if prop is not None else container
            line, col = (at.line, _key_col(self.file, prop)) if prop is not None else (resource.line, resource.col)
        else:
            line, col = at
        return Problem(kind, resource, container, prop, name, message, line, col, list(edits), safety, spec, where)

    def _key(self, name: str) -> str:
        return self.file.attr_key(name)

    def _deprecated(self, resource, container, prop: Prop, spec, where: str, blocks) -> Problem:
        # The schema says that, not why nor what replaces it (Terraform's JSON has no message).
        return self._problem("deprecated", resource, container, prop, spec.name, where, f"`{self._key(spec.name)}` of {where} is deprecated", spec=spec)

    def _attribute_as_block(self, resource, container, prop: Prop, attribute: Attribute, where: str) -> Problem:
        """`tags { ... }`: an argument written as a block (validate: "Unsupported block type")."""
        objects = prop.value.objects()
        kind = attribute.type.kind
        fits = kind in ("map", "object", "dynamic") and len(objects) == 1 or kind in ("list", "set") and _of_objects(attribute.type)
        edits = []
        if fits and not any(p.block for o in objects for p in o.props):
            edits = self.file.rewrite_as_attribute(container, prop, as_list=kind in ("list", "set"))
        return self._problem(
            "shape", resource, container, prop, attribute.name, where,
            f"`{attribute.name}` of {where} is an argument, not a block: `{attribute.name} = {'[{ ... }]' if kind in ('list', 'set') else '{ ... }'}`",
            edits, spec=attribute,
        )

    def _block_as_attribute(self, resource, container, prop: Prop, nested: NestedBlock, where: str) -> Problem:
        """`rule = { ... }`: a nested block written as an argument (validate: "Unsupported argument
        ... Did you mean to define a block of type ...?")."""
        value = prop.value
        literal = value.kind == "object" or value.kind == "array" and value.items and all(i.kind == "object" for i in value.items)
        edits = self.file.rewrite_as_block(container, prop) if literal else []
        return self._problem(
            "shape", resource, container, prop, nested.name, where,
            f"`{nested.name}` of {where} is a block: `{nested.name} {{ ... }}`, without `=`",
            edits, spec=nested,
        )

    def _literal(self, resource, container, prop: Prop, attribute: Attribute, where: str) -> Problem | None:
        """A literal Terraform cannot convert to the argument's type (HCL converts between strings,
        numbers and booleans where it can: only what it cannot is a problem)."""
        value, wanted = prop.value, attribute.type
        name = attribute.name
        if wanted.kind in ("list", "set") and wanted.element is not None and wanted.element.is_primitive:
            single = value.kind in ("string", "number", "bool", "template") or self._reads_one(resource, value, wanted.element)
            if single:
                return self._problem(
                    "literal", resource, container, prop, name, where,
                    f"`{name}` of {where} is a {wanted}: put the value in a list",
                    self.file.wrap_in_list(value), spec=attribute,
                )
        trouble = _unconvertible(value, wanted)
        if trouble:
            return self._problem("literal", resource, container, prop, name, where, f"`{name}` of {where} {trouble}", spec=attribute)
        return None

    def _reads_one(self, resource, value: Value, element: CtyType) -> bool:
        """Whether an expression reads one attribute of a resource, of the list's element type
        (`aws_security_group.web.id` given where a list of ids is wanted)."""
        if value.kind != "expr":
            return False
        read = self.ctx.referenced(resource.path, value)
        if read is None or read.type is None:
            return False
        judge = judge_of(self.ctx, read.type)
        block = judge.blocks(read.type)[0] if judge else None
        attribute = block.attribute(read.attribute) if block is not None else None
        return attribute is not None and attribute.type == element

    def _required(self, resource, container, primary: Block, present: set[str], where: str):
        for name in primary.required_attributes:
            if name not in present:
                yield self._problem("required", resource, container, None, name, where,
                                    f"{where} needs `{self._key(name)}`", spec=primary.attribute(name))
        for name in primary.required_blocks:
            if name not in present:
                yield self._problem("required", resource, container, None, name, where,
                                    f"{where} needs a `{self._key(name)}` block", spec=primary.block_type(name))

    # -- unknown names ---------------------------------------------------------------------------
    def _unknown(self, resource, container, prop: Prop, name: str, blocks, where: str, judge: Judge):
        if where == resource.type and (resource.type, name) in DEDICATED:
            return
        if not self.hcl:
            return  # CDKTF: PRV103 reads the bindings themselves (rulekit.schema) for now
        primary = blocks[0]
        elsewhere = [_named(s) for s, b in zip(judge.schemas[1:], blocks[1:]) if b is not None and name in b.names]
        note = f" (it is one in {', '.join(elsewhere)}, not in {_named(judge.primary)})" if elsewhere else ""
        target, how = self._meant(resource, container, prop, name, blocks, where)
        key = self._key(name)
        if target is not None:
            edits, said, renamed_to = target
            yield self._problem("unknown", resource, container, prop, name, where, f"`{key}` is not an argument of {where}{note}: {said}", edits)
            renamed = primary.block_type(renamed_to) if renamed_to else None
            if renamed is not None and prop.block:  # what the renamed block holds, checked in the same run
                inner = tuple(b.block_type(renamed.name).block if b is not None and b.block_type(renamed.name) else None for b in blocks)
                for obj in prop.value.objects():
                    yield from self._block(resource, obj, inner, f"{where}.{renamed.name}", (), judge)
            return
        if how or note:  # two candidates, or an argument of another version: a human decides
            said = f"; {how}" if how else ""
            yield self._problem("unknown", resource, container, prop, name, where, f"`{key}` is not an argument of {where}{note}{said}")
            return
        owner = _owner_elsewhere(judge, resource, name) if where == resource.type else None
        if name == "tags" and not owner:
            # the provider tags whatever the API can tag: these tags could never be applied
            yield self._problem("unknown", resource, container, prop, name, where,
                                f"{where} cannot be tagged: `{key}` removed", self.file.remove_entry(container, prop))
            return
        names = [n for b in blocks if b is not None for n in _all_names(b)]  # every version's names
        close = close_names(name, names)
        removal = self.file.remove_entry(container, prop)
        safe = removal_is_safe(prop.value, close, owner, names, primary.names) and not (_lost_content(primary) and not judge.primary.exact)
        if owner:
            said = f"; it belongs to {owner}"
        elif close:
            said = f"; valid: {', '.join(f'`{c}`' for c in close)}"
        elif not safe and not _neutral(prop.value):
            said = f"; what it holds is {where}'s: a human decides where"
        else:
            said = f": {where} has nothing of that name or close to it (removed)"
        if safe:
            # A setting the provider does not have, asking for nothing (false, 0, "") or nothing the
            # provider could mean by it: Terraform can deploy no such setting, so removing it keeps
            # every setting the code has. A misspelled real argument (a close name) or one that
            # belongs elsewhere is kept for a human (its removal is offered as an unsafe fix).
            yield self._problem("unknown", resource, container, prop, name, where, f"`{key}` is not an argument of {where}{said}", removal)
            return
        yield self._problem("unknown", resource, container, prop, name, where, f"`{key}` is not an argument of {where}{said}", removal, safety="unsafe")

    def _meant(self, resource, container, prop: Prop, name: str, blocks, where: str):
        """((edits, what they do, the name it is renamed to or None), None) for the one repair an
        unknown name has, else (None, why not: the candidates when there are several)."""
        file = self.file
        valid = [n for n in _settable(blocks[0]) if all(b is not None and n in b.names for b in blocks[1:])]
        base = resource.type if where == resource.type else None
        renamed = ARGUMENT_RENAMES.get((base, name)) if base else None
        candidates = [renamed] if renamed in valid else []
        if not candidates:
            candidates = [n for n in valid if _flat(n) == _flat(name)]
        if not candidates:
            owner_words = where.rsplit(".", 1)[-1].removeprefix("data.").split("_")[1:]
            candidates = [n for n in [by_form(name, owner_words, valid)] if n and file.entry(container, n) is None]
        if not candidates:  # the name with its owner's name before it: `key_policy` of aws_kms_key, `queue_name`
            own = where.rsplit(".", 1)[-1].removeprefix("data.").split("_")[1 if "." not in where else 0:]
            stripped = [name[len(p) + 1 :] for i in range(len(own)) if name.startswith((p := "_".join(own[i:])) + "_")]
            candidates = [n for n in stripped if n in valid][:1]
        if not candidates:
            plural = self._plural(container, prop, name, valid, blocks[0])
            if plural is not None:
                return (*plural, None), None
            candidates = _near(name, valid, prop.value, blocks[0])
        if not candidates:  # a required argument not set whose name ends it (`request_payer` → `payer`)
            missing = [n for n in blocks[0].required_attributes if n in valid and file.entry(container, n) is None]
            candidates = [n for n in missing if name.endswith("_" + n) or n.endswith("_" + name)]
            if prop.block:  # a block: the required blocks not written
                missing = [n for n in blocks[0].required_blocks if n in valid and file.entry(container, n) is None]
            if not candidates and len(missing) == 1 and self._only_unknown(container, prop, blocks[0]) and (
                _shares_word(name, missing[0]) or (prop.block and _holds_only(prop.value, blocks[0].block_type(missing[0]).block))
            ):
                candidates = missing  # the one unknown argument and the one missing one name the same thing
            candidates = [n for n in candidates if _fits(blocks[0].attribute(n), prop.value)]
        if len(candidates) > 1:
            return None, f"it may be {' or '.join(f'`{c}`' for c in candidates)}"
        if candidates:
            target = candidates[0]
            if file.entry(container, target) is not None:
                return None, f"it means `{target}`, which is set too"
            return (file.rename_entry(container, prop, target), f"it is `{target}`", target), None
        moved = self._move_into_block(container, prop, name, blocks, where)
        if moved is not None:
            return (*moved, None), None
        lifted = self._lift(container, prop, blocks)
        if lifted is not None:
            return (*lifted, None), None
        return None, None

    def _only_unknown(self, container, prop: Prop, block: Block) -> bool:
        """Whether `prop` is the one entry of the block the schema does not know."""
        names = block.names
        others = [p for p in container.props if p is not prop and not (self.hcl and p.key == "dynamic")]
        return all(terraform_name(self.file, p.key, block) in names or p.key in RESOURCE_META for p in others)

    def _plural(self, container, prop: Prop, name: str, valid: list[str], block: Block):
        """`password = "x"` where the resource has `passwords`, a list: `passwords = ["x"]`; `cidr
        = [...]` where the block has `cidr_blocks`, `role = ...` where it has `role_arn` (the name
        and what the argument holds: ids, ARNs, names, blocks)."""
        if prop.block or prop.value.kind == "object":
            return None
        tails = [t for t in (*_TAILS, *_LIST_TAILS) if name + t in valid and self.file.entry(container, name + t) is None]
        if len(tails) == 1:
            target = name + tails[0]
            spec = block.attribute(target)
            if spec is not None and _fits(spec, prop.value):
                return self.file.rename_entry(container, prop, target), f"it is `{target}`"
        if prop.value.kind == "array":
            return None
        for target in (name + "s", name + "es", *(name + tail for tail in _LIST_TAILS)):
            attribute = block.attribute(target)
            if target in valid and attribute is not None and attribute.type.kind in ("list", "set") and self.file.entry(container, target) is None:
                element = attribute.type.element
                if element is not None and (element.kind == "dynamic" or _fits(Attribute(target, element, optional=True), prop.value)):
                    edits = self.file.rename_entry(container, prop, target) + self.file.wrap_in_list(prop.value)
                    return edits, f"it is `{target}`, a list"
        return None

    def _move_into_block(self, container, prop: Prop, name: str, blocks, where: str):
        """An argument of the one nested block type that has it, written beside it: moved in (or
        of the one block two levels down, both blocks made: `mode` of an object lock
        configuration is `rule { default_retention { mode } }`)."""
        if prop.block:
            return None
        primary = blocks[0]
        deep = _deep_home(primary, name) if self.hcl and not any(name in b.block.names for b in primary.block_types.values()) else None
        if deep is not None and all(b is not None and _deep_home(b, name) == deep for b in blocks[1:]):
            outer, inner = deep
            if self.file.entry(container, outer) is None:
                edits = self.file.replace_entry(container, prop, [(outer, [(inner, [(name, prop.value.text)])])])
                return edits, f"it belongs in `{outer} {{ {inner} {{ ... }} }}`"
            return None
        homes = [b for b in primary.block_types.values() if name in b.block.attributes and b.block.attributes[name].settable]
        if len(homes) > 1:  # the single block written beside it (cloudfront's default_cache_behavior)
            homes = [b for b in homes if b.max_items == 1 and self.file.entry(container, b.name) is not None]
        if len(homes) != 1 or homes[0].max_items != 1:
            return None
        home = homes[0]
        if not all(b is not None and b.block_type(home.name) is not None and name in b.block_type(home.name).block.names for b in blocks[1:]):
            return None
        existing = self.file.entry(container, home.name)
        objects = existing.value.objects() if existing is not None else []
        if existing is not None and len(objects) != 1:
            return None
        if existing is not None:
            target = objects[0]
            if self.file.entry(target, name) is not None:
                return None
            edits = self.file.remove_entry(container, prop) + self.file.insert_entry(target, name, prop.value.text)
            return edits, f"it belongs in its `{home.name}` block"
        if set(home.block.required_attributes) - {name} or home.block.required_blocks or not self.hcl:
            return None
        edits = self.file.replace_entry(container, prop, [(home.name, [(name, prop.value.text)])])
        return edits, f"it belongs in a `{home.name}` block"

    def _lift(self, container, prop: Prop, blocks):
        """An unknown block (or object) holding only arguments of the block it stands in, none
        set beside it: the wrapper of another resource's inline block, unwrapped."""
        objects = prop.value.objects()
        if len(objects) != 1 or not objects[0].props:
            return None
        inner = objects[0]
        names = [terraform_name(self.file, p.key, blocks[0]) for p in inner.props]
        if any(n not in blocks[0].names for n in names) or any(self.file.entry(container, n) is not None for n in names):
            return None
        said = f"what it holds ({', '.join(f'`{n}`' for n in names)}) belongs to the block itself"
        if any(p.block for p in inner.props):  # nested blocks keep their own layout
            edits = self.file.unwrap_entry(container, prop) if prop.block and names == [p.key for p in inner.props] else []
            return (edits, said) if edits else None
        entries = [(n, p.value.text) for n, p in zip(names, inner.props)]
        return self.file.replace_entry(container, prop, entries), said

    def _unknown_type(self, resource: Resource, judge: Judge):
        data = resource.is_data
        bare = resource.type.removeprefix("data.")
        kind = "data source" if data else "resource type"
        if bare in judge.any_types(data):
            where = ", ".join(_named(s) for s, b in zip(judge.schemas, judge.blocks(resource.type)) if b is not None)
            yield self._problem("type", resource, resource.body, None, bare, resource.type,
                                f"{bare} is not a {kind} of {_named(judge.primary)} (it is one of {where})", at=(resource.line, resource.col))
            return
        new, candidates = meant_types(bare, judge, data, _written_names(self.file, resource))
        if new is not None and self._declared(("data." if data else "") + new, resource):
            # aws_lambda_function_code "x" beside aws_lambda_function "x": renamed, the two collide
            yield self._problem("type", resource, resource.body, None, bare, resource.type,
                                f"{bare} is not a {kind} of the {judge.local_name} provider: it is {new}, "
                                f"but {new}.{resource.name} is declared already (a human merges or renames them)", at=(resource.line, resource.col))
            return
        if new is not None:
            edits = self.file.rename_resource_type(resource, ("data." if data else "") + new)
            for other in self.ctx.files("hcl"):
                if other.path.parent == resource.path.parent and resource.address:
                    edits += [e for e in other.rename_reference(resource.address, ("data." if data else "") + f"{new}.{resource.name}")
                              if other is not self.file or not any(_overlap(e, x) for x in edits)]
            message = f"{bare} is not a {kind} of the {judge.local_name} provider: it is {new}"
            yield self._problem("type", resource, resource.body, None, bare, resource.type, message, edits, at=(resource.line, resource.col))
            return
        said = f": it may be {' or '.join(candidates)}" if candidates else ""
        yield self._problem("type", resource, resource.body, None, bare, resource.type,
                            f"{bare} is not a {kind} of {_named(judge.primary)}{said}", at=(resource.line, resource.col))


    def _declared(self, rtype: str, resource: Resource) -> bool:
        """Whether the module (the files of the resource's folder) declares `rtype` with its label."""
        return any(
            r.type == rtype and r.name == resource.name
            for other in self.ctx.files("hcl") if other.path.parent == resource.path.parent
            for r in other.resources()
        )


# -- helpers -------------------------------------------------------------------------------------------
def _named(schema) -> str:
    """`hashicorp/aws 6.66.0`: a schema as messages name it."""
    return f"{schema.address} {schema.version}"


def _overlap(a: Edit, b: Edit) -> bool:
    return a.path == b.path and a.start < b.end and b.start < a.end


def _deprecated(judge: Judge, blocks, name: str) -> bool:
    """Whether an exact schema among the judging ones deprecates the name: a derived schema does
    not know (the primary, aws 6, is derived; aws 5.100.0 below it is exact)."""
    for schema, block in zip(judge.schemas, blocks):
        if schema.exact and block is not None:
            spec = block.attribute(name) or block.block_type(name)
            return spec is not None and (spec.deprecated if isinstance(spec, Attribute) else spec.block.deprecated)
    return False


# What an argument named after a thing holds: `role_arn`, `subnet_ids`, `cidr_blocks`.
_TAILS = ("_id", "_arn", "_name")
_LIST_TAILS = ("_ids", "_arns", "_names", "_blocks")


def close_names(name: str, names, n: int = 6) -> list[str]:
    """Among `names` (any spelling), those a name could be a misspelling of, closest first: as
    close as 0.75, one holding the other (four letters at least), or two telling words in common
    (`source_security_group_id` and `security_groups`)."""
    flat = _flat(name)
    words = _telling_words(snake_case(name))
    scored = []
    for candidate in names:
        other = _flat(candidate)
        ratio = difflib.SequenceMatcher(None, flat, other).ratio()
        if ratio >= 0.75 or (min(len(flat), len(other)) >= 4 and (flat in other or other in flat)) or len(words & _telling_words(snake_case(candidate))) >= 2:
            scored.append((-ratio, candidate))
    return [c for _, c in sorted(set(scored))][:n]


def _lost_content(block: Block, depth: int = 0) -> bool:
    """A block type of a derived schema that holds nothing: what it holds was lost (the names a
    removal is weighed against are then not all known)."""
    return any(not b.block.attributes and not b.block.block_types or (depth < 4 and _lost_content(b.block, depth + 1))
               for b in block.block_types.values() if b.name != "timeouts")


def _all_names(block: Block, depth: int = 0) -> list[str]:
    out = [n for n, a in block.attributes.items() if a.settable]
    for nested in block.block_types.values():
        out.append(nested.name)
        if depth < 4:
            out += _all_names(nested.block, depth + 1)
    return out


def _owner_elsewhere(judge: Judge, resource: Resource, name: str) -> str | None:
    """The resource type of the provider that holds what the name asks for: a type named after the
    resource and it (`metric` of aws_s3_bucket → aws_s3_bucket_metric,
    `public_access_block_configuration` → aws_s3_bucket_public_access_block), or a type named after
    the resource that has an argument of that name."""
    data = resource.is_data
    rtype = resource.type.removeprefix("data.")
    known = judge.types(data)
    stem = re.sub(r"_(configuration|config|settings|setting)$", "", name)
    last = rtype.rsplit("_", 1)[-1]
    for base in dict.fromkeys((stem, stem.removeprefix(last + "_"))):  # `integration_responses` of aws_api_gateway_integration
        for candidate in (f"{rtype}_{base}", f"{rtype}_{base}s", f"{rtype}_{base.removesuffix('s')}", f"{rtype}_{base}_configuration"):
            if candidate in known:
                return candidate
    if f"{rtype}_{name}" in known:
        return f"{rtype}_{name}"
    for other in sorted(t for t in known if t.startswith(rtype + "_")):
        block = judge.blocks(("data." if data else "") + other)[0]
        if block is not None and name in block.argument_names and name not in ("tags", "region"):
            return other
    return None


def removal_is_safe(value: Value, close: list[str], owner: str | None, names=(), own=()) -> bool:
    """Whether removing an argument the provider does not have keeps every setting the code has:
    its value asks for nothing, or nothing of the provider's is close to its name, no other
    resource holds it and it holds none of the provider's own names — the block's own (`own`), or
    a telling one of a block deeper (`names`, eight letters or more: `enabled`, `mode`, `days` are
    everywhere): a wrapper of settings that are real — and it is no content of several lines (the
    inline code of `zip_file`). Otherwise the removal is offered as an unsafe fix (in every
    flavour)."""
    if owner:
        return False
    if _neutral(value):
        return True
    if "\n" in value.text.strip() and value.kind not in ("object", "array"):
        return False  # content (inline code, a document) a human may want to move elsewhere
    known = {_flat(n) for n in names}
    direct = {_flat(n) for n in own}
    inner = [_flat(snake_case(p.key)) for o in value.objects() for p in o.props]
    return not close and not any(k in direct or (k in known and len(k) >= 8) for k in inner)


def known_elsewhere(ctx, resource_type: str, name: str) -> str:
    """" (it is one in hashicorp/aws 5.100.0)" when a version the project may get has the
    argument (the CDKTF bindings are one version: 6.25); "" otherwise."""
    judge = judge_of(ctx, resource_type)
    if judge is None:
        return ""
    found = [_named(s) for s, b in zip(judge.schemas, judge.blocks(resource_type)) if b is not None and name in b.names]
    return f" (it is one in {', '.join(found)})" if found else ""


def owner_elsewhere(ctx, resource_type: str, name: str) -> str | None:
    """`_owner_elsewhere` for a resource type by name (the CDKTF rules know the type, not a Resource)."""
    judge = judge_of(ctx, resource_type)
    if judge is None:
        return None
    probe = Resource(Path(), "", resource_type, None, None, {}, Value("object", "", (0, 0), 0, 0), 0, 0)
    return _owner_elsewhere(judge, probe, name)


# Words too common in argument names to say two names mean the same thing.
_COMMON_WORDS = frozenset({"arn", "arns", "ids", "name", "names", "type", "tags", "config", "configuration", "settings",
                           "setting", "enabled", "enable", "details", "policy", "rule", "rules", "options", "mode"})


def by_form(name: str, owner_words: list[str], valid) -> str | None:
    """The argument a name means by its form: the initials of its words (`fully_qualified_domain_name`
    → `fqdn`), or, being a word of its owner's type, the owner's `name` (`alias` of aws_kms_alias)."""
    initials = "".join(w[0] for w in name.split("_") if w)
    if len(initials) >= 3 and initials in valid:
        return initials
    if name in owner_words:
        return next((n for n in ("name", f"{name}_name") if n in valid), None)
    return None


def _telling_words(name: str) -> set[str]:
    """The words of a snake_case name that say what it is about, singular (`groups` → `group`)."""
    return {w.removesuffix("s") for w in name.split("_") if len(w) >= 3 and w not in _COMMON_WORDS}


def _shares_word(a: str, b: str) -> bool:
    """Two snake_case names with a telling word in common (`snapshot_name` and
    `db_cluster_snapshot_identifier`, `git_repo` and `git_config`)."""
    return bool(_telling_words(a) & _telling_words(b))


def _holds_only(value: Value, block: Block) -> bool:
    """An object (or block) whose entries are all arguments of `block`."""
    objects = value.objects()
    return bool(objects) and all(p.key in block.names for o in objects for p in o.props) and any(o.props for o in objects)


def _neutral(value: Value) -> bool:
    """A value that asks for nothing: false, 0, "", null, [] or {}."""
    if value.kind == "bool":
        return value.value is False
    if value.kind == "number":
        return value.value == 0
    if value.kind == "string":
        return value.value == ""
    if value.kind == "null":
        return True
    return value.kind in ("array", "object") and not value.items and not value.props and "{" not in value.text.strip()[1:-1]


_NULLABLE = re.compile(r"\b(?:var|local|each)\.|\bnull\b|\?|\b(?:try|lookup|one)\(")


def _may_be_null(value: Value) -> bool:
    """An expression that may be null when validated: it reads an input, a local or an iterator,
    or chooses (`? :`, try, lookup)."""
    return value.kind == "expr" and bool(_NULLABLE.search(value.text))


def _deep_home(block: Block, name: str) -> tuple[str, str] | None:
    """(outer, inner): the one pair of single blocks, nothing else required in them, whose inner
    one has the settable argument `name`."""
    homes = []
    for outer in block.block_types.values():
        for inner in outer.block.block_types.values():
            attribute = inner.block.attributes.get(name)
            if attribute is not None and attribute.settable:
                homes.append((outer, inner))
    if len(homes) != 1:
        return None
    outer, inner = homes[0]
    simple = outer.max_items == 1 and inner.max_items == 1 and not (set(inner.block.required_attributes) - {name}) and not inner.block.required_blocks
    simple = simple and not outer.block.required_attributes and set(outer.block.required_blocks) <= {inner.name}
    return (outer.name, inner.name) if simple else None


def _settable(block: Block) -> list[str]:
    return [n for n, a in block.attributes.items() if a.settable and not a.deprecated] + list(block.block_types)


def _closest(name: str, names: list[str], n: int = 6) -> list[str]:
    ranked = sorted(names, key=lambda c: (-difflib.SequenceMatcher(None, _flat(name), _flat(c)).ratio(), c))
    return [f"`{c}`" for c in ranked[:n]] + (["…"] if len(ranked) > n else [])


_PRIMITIVE_OF_KIND = {"string": "string", "template": "string", "number": "number", "bool": "bool"}


def _fits(spec: Attribute | NestedBlock | None, value: Value) -> bool:
    """Whether a value written under one name could be the value of another (a near name is
    taken only when it does)."""
    if spec is None or value.kind in ("expr", "null"):
        return True
    if isinstance(spec, NestedBlock):
        return value.kind in ("object", "array")
    kind = spec.type.kind
    if kind == "dynamic" or spec.opaque:
        return True
    if value.kind in _PRIMITIVE_OF_KIND:
        return kind in ("string", "number", "bool")
    if value.kind == "array":
        return kind in ("list", "set", "tuple")
    if value.kind == "object":
        return kind in ("map", "object")
    return True


def _near(name: str, valid: list[str], value: Value, block: Block) -> list[str]:
    """The one close name (no second one nearly as close) whose type fits the value."""
    scored = sorted(((difflib.SequenceMatcher(None, _flat(name), _flat(n)).ratio(), n) for n in valid), reverse=True)
    if not scored or scored[0][0] < 0.85:
        return []
    close = [n for r, n in scored if r > scored[0][0] - 0.05]
    fitting = [n for n in close if _fits(block.attribute(n) or block.block_type(n), value)]
    return fitting if len(fitting) == len(close) else fitting[:0] if len(close) > 1 else fitting


_OBJECT_BLOCKS: dict[CtyType, Block] = {}


def _object_block(t: CtyType) -> Block | None:
    """An object type (or a list, set or map of them) as the block its keys are checked like."""
    if t.kind in ("list", "set", "map") and t.element is not None:
        t = t.element
    if t.kind != "object" or not t.attributes:
        return None
    block = _OBJECT_BLOCKS.get(t)
    if block is None:
        block = _OBJECT_BLOCKS[t] = Block({n: Attribute(n, at, optional=True) for n, at in t.attributes})
    return block


def _blocks_allowed(attribute: Attribute) -> bool:
    """Terraform reads blocks as the value of a list or set of objects (its "attributes as
    blocks": `ingress { ... }` of aws_security_group, `route { ... }` of aws_route_table), except
    for an attribute with nested attributes (protocol 6), which is an attribute only."""
    return attribute.nested is None and attribute.type.kind in ("list", "set") and _of_objects(attribute.type)


def _of_objects(t: CtyType) -> bool:
    return t.element is not None and t.element.kind in ("object", "map", "dynamic")


def _unconvertible(value: Value, wanted: CtyType) -> str | None:
    """What Terraform says of a literal it cannot convert to `wanted`, None when it can."""
    kind = wanted.kind
    if value.kind == "string":
        if kind == "number" and not _is_number(str(value.value)):
            return f"is a number, not {value.text}"
        if kind == "bool" and str(value.value) not in ("true", "false"):
            return f"is a bool, not {value.text}"
        if kind in ("map", "object", "list", "set", "tuple"):
            return f"is a {wanted}, not a string"
    if value.kind in ("number", "bool") and kind in ("map", "object", "list", "set", "tuple"):
        return f"is a {wanted}, not a {value.kind}"
    if value.kind == "array" and kind in ("string", "number", "bool", "map", "object"):
        return f"is a {wanted}, not a list"
    if value.kind == "object" and kind in ("string", "number", "bool", "list", "set", "tuple"):
        return f"is a {wanted}, not an object"
    return None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _key_col(file, prop: Prop) -> int:
    return prop.key_span[0] - file.text.rfind("\n", 0, prop.key_span[0])


_DYNAMIC = re.compile(r'dynamic\s+"?([\w-]+)"?\s*\{\s*$')


def _dynamic_label(text: str, body: Value) -> str | None:
    """The label of a `dynamic "x" {` block from the text before its body."""
    start = text.rfind("\n", 0, body.span[0]) + 1
    match = _DYNAMIC.search(text[start : body.span[0]])
    return match.group(1) if match else None


def _written_names(file, resource: Resource) -> list[str]:
    meta = DATA_META if resource.is_data else RESOURCE_META
    return [n for n in resource.attrs if n not in meta and n != "dynamic"]


# -- the type a wrong type name means -------------------------------------------------------------------------
def meant_types(written: str, judge: Judge, data: bool, arguments: list[str]) -> tuple[str | None, list[str]]:
    """(the valid type a type name that does not exist means when that is clear, the types it
    may mean, best first). Candidates: the same words spelled otherwise (case, underscores: `aws_api_gateway_v2_api`
    → aws_apigatewayv2_api), the last word's plural, the provider's own word for a service
    (TYPE_WORD_ALIASES: `aws_rds_instance` → aws_db_instance), one word more or less
    (`aws_ec2_instance` → aws_instance), then close spellings. Among those, the types whose
    schema knows most of the arguments written wins; two left, or none knowing half of them:
    they are said, none taken."""
    known = judge.types(data)
    flat = _flat(written)
    tiers: list[list[str]] = [
        [t for t in known if _flat(t) == flat],
        [t for t in known if t + "s" == written or t == written + "s" or t + "es" == written],
        _aliased(written, known),
        _one_word(written, known),
        _words_in_order(written, known),
    ]
    scored = sorted(((difflib.SequenceMatcher(None, flat, _flat(t)).ratio(), t) for t in known), reverse=True)
    tiers.append([t for r, t in scored if r >= 0.85 and r > scored[0][0] - 0.05] if scored and scored[0][0] >= 0.85 else [])
    for tier in tiers:
        if not tier:
            continue
        tier = _same_resource(sorted(set(tier)))
        fit = {t: _fit(judge, data, t, arguments) for t in tier}
        best = max(fit.values())
        winners = [t for t in tier if fit[t] == best]
        if len(winners) == 1 and best >= 0.5:
            return winners[0], winners
        return None, sorted(tier, key=lambda t: -fit[t])  # several, or none the arguments fit: said, not taken
    return None, []


def _aliased(written: str, known: frozenset[str]) -> list[str]:
    words = written.split("_")
    out = []
    for i, word in enumerate(words):
        for alias in TYPE_WORD_ALIASES.get(word, ()):
            candidate = "_".join(w for w in [*words[:i], alias, *words[i + 1 :]] if w)
            if candidate in known:
                out.append(candidate)
    return out


def _one_word(written: str, known: frozenset[str]) -> list[str]:
    """Types with one word more (not at the end: `_state`, `_policy` make another resource) or
    one word less (not the last) than the name."""
    words = written.split("_")
    out = [t for i in range(1, len(words) - 1) if (t := "_".join(words[:i] + words[i + 1 :])) in known]
    for t in known:
        other = t.split("_")
        if len(other) == len(words) + 1 and other[-1] == words[-1]:
            if any(other[:i] + other[i + 1 :] == words for i in range(1, len(other) - 1)):
                out.append(t)
    return out


def _words_in_order(written: str, known: frozenset[str]) -> list[str]:
    """Types that start with the name's first two words and hold all its words in order, more
    between them (`aws_s3_bucket_encryption` → aws_s3_bucket_server_side_encryption_configuration)."""
    words = written.split("_")
    if len(words) < 3:
        return []
    pattern = re.compile("^" + re.escape("_".join(words[:2])) + "".join(r"(?:_[a-z0-9]+)*?_" + re.escape(w) for w in words[2:]) + r"(?:_[a-z0-9]+)*$")
    return [t for t in known if pattern.match(t)]


def _same_resource(types: list[str]) -> list[str]:
    """aws_alb_* are aliases of aws_lb_*: one resource, spelled the provider's current way."""
    return [t for t in types if not (t.startswith("aws_alb") and "aws_lb" + t[len("aws_alb") :] in types)]


def _fit(judge: Judge, data: bool, rtype: str, arguments: list[str]) -> float:
    """The share of the arguments written that the type's schema knows (1 with none written)."""
    block = judge.blocks(("data." if data else "") + rtype)[0]
    if block is None:
        return 0.0
    return sum(a in block.names for a in arguments) / len(arguments) if arguments else 1.0


# -- the value a missing required argument takes ---------------------------------------------------------------
# How an argument names what it points at: `vpc_id` reads the id of the module's VPC.
_POINTER = re.compile(r"^(?P<stem>[a-z0-9_]+?)_(?P<attribute>id|arn|name)$")
# Arguments that hold the resource's own name (TF106's list agrees): filled from its label.
NAME_ARGUMENTS = frozenset({"name", "identifier", "function_name", "cluster_identifier", "alarm_name", "family",
                            "replication_group_id", "cluster_id", "layer_name", "stage_name", "queue_name", "topic_name",
                            "repository_name", "project_name", "pipeline_name"})
# Types whose name has a form of its own (a DNS name, `alias/...`): not filled from a label.
FORMED_NAMES = frozenset({"aws_route53_record", "aws_route53_zone", "aws_kms_alias", "aws_acm_certificate",
                          "aws_ses_domain_identity", "aws_ses_email_identity", "aws_cloudfront_distribution"})
ENVIRONMENT_SUFFIX = "environment_suffix"


@dataclass(frozen=True)
class Filling:
    """What a missing required argument is set to, and why (None: what it needs, said)."""

    value: str | None
    said: str


def required_value(ctx, problem: Problem) -> Filling:
    """The value the project determines for a missing required argument of a resource: a
    reference to the only resource of the type it points at (`vpc_id` → the module's one VPC's
    `id`), or for a name the resource's label (with the project's environment suffix). Several
    resources it could point at: named, none taken."""
    spec, name, resource = problem.spec, problem.name, problem.resource
    if not isinstance(spec, Attribute) or problem.container is not resource.body or spec.type.kind != "string":
        return Filling(None, "")
    file = ctx.file(resource.path)
    pointer = _POINTER.match(name)
    stem, attribute = (pointer.group("stem"), pointer.group("attribute")) if pointer else (name, "id")
    own = resource.type.removeprefix("data.").split("_", 1)[-1]
    named = re.match(r"^(?P<stem>[a-z0-9_]+?)_(?:name|identifier|id)$", name)
    if name in NAME_ARGUMENTS and (named is None or own.endswith(named["stem"]) or not _points_elsewhere(ctx, resource, named["stem"])):
        return _name_value(ctx, resource, file)  # its own name: `function_name` of aws_lambda_function, `layer_name` of a layer version
    if pointer and attribute == "name" and own.endswith(stem):  # `user_name` of aws_elasticache_user
        return _name_value(ctx, resource, file)
    if named is not None and not pointer:  # `cluster_identifier` of a cluster instance: the cluster's id
        stem, attribute = named["stem"], "id"
    if name == "availability_zone" and file.language == "hcl":
        region = _provider_region(ctx, resource)
        if region:
            return Filling(f'"{region}a"', "the first availability zone of the region the provider deploys to")
    targets = _pointed(ctx, resource, stem)
    if not targets:
        return Filling(None, "")
    usable = [t for t in targets if t.ref and _reads(ctx, t, attribute)]
    if len(targets) == 1 and len(usable) == 1 and not _repeated(targets[0]):
        target = usable[0]
        read = attribute if _reads(ctx, target, attribute) is True else f"{stem.rsplit('_', 1)[-1]}_{attribute}"
        return Filling(file.reference(target.ref, read), f"the module's only {target.type.removeprefix('data.')}")
    listed = ", ".join(dict.fromkeys(t.address or t.type for t in targets[:6]))
    return Filling(None, f"it may be {listed}")


def _points_elsewhere(ctx, resource: Resource, stem: str) -> bool:
    """Whether the provider has a resource type of the same service named after `stem`
    (`cluster_identifier` of aws_rds_cluster_instance: aws_rds_cluster), which such an argument
    names; none (`layer_name` of aws_lambda_layer_version): it is the resource's own name."""
    judge = judge_of(ctx, resource.type)
    if judge is None:
        return False
    bare = resource.type.removeprefix("data.")
    service = "_".join(bare.split("_")[:2]) + "_"
    return any(t != bare and t.startswith(service) and t.endswith("_" + stem) for t in judge.types(False))


def _pointed(ctx, resource: Resource, stem: str) -> list[Resource]:
    """The resources of the module (HCL: the same folder; CDKTF: the same file) whose type ends in
    the words of `stem` (`vpc` → aws_vpc, `security_group` → aws_security_group, `role` →
    aws_iam_role), not the resource itself."""
    suffix = "_" + stem
    out = []
    for other in ctx.resources():
        if other is resource or other.path.parent != resource.path.parent or (other.language != "hcl" and other.path != resource.path):
            continue
        bare = other.type.removeprefix("data.")
        if bare.endswith(suffix) and terraform_schema.provider_of(bare) == terraform_schema.provider_of(resource.type):
            out.append(other)
    return out


def _reads(ctx, target: Resource, attribute: str):
    """True when the target's schema has `attribute`; "prefixed" when it has it after its last
    type word (`function_name` on aws_lambda_function); False otherwise."""
    judge = judge_of(ctx, target.type)
    block = judge.blocks(target.type)[0] if judge else None
    if block is None:
        return False
    if attribute in block.attributes:
        return True
    return "prefixed" if f"{target.type.rsplit('_', 1)[-1]}_{attribute}" in block.attributes else False


def _repeated(resource: Resource) -> bool:
    """A resource with count or for_each: reading it needs an index."""
    return "count" in resource.attrs or "for_each" in resource.attrs


def _name_value(ctx, resource: Resource, file) -> Filling:
    if not resource.name or resource.type in FORMED_NAMES:
        return Filling(None, "")
    label = resource.name.replace("_", "-")
    if file.language == "hcl" and _declares_variable(ctx, resource, ENVIRONMENT_SUFFIX):
        return Filling(f'"{label}-${{var.{ENVIRONMENT_SUFFIX}}}"', "the resource's label and the environment suffix")
    return Filling(file.literal(label), "the resource's label")


_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")


def _provider_region(ctx, resource: Resource) -> str | None:
    """The region the module's default provider of the resource's kind deploys to, when the code
    writes it (`region = "us-east-1"`, or a variable's literal default)."""
    local = terraform_schema.provider_of(resource.type)
    regions = set()
    for f in ctx.files("hcl"):
        if f.path.parent != resource.path.parent:
            continue
        for block in getattr(f, "blocks", []):
            if block.type != "provider" or block.labels != [local]:
                continue
            attrs = {a.key: a.prop.value for a in block.attributes}
            if "alias" in attrs or "region" not in attrs:
                continue
            value = attrs["region"]
            if value.kind == "string":
                regions.add(value.value)
            elif value.kind == "expr" and value.text.startswith("var."):
                regions.add(_variable_default(ctx, resource, value.text[4:]))
    regions.discard(None)
    region = regions.pop() if len(regions) == 1 else None
    return region if region and _REGION.fullmatch(region) else None


def _variable_default(ctx, resource: Resource, name: str) -> str | None:
    for f in ctx.files("hcl"):
        if f.path.parent != resource.path.parent:
            continue
        for block in getattr(f, "blocks", []):
            if block.type == "variable" and block.labels == [name]:
                default = next((a.prop.value for a in block.attributes if a.key == "default"), None)
                return default.value if default is not None and default.kind == "string" else None
    return None


def _declares_variable(ctx, resource: Resource, name: str) -> bool:
    pattern = re.compile(r'^\s*variable\s+"?' + re.escape(name) + r'"?\s*\{', re.M)
    return any(f.path.parent == resource.path.parent and pattern.search(f.text) for f in ctx.files("hcl"))
