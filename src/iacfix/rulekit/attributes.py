"""What a CDKTF resource exposes to read: the shape of each attribute, from the provider schemas.

The CDKTF bindings (rulekit.schema) name a class's attributes but not their types; the Terraform
schema of the provider version the bindings were generated from (iacfix.provider_schema) gives
them: `names` of data.aws_availability_zones is a list of strings, `identity` of aws_eks_cluster a
list of objects. CDKTF turns a list of strings into a token list (`string[]` / `list[str]`, read
with `Fn.element(list, i)`), a list of objects into a `...List` class (read with `.get(i)`), a
nested block of at most one into an `...OutputReference` (read directly).

    shape = resource_shape(schema.load().cls("EksCluster"))
    shape.member("identity").kind                  # "object-list"
    shape.member("identity").element.member("oidc")
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from iacfix import provider_schema
from iacfix.rulekit import schema

# Kinds: a scalar; a list (or set) of scalars; an object (a block of at most one, an object
# attribute); a list of objects; a map.
VALUE, VALUE_LIST, OBJECT, OBJECT_LIST, MAP = "value", "value-list", "object", "object-list", "map"


@dataclass(frozen=True)
class Shape:
    kind: str
    block: object = None  # provider_schema.Block of an object read from a block
    cty: object = None  # provider_schema.CtyType of an object read from an attribute's type

    @property
    def is_list(self) -> bool:
        return self.kind in (VALUE_LIST, OBJECT_LIST)

    @property
    def element(self) -> Shape | None:
        """What one item of a list of objects is."""
        if self.kind != OBJECT_LIST:
            return None
        return Shape(OBJECT, self.block, self.cty.element if self.cty is not None else None)

    def member(self, name: str) -> Shape | None:
        """The attribute `name` (Terraform, CDKTF camelCase or Python spelling) of an object."""
        if self.kind != OBJECT:
            return None
        key = _terraform_name(name)
        if self.block is not None:
            attribute = self.block.attribute(key)
            if attribute is not None and attribute.type is not None:
                return _of_type(attribute.type)
            nested = self.block.block_type(key)
            if nested is not None:
                single = nested.nesting in ("single", "group") or nested.max_items == 1
                return Shape(OBJECT if single else OBJECT_LIST, nested.block)
            return None
        if self.cty is not None and self.cty.kind == "object":
            found = dict(self.cty.attributes).get(key)
            return _of_type(found) if found is not None else None
        return None


def resource_shape(info: schema.ClassInfo | None) -> Shape | None:
    """The object a resource or data source class of the CDKTF bindings reads as, from the
    Terraform schema of the provider major those bindings were generated from."""
    if info is None or not info.terraform_type or info.kind not in ("resource", "data"):
        return None
    tf = _terraform_schema()
    if tf is None:
        return None
    if info.kind == "data":
        block = tf.data_source(info.terraform_type.removeprefix("data."))
    else:
        block = tf.resource(info.terraform_type)
    return Shape(OBJECT, block) if block is not None else None


@lru_cache(maxsize=1)
def _terraform_schema():
    bundled = schema.load().terraform_provider or ""  # "hashicorp/aws 6.25.0"
    source, _, version = bundled.partition(" ")
    major = version.split(".")[0]
    return provider_schema.for_provider(source, f"~> {major}.0") if major.isdigit() else None


def _of_type(cty) -> Shape:
    if cty.kind in ("list", "set"):
        element = cty.element
        if element is not None and element.kind == "object":
            return Shape(OBJECT_LIST, cty=cty)
        return Shape(VALUE_LIST)
    if cty.kind == "map":
        return Shape(MAP)
    if cty.kind == "object":
        return Shape(OBJECT, cty=cty)
    return Shape(VALUE)


def _terraform_name(name: str) -> str:
    """`addressLine1` / `address_line1` → Terraform's `address_line_1` is the schema's business;
    this is the plain snake_case, which every attribute a rule reads here follows."""
    return re.sub(r"_$", "", schema.snake_case(name))
