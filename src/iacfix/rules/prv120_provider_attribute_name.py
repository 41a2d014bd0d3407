"""PRV120: an attribute read from a provider resource under a name the class does not have."""

from __future__ import annotations

import re

from iacfix.model import Edit, Location
from iacfix.rule import Invalid, Reported, Rule, Valid
from iacfix.rulekit import schema


class ProviderAttributeName(Rule):
    """Read a resource's attributes by the names its class has: `api.id`, not `api.restApiId`.

    What it does: checks each attribute read from a provider resource or data source the file
    builds (`api.restApiId`, `self.subnet_group.subnet_group_name`) against the attributes the
    class exposes (the bundled schema, generated from the package), and renames one it does not
    have when the class has exactly one meant:
    - the same name spelled for the other language: `bucket.bucket_domain_name` in TypeScript,
      `bucket.bucketDomainName` in Python;
    - the resource's own noun followed by one of its attributes, as CloudFormation and AWS CDK
      name them: `restApiId` of an ApiGatewayRestApi is its `id`, `subnetGroupName` of an
      ElasticacheSubnetGroup its `name`, `targetGroupArn` of an LbTargetGroup its `arn`
      (the noun: words of the class name, in order).
    A name that fits several attributes, or none, is reported with what the class has.

    Why: TypeScript does not compile ("Property 'restApiId' does not exist on type
    'ApiGatewayRestApi'") and the Python app dies with AttributeError before synth.

    Fix (safe): the attribute the class has under that meaning.
    """

    code = "PRV120"
    name = "provider-attribute-name"
    flavours = ("cdktf-ts", "cdktf-py")
    severity = "error"  # tsc or synth fails
    examples = [
        Invalid(
            "cdktf-ts",
            """\
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';

const api = new ApiGatewayRestApi(this, 'api', { name: 'orders' });
new ApiGatewayResource(this, 'res', { restApiId: api.restApiId, parentId: api.rootResourceId, pathPart: 'orders' });
const bucket = new S3Bucket(this, 'b', {});
const domain = bucket.bucket_domain_name;
""",
            """\
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';

const api = new ApiGatewayRestApi(this, 'api', { name: 'orders' });
new ApiGatewayResource(this, 'res', { restApiId: api.id, parentId: api.rootResourceId, pathPart: 'orders' });
const bucket = new S3Bucket(this, 'b', {});
const domain = bucket.bucketDomainName;
""",
        ),
        Invalid(
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.elasticache_subnet_group import ElasticacheSubnetGroup

self.subnet_group = ElasticacheSubnetGroup(self, "subnets", name="cache", subnet_ids=[])
group = self.subnet_group.subnet_group_name
""",
            """\
from cdktf_cdktf_provider_aws.elasticache_subnet_group import ElasticacheSubnetGroup

self.subnet_group = ElasticacheSubnetGroup(self, "subnets", name="cache", subnet_ids=[])
group = self.subnet_group.name
""",
            message="`ElasticacheSubnetGroup` has no attribute `subnet_group_name`: it is `name`",
            line=4,
        ),
        Reported(
            "cdktf-ts",
            """\
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';

const bucket = new S3Bucket(this, 'b', {});
const key = bucket.bucketKeyId;
""",
            message="`S3Bucket` has no attribute `bucketKeyId` (it has `arn`, `bucketDomainName`, "
            "`bucketRegionalDomainName`, `hostedZoneId`, `id`, `websiteEndpoint`)",
        ),
        # The class's own attributes and methods, and what is not a provider resource: left alone.
        Valid(
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket

bucket = S3Bucket(self, "b")
arn = bucket.arn
bucket.add_override("force_destroy", True)
fqn = bucket.fqn
stack = MyStack(self, "s")
other = stack.bucket_arn
""",
        ),
    ]

    def check(self, ctx):
        s = schema.for_project(ctx)
        if s is None:  # the project pins a provider version the bundled schema does not describe
            return
        for file in ctx.files("typescript", "python"):
            built = {c.assigned_to: c for c in file.typed_view.constructions if c.assigned_to}
            for chain in file.typed_view.chains or ():
                parts = chain.text.split(".")
                head_size = 2 if parts[0] in ("this", "self") else 1
                head, rest = ".".join(parts[:head_size]), parts[head_size:]
                cons = built.get(head)
                if cons is None or not rest or (len(rest) == 1 and chain.after and chain.after[0].kind == "call"):
                    continue  # not a resource of the file's, or a method called
                name = schema.constructed_name(file, cons.callee)
                info = s.cls(name) if name else None
                if info is None or info.kind not in ("resource", "data"):
                    continue
                written = rest[0]
                spelled = _spelled(info.attrs, file.language)
                if written in spelled or _base_member(written):
                    continue
                meant = _meant(info, written, spelled)
                start = chain.span[0] + len(head) + 1
                at = Location(file.path, chain.line, chain.col)
                if len(meant) == 1:
                    yield self.finding(
                        at,
                        f"`{info.name}` has no attribute `{written}`: it is `{meant[0]}`",
                        [Edit(file.path, start, start + len(written), meant[0])],
                    )
                elif meant:
                    yield self.finding(at, f"`{info.name}` has no attribute `{written}`: one of {', '.join(f'`{m}`' for m in meant)}")
                elif _looks_like_attribute(written):
                    yield self.finding(at, f"`{info.name}` has no attribute `{written}`{_listing(spelled)}")


