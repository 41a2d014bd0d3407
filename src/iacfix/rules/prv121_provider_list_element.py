"""PRV121: an item of a resource's list attribute read as if the list were there at synth."""

from __future__ import annotations

import re

from iacfix.model import Edit, Location
from iacfix.rule import Invalid, Rule, Valid
from iacfix.rulekit import attributes, schema
from iacfix.rulekit.cdktf_view import Chain, Segment

_INDEX = re.compile(r"\s*(?:\d+|[A-Za-z_$][\w$.]*(?:\s*[-+*%]\s*(?:\d+|[A-Za-z_$][\w$.]*))*)\s*")


class ProviderListElement(Rule):
    """Read an item of a resource's list attribute the way CDKTF can: `Fn.element` or `.get(i)`.

    What it does: follows each attribute read from a provider resource or data source (a
    variable the file builds it into: `azs.names[0]`, `this.cluster.identity[0].oidc[0].issuer`)
    through the attribute types of the provider schema, and rewrites an item read by index:
    - from a list of strings or numbers (`names` of data.aws_availability_zones): the list is a
      Terraform value unknown until apply, a token in the code, so the item is Terraform's:
      `Fn.element(azs.names, 0)` (`Fn` imported from cdktf when the file does not have it);
    - from a list of objects (`identity` of aws_eks_cluster): CDKTF's list class reads an item
      with `.get(i)`: `cluster.identity.get(0).oidc.get(0).issuer`. Python's `identity_get(0)`
      is that too.
    `.get(i)` on a list of strings becomes `Fn.element` the same way.

    Why: in TypeScript `names.get(0)` does not compile (`string[]` has no `get`), `identity[0]`
    does not either, and `names[0]` compiles but is the whole list's token (`names[1]` is
    undefined): synth fails or writes the wrong value. In Python `names[1]` raises IndexError
    and `identity[0]` TypeError ("not subscriptable") before anything is synthesized.

    The attribute types come from the Terraform schema of the provider version the bundled
    CDKTF bindings were generated from; an attribute the schema does not know is left alone.

    Fix (safe): the same item, read through Terraform or the list class.
    """

    code = "PRV121"
    name = "provider-list-element"
    flavours = ("cdktf-ts", "cdktf-py")
    severity = "error"  # tsc or synth fails
    examples = [
        Invalid(
            "cdktf-ts",
            """\
import { Fn } from 'cdktf';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';

const azs = new DataAwsAvailabilityZones(this, 'azs', { state: 'available' });
const cluster = new EksCluster(this, 'eks', { name: 'main', roleArn: 'arn', vpcConfig: { subnetIds: [] } });
for (let i = 0; i < 2; i++) {
  new Subnet(this, `subnet-${i}`, { vpcId: 'vpc', cidrBlock: `10.0.${i}.0/24`, availabilityZone: azs.names[i] });
}
const issuer = cluster.identity[0].oidc[0].issuer;
const first = azs.names.get(0);
""",
            """\
import { Fn } from 'cdktf';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';

const azs = new DataAwsAvailabilityZones(this, 'azs', { state: 'available' });
const cluster = new EksCluster(this, 'eks', { name: 'main', roleArn: 'arn', vpcConfig: { subnetIds: [] } });
for (let i = 0; i < 2; i++) {
  new Subnet(this, `subnet-${i}`, { vpcId: 'vpc', cidrBlock: `10.0.${i}.0/24`, availabilityZone: Fn.element(azs.names, i) });
}
const issuer = cluster.identity.get(0).oidc.get(0).issuer;
const first = Fn.element(azs.names, 0);
""",
        ),
        Invalid(
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.data_aws_availability_zones import DataAwsAvailabilityZones
from cdktf_cdktf_provider_aws.eks_cluster import EksCluster

self.azs = DataAwsAvailabilityZones(self, "azs", state="available")
cluster = EksCluster(self, "eks", name="main", role_arn="arn", vpc_config={"subnet_ids": []})
zone = f"{self.azs.names[1]}"
issuer = cluster.identity_get(0).oidc[0].issuer
""",
            """\
from cdktf import Fn
from cdktf_cdktf_provider_aws.data_aws_availability_zones import DataAwsAvailabilityZones
from cdktf_cdktf_provider_aws.eks_cluster import EksCluster

self.azs = DataAwsAvailabilityZones(self, "azs", state="available")
cluster = EksCluster(self, "eks", name="main", role_arn="arn", vpc_config={"subnet_ids": []})
zone = f"{Fn.element(self.azs.names, 1)}"
issuer = cluster.identity.get(0).oidc.get(0).issuer
""",
        ),
        # Read the right way, or not a list of the provider's: left alone.
        Valid(
            "cdktf-ts",
            """\
import { Fn } from 'cdktf';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';

const azs = new DataAwsAvailabilityZones(this, 'azs', {});
const cluster = new EksCluster(this, 'eks', { name: 'main', roleArn: 'arn', vpcConfig: { subnetIds: [] } });
const zone = Fn.element(azs.names, 0);
const issuer = cluster.identity.get(0).oidc.get(0).issuer;
const subnets = cluster.vpcConfig.subnetIds;
const zones = [zone, issuer][0];
""",
        ),
    ]

    def check(self, ctx):
        s = schema.for_project(ctx)
        if s is None:  # the project pins a provider version the bundled schema does not describe
            return
        for file in ctx.files("typescript", "python"):
            chains = file.typed_view.chains
            if not chains:
                continue
            built = {c.assigned_to: c for c in file.typed_view.constructions if c.assigned_to}
            uses_fn = False
            findings = []
            for chain in chains:
                head, names = _head(chain.text)
                cons = built.get(head)
                if cons is None or not names or not _reads_an_item(chain):
                    continue
                name = schema.constructed_name(file, cons.callee)
                shape = attributes.resource_shape(s.cls(name) if name else None)
                if shape is None:
                    continue
                rewritten = _rewrite(file, chain, head, names, shape)
                if rewritten is None:
                    continue
                end, text, what = rewritten
                uses_fn = uses_fn or text.startswith("Fn.element(") or ", Fn.element(" in text
                findings.append((chain, Edit(file.path, chain.span[0], end, text), what))
            if not findings:
                continue
            imports = file.add_import("cdktf", "Fn") if uses_fn and "Fn" not in file.imported else []
            for i, (chain, edit, what) in enumerate(findings):
                yield self.finding(
                    Location(file.path, chain.line, chain.col),
                    what,
                    [edit, *(imports if i == 0 else [])],
                )


def _reads_an_item(chain: Chain) -> bool:
    """An index or a call follows the chain (`names[0]`, `names.get(0)`, `identity_get(0)`): only
    then are the attribute types worth looking up (the Terraform schema loads on first use)."""
    return any(segment.kind in ("index", "call") for segment in chain.after)


def _head(text: str) -> tuple[str, list[str]]:
    """`this.cluster.identity` → ("this.cluster", ["identity"]); `azs.names` → ("azs", .names)."""
    parts = text.split(".")
    if parts[0] in ("this", "self") and len(parts) > 1:
        return ".".join(parts[:2]), parts[2:]
    return parts[0], parts[1:]


def _rewrite(file, chain: Chain, head: str, names: list[str], shape):
    """(end of what is rewritten, its new text, the finding's message) for a chain that reads a
    list item wrongly; None when it reads nothing wrongly."""
    python = file.language == "python"
    start = chain.span[0]
    position = start + len(head)
    segments = []
    for name in names:  # the dotted part, then what the view saw after it
        segments.append(Segment("prop", (position, position + 1 + len(name)), name=name))
        position += 1 + len(name)
    segments += chain.after
    text = head
    changed, end, why, attr = False, start, None, None
    i = 0
    while i < len(segments):
        seg = segments[i]
        call = segments[i + 1] if i + 1 < len(segments) and segments[i + 1].kind == "call" else None
        if seg.kind == "non-null":
            text += "!"
        elif seg.kind == "prop" and shape.kind == attributes.OBJECT:
            member = shape.member(seg.name)
            if member is None and python and seg.name.endswith("_get") and call is not None:
                member = shape.member(seg.name[:-4])  # `identity_get(0)`: the list's `get`
                if member is None or not member.is_list:
                    break
                text += "." + seg.name[:-4]
                shape, changed, attr = member, True, seg.name[:-4]
                why = why or f"`{seg.name}(...)` is `{seg.name[:-4]}.get(...)`"
                segments.insert(i + 1, Segment("prop", (seg.span[1], seg.span[1]), name="get"))
                end = seg.span[1]
                i += 1
                continue
            if member is None:
                break
            text += file.text[seg.span[0] : seg.span[1]]
            shape, attr = member, seg.name
        elif shape.is_list and (seg.kind == "index" or (seg.kind == "prop" and seg.name == "get" and call)):
            index = seg.index if seg.kind == "index" else (call.args[0] if len(call.args) == 1 else None)
            if index is None or not _INDEX.fullmatch(index):
                break
            if shape.kind == attributes.VALUE_LIST:
                text = f"Fn.element({text}, {index.strip()})"
                why = why or (
                    f"`{attr}` is a list of values Terraform knows at apply time, a token in the code: "
                    f"read an item with `Fn.element(..., {index.strip()})`"
                )
                end = (call or seg).span[1]
                changed = True
                break
            if seg.kind == "index":
                changed = True
                why = why or f"`{attr}` is a list of objects that CDKTF reads an item of with `.get({index.strip()})`"
            text += f".get({index.strip()})"
            shape = shape.element
            if call is not None:
                i += 1
        else:
            break
        end = (segments[i]).span[1]
        i += 1
    if not changed:
        return None
    return end, text, why
