"""CDK105: a resource's provider given as the Terraform alias string, not the provider construct."""

from __future__ import annotations

import re

from iacfix.model import Edit, Location
from iacfix.rule import Invalid, Reported, Rule, Valid
from iacfix.rulekit import schema
from iacfix.rulekit.cdktf_view import Construction
from iacfix.rulekit.text import camel_case

_ALIAS = re.compile(r"(?:(?P<type>[a-z][a-z0-9]*)\.)?(?P<alias>[A-Za-z0-9_-]+)")


class ProviderPassedAsString(Rule):
    """Give a resource the provider construct itself, not the `aws.<alias>` string.

    What it does: finds a resource whose `provider` is a string (`provider: 'aws.west'`,
    `provider="aws.west"`), the way HCL names a provider configuration, and passes the provider
    construct of the file with that alias instead: the variable it is kept in, or, when it is
    built without one in the same function before the resource, a variable it is now kept in
    (`const westProvider = new AwsProvider(this, 'west', { alias: 'west', ... })`). A string
    naming no provider of the file, or built from a variable (`aws.${region}`), is reported.

    Why: CDKTF's `provider` is a `TerraformProvider`, the object: TypeScript does not compile
    ("Type 'string' is not assignable to type 'TerraformProvider'") and Python's typeguard
    refuses the string before synth.

    Fix (safe): the same provider configuration, referred to as CDKTF refers to it.
    """

    code = "CDK105"
    name = "provider-passed-as-string"
    flavours = ("cdktf-ts", "cdktf-py")
    severity = "error"  # tsc or synth fails
    examples = [
        Invalid(
            "cdktf-ts",
            """\
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';

export function buckets(scope: Construct) {
  new AwsProvider(scope, 'aws-west-2', { region: 'us-west-2', alias: 'west2' });
  new S3Bucket(scope, 'replica', { bucket: 'replica', provider: 'aws.west2' });
}
""",
            """\
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';

export function buckets(scope: Construct) {
  const west2Provider = new AwsProvider(scope, 'aws-west-2', { region: 'us-west-2', alias: 'west2' });
  new S3Bucket(scope, 'replica', { bucket: 'replica', provider: west2Provider });
}
""",
            message="`provider` is the provider construct, not the string 'aws.west2': the AwsProvider with alias "
            "'west2' (`west2Provider`)",
            line=6,
        ),
        Invalid(
            "cdktf-py",
            """\
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket

self.west = AwsProvider(self, "west", region="us-west-2", alias="west")
S3Bucket(self, "replica", bucket="replica", provider="aws.west")
""",
            """\
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket

self.west = AwsProvider(self, "west", region="us-west-2", alias="west")
S3Bucket(self, "replica", bucket="replica", provider=self.west)
""",
        ),
        Reported(
            "cdktf-ts",
            """\
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';

new S3Bucket(this, 'replica', { bucket: 'replica', provider: `aws.${region}` });
""",
        ),
        Valid(
            "cdktf-ts",
            """\
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';

const west = new AwsProvider(this, 'west', { region: 'us-west-2', alias: 'west' });
new S3Bucket(this, 'replica', { bucket: 'replica', provider: west });
""",
        ),
    ]

    def check(self, ctx):
        s = schema.load()
        for file in ctx.files("typescript", "python"):
            providers = {}  # alias → construction
            for cons in file.typed_view.constructions:
                name = schema.constructed_name(file, cons.callee)
                info = s.cls(name) if name else None
                alias = _prop(file, cons, "alias")
                if info is not None and info.kind == "provider" and alias is not None and alias.kind == "string":
                    providers.setdefault(alias.value, (cons, info))
            named: dict[int, str] = {}  # a provider given a variable by an earlier finding of this file
            for res in file.resources():
                prop = res.attrs.get("provider")
                if prop is None or prop.value.kind not in ("string", "template"):
                    continue
                at = Location(file.path, prop.value.line, prop.value.col)
                written = prop.value.value if prop.value.kind == "string" else None
                match = _ALIAS.fullmatch(written or "")
                found = providers.get(match["alias"]) if match else None
                if found is None or (match["type"] and match["type"] != found[1].terraform_type):
                    yield self.finding(at, f"`{file.attr_key('provider')}` is the provider construct, not a string: pass "
                                           f"the provider whose alias this names{_listing(providers)}")
                    continue
                cons, info = found
                reason = (f"`{file.attr_key('provider')}` is the provider construct, not the string '{written}': the "
                          f"{info.name} with alias '{match['alias']}'")
                var = cons.assigned_to or named.get(cons.span[0])
                if var:
                    yield self.finding(at, f"{reason} (`{var}`)", [Edit(file.path, *prop.value.span, var)])
                    continue
                var = _new_variable(file, match["alias"])
                if not _bindable(file, cons, prop.value.span[0]) or var is None:
                    yield self.finding(at, f"{reason}, which is not kept in a variable here: keep it in one and pass that")
                    continue
                named[cons.span[0]] = var
                declare = f"const {var} = " if file.language == "typescript" else f"{var} = "
                yield self.finding(
                    at,
                    f"{reason} (`{var}`)",
                    [Edit(file.path, cons.span[0], cons.span[0], declare), Edit(file.path, *prop.value.span, var)],
                )


def _prop(file, cons: Construction, key: str):
    config = cons.config
    found = config.prop(key) if config is not None else None
    return found.value if found is not None else None


def _bindable(file, cons: Construction, use: int) -> bool:
    """The provider is built as a statement of its own (`new AwsProvider(...);`), before the use
    and in the same function, so a variable declared there is in scope where it is used."""
    if cons.assigned_to is not None or cons.span[0] > use:
        return False
    start = file.text.rfind("\n", 0, cons.span[0]) + 1
    if file.text[start : cons.span[0]].strip():
        return False
    users = [c for c in file.typed_view.constructions if c.span[0] <= use < c.span[1]]
    return bool(users) and users[-1].enclosing_function == cons.enclosing_function


def _new_variable(file, alias: str) -> str | None:
    words = re.sub(r"[^A-Za-z0-9]+", "_", alias).strip("_")
    if not words:
        return None
    name = f"{words}_provider".lower() if file.language == "python" else camel_case(f"{words}_provider")
    if name[:1].isdigit() or file.typed_view.identifier_counts.get(name):
        return None
    return name


def _listing(providers: dict) -> str:
    return f" (the file's aliases: {', '.join(repr(a) for a in sorted(providers))})" if providers else ""
