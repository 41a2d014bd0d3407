"""Tags that resources repeat by hand (TAG103 moves them to the provider's default_tags, TF107 to
`local.common_tags`): which pairs are common, which resources lack them."""

from __future__ import annotations

import re
from collections import Counter

from iacfix.model import Value
from iacfix.rulekit import schema

MIN_RESOURCES = 3  # a pair on fewer resources is not a convention
# In HCL a value may be an input or a local (in scope everywhere in the module); in CDKTF only a
# literal is sure to be in scope where the provider is built.
_HCL_SHARED = re.compile(r'"[^"$%]*"|(?:var|local)\.[\w-]+')


def missing_tags(ctx, pairs: set) -> list:
    """Resources that lack (some of) the common pairs while another resource of the same type
    carries them all: tagging drift. Types nobody tags in the module
    (listeners, instance profiles ...) are not counted; a `tags` that is not a map literal
    (`merge(local.common_tags, ...)`, a variable) counts as tagged."""
    s = schema.load()
    full, lacking = set(), []
    for r in ctx.resources():
        struct = s.resource_struct(r.type)
        if struct is None or struct.prop("tags") is None:
            continue
        tags = r.attr_value("tags")
        if tags is None or (tags.kind == "object" and not pairs <= {(p.key, p.value.text) for p in tags.props}):
            lacking.append(r)
        elif tags.kind == "object":
            full.add(r.type)
    return [r for r in lacking if r.type in full]


def tag_maps(ctx) -> list[Value]:
    """The `tags` of every resource that writes them as a map literal."""
    return [v for r in ctx.resources() if (v := r.attr_value("tags")) is not None and v.kind == "object"]


def common_pairs(maps: list[Value], hcl: bool) -> list[tuple[str, str]]:
    """(key, value text) pairs carried by at least MIN_RESOURCES and half of the tag maps, in
    the order the first of them writes them."""
    counts: Counter = Counter()
    order: dict[tuple[str, str], int] = {}
    for m in maps:
        for p in m.props:
            shared = _HCL_SHARED.fullmatch(p.value.text) if hcl else p.value.kind == "string"
            if p.key == "Name" or not shared:
                continue
            pair = (p.key, p.value.text)
            counts[pair] += 1
            order.setdefault(pair, len(order))
    common = [pair for pair, n in counts.items() if n >= MIN_RESOURCES and 2 * n >= len(maps)]
    keys = Counter(k for k, _ in common)
    return sorted((p for p in common if keys[p[0]] == 1), key=order.__getitem__)