def _spelled(attrs: tuple[str, ...], language: str) -> dict[str, str]:
    """The class's attributes as the file's language spells them → the camelCase name."""
    return {schema.python_name(a) if language == "python" else a: a for a in attrs}


def _words(name: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name.replace("_", " ")) if w.strip()]


def _meant(info: schema.ClassInfo, written: str, spelled: dict[str, str]) -> list[str]:
    """The attributes `written` stands for: the same words in the class's spelling, else the
    class's noun followed by an attribute's words."""
    words = _words(written)
    by_words = {tuple(_words(a)): a for a in spelled}
    same = by_words.get(tuple(words))
    if same is not None:
        return [same]
    noun = _words(info.name)
    if info.terraform_type:
        noun += _words(info.terraform_type.removeprefix("data.").removeprefix("aws_").replace("_", " "))
    found = []
    for cut in range(1, len(words)):
        prefix, suffix = words[:cut], tuple(words[cut:])
        if suffix in by_words and _contains(noun, prefix):
            found.append(by_words[suffix])
    return sorted(set(found))


def _contains(words: list[str], part: list[str]) -> bool:
    """`part` appears in `words` as a run of consecutive words."""
    return any(words[i : i + len(part)] == part for i in range(len(words) - len(part) + 1))


# What every construct and resource has besides its attributes (cdktf's TerraformResource,
# TerraformElement and Construct): a name of these is never an attribute read wrongly.
_BASE = re.compile(r"^(node|fqn|friendly_?unique_?id|terraform|cdktf_?stack|stack|raw_?overrides|count|provider|depends_?on|lifecycle|for_?each|connection|provisioners|to_|add_|reset_|put_|get_|interpolation|override|import|move|has_|with_)", re.I)


def _base_member(name: str) -> bool:
    return bool(_BASE.match(name)) or name.endswith(("Input", "_input"))


def _looks_like_attribute(name: str) -> bool:
    """An id, ARN, name, URL or endpoint read under another name is a wrong attribute; anything
    else may be a member of cdktf's base classes the schema does not list."""
    return bool(re.search(r"(Id|Arn|Name|Url|Endpoint|_id|_arn|_name|_url|_endpoint)$", name))


def _listing(spelled: dict[str, str]) -> str:
    names = sorted(n for n in spelled if _looks_like_attribute(n) or n in ("id", "arn", "name", "url", "endpoint"))
    return f" (it has {', '.join(f'`{n}`' for n in names[:8])})" if names else ""
