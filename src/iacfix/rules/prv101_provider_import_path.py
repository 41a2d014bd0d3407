"""PRV101: a provider class imported from a module that does not export it."""

from __future__ import annotations

import re

from iacfix.model import Edit, Location
from iacfix.rule import Example, Rule
from iacfix.rulekit import schema


class ProviderImportPath(Rule):
    """Import each provider class from the module that exports it.

    What it does: checks every import from `@cdktf/provider-aws` / `cdktf_cdktf_provider_aws`
    against the provider's real module layout (the bundled schema, generated from the package)
    and moves each class or struct to its module: from the package root
    (`import { S3Bucket } from '@cdktf/provider-aws'` → `.../lib/s3-bucket`), from the wrong
    submodule (`Subnet` from `lib/vpc` → `lib/subnet`), or from a module that does not exist
    (`lib/iam` → `lib/iam-role`, `lib/iam-policy`). A cdktf core name imported from the provider
    (`TerraformOutput`, `S3Backend`) moves to `cdktf`. A name the provider does not export at
    all is reported with the module's real exports.

    The same goes for a class reached through the root namespace, built or (TypeScript) named
    in a type: `aws.vpc.Subnet` and `aws.Subnet` become `aws.subnet.Subnet`; through a namespace
    imported from the root by name (`import { vpc }` with `new vpc.InternetGateway(...)`): the
    class's own namespace (`internetGateway.InternetGateway`), imported beside it, unless a
    variable of the file has its name; and for a namespace the root does not have
    (`import { iam } from '@cdktf/provider-aws'` with `new iam.IamRole(...)`): its uses move to
    the classes' own namespaces (`iamRole.IamRole`), imported instead, when the file uses it
    for nothing else.

    Why: the package root exports only namespaces (`s3Bucket.S3Bucket`), each class lives in its
    own `lib/<module>`; anything else does not compile ("has no exported member", "Cannot find
    module") and the Python app dies with ImportError.

    Fix (safe): rewrite the import statement, one statement per module, aliases kept. A name
    missing its `A` suffix (`S3BucketVersioning`) is moved here and renamed by PRV102.
    """

    code = "PRV101"
    name = "provider-import-path"
    flavours = ("cdktf-ts", "cdktf-py")
    phase = "names"  # before the rules that recognise a resource by its class
    severity = "error"
    examples = [
        Example(
            "cdktf-ts",
            before="""\
import { S3Bucket, S3BucketVersioning } from '@cdktf/provider-aws';
import { Vpc, Subnet } from '@cdktf/provider-aws/lib/vpc';
import { IamRole, IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam';
import { TerraformOutput } from '@cdktf/provider-aws';
""",
            after="""\
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { TerraformOutput } from 'cdktf';
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws import AwsProvider
from cdktf_cdktf_provider_aws.vpc import Vpc, Subnet as PublicSubnet
from cdktf_cdktf_provider_aws.lexv2models_bot import Lexv2ModelsBot
""",
            after="""\
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.vpc import Vpc
from cdktf_cdktf_provider_aws.subnet import Subnet as PublicSubnet
from cdktf_cdktf_provider_aws.lexv2_models_bot import Lexv2ModelsBot
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { AwsProvider, iam } from '@cdktf/provider-aws';
new AwsProvider(this, 'aws', { region: 'us-east-1' });
const role = new iam.IamRole(this, 'role', { assumeRolePolicy: '{}' });
new iam.IamRolePolicyAttachment(this, 'attach', { role: role.name, policyArn: 'arn' });
""",
            after="""\
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { iamRole, iamRolePolicyAttachment } from '@cdktf/provider-aws';
new AwsProvider(this, 'aws', { region: 'us-east-1' });
const role = new iamRole.IamRole(this, 'role', { assumeRolePolicy: '{}' });
new iamRolePolicyAttachment.IamRolePolicyAttachment(this, 'attach', { role: role.name, policyArn: 'arn' });
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import * as aws from '@cdktf/provider-aws';
const vpc = new aws.vpc.Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' });
new aws.vpc.Subnet(this, 'a', { vpcId: vpc.id, cidrBlock: '10.0.1.0/24' });
new aws.ec2.SecurityGroup(this, 'sg', { vpcId: vpc.id });
new aws.S3Bucket(this, 'b', {});
""",
            after="""\
import * as aws from '@cdktf/provider-aws';
const vpc = new aws.vpc.Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' });
new aws.subnet.Subnet(this, 'a', { vpcId: vpc.id, cidrBlock: '10.0.1.0/24' });
new aws.securityGroup.SecurityGroup(this, 'sg', { vpcId: vpc.id });
new aws.s3Bucket.S3Bucket(this, 'b', {});
""",
        ),
        # In a type too; and through a namespace imported from the root by name, whose class
        # namespace is imported beside it.
        Example(
            "cdktf-ts",
            before="""\
import * as aws from '@cdktf/provider-aws';
import { vpc } from '@cdktf/provider-aws';
export class Network extends Construct {
  public readonly subnets: aws.vpc.Subnet[] = [];
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const main = new vpc.Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' });
    new vpc.InternetGateway(this, 'igw', { vpcId: main.id });
  }
}
""",
            after="""\
import * as aws from '@cdktf/provider-aws';
import { vpc, internetGateway } from '@cdktf/provider-aws';
export class Network extends Construct {
  public readonly subnets: aws.subnet.Subnet[] = [];
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const main = new vpc.Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' });
    new internetGateway.InternetGateway(this, 'igw', { vpcId: main.id });
  }
}
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws import vpc

main = vpc.Vpc(self, "vpc", cidr_block="10.0.0.0/16")
vpc.Subnet(self, "a", vpc_id=main.id, cidr_block="10.0.1.0/24")
""",
            after="""\
from cdktf_cdktf_provider_aws import vpc, subnet

main = vpc.Vpc(self, "vpc", cidr_block="10.0.0.0/16")
subnet.Subnet(self, "a", vpc_id=main.id, cidr_block="10.0.1.0/24")
""",
            message="classes used through a namespace that does not export them: `Subnet`: `subnet.Subnet`",
            line=4,
        ),
        # The provider's classes imported from cdktf; a namespace the root does not have, whose
        # class namespace is a variable's name: the class from its module.
        Example(
            "cdktf-ts",
            before="""\
import { App, TerraformStack, Vpc, Subnet } from 'cdktf';
import { ec2 } from '@cdktf/provider-aws';
const vpc = new ec2.Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' });
const subnet = new ec2.Subnet(this, 'a', { vpcId: vpc.id, cidrBlock: '10.0.1.0/24' });
""",
            after="""\
import { App, TerraformStack } from 'cdktf';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
const vpc = new Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' });
const subnet = new Subnet(this, 'a', { vpcId: vpc.id, cidrBlock: '10.0.1.0/24' });
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf import App, TerraformStack, DataAwsCallerIdentity
from cdktf_cdktf_provider_aws import lambda_, iam_role

identity = DataAwsCallerIdentity(self, "me")
""",
            after="""\
from cdktf import App, TerraformStack
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws import iam_role

identity = DataAwsCallerIdentity(self, "me")
""",
        ),
        # Namespaces from the root, OutputReference helpers and the right modules stay.
        Example(
            "cdktf-ts",
            before="""\
import { s3Bucket, provider } from '@cdktf/provider-aws';
import * as aws from '@cdktf/provider-aws';
import { S3Bucket, S3BucketLoggingAOutputReference } from '@cdktf/provider-aws/lib/s3-bucket';
""",
        ),
    ]

    def check(self, ctx):
        s = schema.for_project(ctx)
        if s is None:  # the project pins a provider version the bundled schema does not describe
            return
        for file in ctx.files("typescript", "python"):
            for imp in file.view["imports"]:
                is_provider, module = schema.provider_module(file, imp["module"])
                if not is_provider or not imp["names"]:
                    continue
                groups: dict[str, list[str]] = {}
                moved, unknown, callees, dropped = [], [], [], []
                for spec in imp["names"]:
                    name = spec["name"]
                    unused = not file.view["identifier_counts"].get(spec["local"])
                    if unused and _not_exported(s, file, module, name):
                        dropped.append(name)  # not the provider's, and never used: the import can only fail
                        continue
                    if module is None and name[:1].islower() and name not in _namespaces(s, file):
                        uses = _namespace_uses(s, file, spec)
                        if uses is None:
                            unknown.append(name)
                            groups.setdefault(imp["module"], []).append(name if spec["local"] == name else f"{name} as {spec['local']}")
                            continue
                        for _, _, module_path, imported_name in uses:
                            if module_path is None:
                                continue
                            known = groups.get(module_path, []) + [n for n, _ in _imported_from(file, module_path)]
                            if imported_name not in known:
                                groups.setdefault(module_path, []).append(imported_name)
                        where = sorted({text.split(".")[0] if "." in text else text for _, text, _, _ in uses})
                        kinds = "namespaces" if all("." in text for _, text, _, _ in uses) else "namespaces or modules"
                        moved.append((f"`{name}`", f"the classes' own {kinds} " + ", ".join(where)))
                        callees += [(span, text) for span, text, _, _ in uses]
                        continue
                    text = name if spec["local"] == name else f"{name} as {spec['local']}"
                    target = _target(s, file, module, name)
                    if not target:
                        if target is None and (module is None or not s.has_module(module)):
                            unknown.append(name)
                        groups.setdefault(imp["module"], []).append(text)
                        continue
                    if target != imp["module"]:
                        moved.append((_as_meant(name, module), target))
                        if (name, spec["local"]) in _imported_from(file, target):
                            continue  # already imported from there: drop the duplicate
                    groups.setdefault(target, []).append(text)
                at = Location(file.path, imp["line"])
                if moved or dropped:
                    where = ", ".join(f"{n} from '{t}'" if t.startswith(("@", "cdktf")) else f"{n}: {t}" for n, t in moved)
                    gone = ", ".join(f"`{n}`" for n in dropped)
                    what = "; ".join(
                        part for part in (
                            f"import {where}" if moved else "",
                            f"{gone}, which the file never uses, removed" if dropped else "",
                        ) if part
                    )
                    edits = file.replace_import(imp, list(groups.items()))
                    edits += [Edit(file.path, *span, text) for span, text in callees]
                    yield self.finding(
                        at, f"'{imp['module']}' does not export what is imported from it: {what}", edits
                    )
                elif unknown:
                    exists = "" if module is None or s.has_module(module) else f"there is no module '{imp['module']}'; "
                    yield self.finding(
                        at,
                        f"{exists}{s.package} {s.version} exports no {', '.join(f'`{n}`' for n in unknown)}",
                    )
            yield from self._namespaced(ctx, s, file)
            yield from self._from_core(ctx, s, file)

    def _from_core(self, ctx, s, file):
        """`import { Vpc, TerraformStack } from 'cdktf'`: what cdktf does not export and the
        provider does goes to the provider's module."""
        for imp in file.view["imports"]:
            if imp["module"] != "cdktf" or not imp["names"]:
                continue
            groups: dict[str, list[str]] = {}
            moved = []
            for spec in imp["names"]:
                name = spec["name"]
                text = name if spec["local"] == name else f"{name} as {spec['local']}"
                real = schema.class_name_in_schema(name) if name not in s.cdktf_exports else None
                if real is None:
                    groups.setdefault("cdktf", []).append(text)
                    continue
                module = s.module_of(real)
                target = s.py_import(module) if file.language == "python" else s.ts_import(module)
                moved.append((name, target))
                groups.setdefault(target, []).append(text)  # PRV102 adds a missing `A`
            if moved:
                where = ", ".join(f"`{n}` from '{t}'" for n, t in moved)
                yield self.finding(
                    Location(file.path, imp["line"]),
                    f"'cdktf' does not export what is imported from it: import {where}",
                    file.replace_import(imp, list(groups.items())),
                )

    def _namespaced(self, ctx, s, file):
        """`aws.vpc.Subnet` / `aws.Subnet` with `aws` the package root: the class's own namespace,
        wherever it is written (a type too). And `vpc.Subnet` with `vpc` a namespace imported from
        the root by name: `subnet.Subnet`, the namespace imported beside it."""
        added: dict[int, tuple[dict, list, list]] = {}  # import statement → (import, namespaces to add, edits)
        for q in schema.qualified_names(file):
            head, *rest = q["text"].split(".")
            module, imported = file.imported.get(head, (None, None))
            if schema.provider_module(file, module or "") != (True, None):
                continue
            if imported is None:  # `import * as aws`
                sub, name = (None, rest[0]) if rest[0][:1].isupper() else (rest[0], rest[1] if len(rest) > 1 else "")
            elif imported in _namespaces(s, file):  # `import { vpc }`
                sub, name = imported, rest[0]
            else:
                continue
            if not name[:1].isupper():
                continue
            written = None if sub is None else _module_of_namespace(s, file, sub)
            real = _meant_for_use(s, name, written, q["built"])
            if real is None:
                continue
            namespace = _namespace(s, file, real)
            if namespace == sub:
                continue
            start = q["span"][0]
            end = start + len(".".join([head, *([sub] if sub and imported is None else []), name]))
            if imported is None:
                yield self.finding(
                    Location(file.path, q["line"], q["col"]),
                    f"`{name}` is in the provider's `{namespace}` namespace: `{head}.{namespace}.{name}`",
                    [Edit(file.path, start, end, f"{head}.{namespace}.{name}")],
                )
                continue
            if file.view["identifier_counts"].get(namespace) and namespace not in file.imported:
                continue  # a variable of the file has the namespace's name: it would shadow it
            imp = next(i for i in file.view["imports"] if any(n["local"] == head for n in i["names"]))
            _, names, edits = added.setdefault(imp["span"][0], (imp, [], []))
            if namespace not in file.imported and namespace not in names:
                names.append(namespace)
            edits.append((q, name, namespace, Edit(file.path, start, end, f"{namespace}.{name}")))
        for imp, names, uses in added.values():
            spec = imp["names"][-1]["span"]
            edits = [e for *_, e in uses] + ([Edit(file.path, spec[1], spec[1], "".join(f", {n}" for n in names))] if names else [])
            moved = ", ".join(sorted({f"`{name}`: `{ns}.{name}`" for _, name, ns, _ in uses}))
            yield self.finding(
                Location(file.path, uses[0][0]["line"], uses[0][0]["col"]),
                f"classes used through a namespace that does not export them: {moved}",
                edits,
            )


def _module_of_namespace(s: schema.ProviderSchema, file, namespace: str) -> str | None:
    """The module folder of a root namespace as the file spells it (`s3Bucket`, `s3_bucket`)."""
    if file.language == "python":
        return s.module_from_python(namespace)
    return s.module_from_python(schema.snake_case(namespace)) or schema.snake_case(namespace).replace("_", "-")


def _meant_for_use(s: schema.ProviderSchema, name: str, module: str | None, built: int | None) -> str | None:
    """The class or struct a name used through a namespace stands for: `meant_name`, and a
    struct built as a construct (scope, id, config) is the resource of the same name with its
    `A` (`aws.s3Bucket.S3BucketVersioning(this, ...)` is `S3BucketVersioningA`), as is the name
    in a namespace that exports it with its `A` only (`aws.s3BucketVersioning.S3BucketVersioning`)."""
    if module is not None and name not in s.module_exports(module) and name + "A" in s.module_exports(module):
        return name + "A"  # the namespace it is written in has it with its `A` (PRV102 adds it)
    real = schema.meant_name(name, module)
    if real is not None and built is not None and built >= 2 and s.cls(real) is None and s.cls(real + "A"):
        return real + "A"
    return real


def _target(s: schema.ProviderSchema, file, module: str | None, name: str) -> str | None:
    """The module string `name` must be imported from, or "" when it is imported right, or None
    when the provider does not export it."""
    if module is None and name[:1].islower():
        return ""  # a namespace of the root: `s3Bucket` / `s3_bucket`
    constructed = any(c["callee"] == name for c in file.view["constructions"])
    real = schema.meant_name(name, module)
    if real == name and s.cls(name) is None and s.cls(name + "A") and (module != s.module_of(name) or constructed and file.language == "typescript"):
        real = name + "A"  # `S3BucketVersioning` is also a struct of lib/s3-bucket, but the resource is meant
    elif real == name and module is not None and name + "A" in s.module_exports(module) and name not in s.module_exports(module):
        real = name + "A"  # the same for a struct: the module it is imported from has it with an `A`
    if real is not None:
        home = s.module_of(real)
        if module == home and (file.language == "typescript" or s.python_module(home) == _file_module(file, name)):
            return ""  # the right module (PRV102 adds a missing `A`)
        return s.py_import(home) if file.language == "python" else s.ts_import(home)
    if name in s.cdktf_exports and name[:1].isupper():
        return "cdktf"
    return None


def _not_exported(s: schema.ProviderSchema, file, module: str | None, name: str) -> bool:
    """The provider certainly has no such name: the schema does not know it, and it is none of
    the helper classes the schema does not list (`...OutputReference`, `...List`, `...Map`)."""
    if module is None and name[:1].islower():
        return name not in _namespaces(s, file)
    return _target(s, file, module, name) is None and not re.search(r"(OutputReference|List|Map)$", name)


def _as_meant(name: str, module: str | None) -> str:
    """How a finding names an imported name: `CloudtrailTrail (the provider's Cloudtrail)`, which
    PRV102 renames once it is imported from the right module."""
    real = schema.meant_name(name, module)
    return f"`{name}`" if real in (None, name, name + "A") else f"`{name}` (the provider's `{real}`)"


def _file_module(file, name: str) -> str | None:
    """The Python submodule `name` is imported from in the file."""
    module = file.imported.get(name, (None, None))[0]
    return module.rsplit(".", 1)[-1] if module and "." in module else None


def _namespaces(s: schema.ProviderSchema, file) -> frozenset[str]:
    """The namespaces the package root exports: `s3Bucket` (TypeScript), `s3_bucket` (Python)."""
    return s.namespaces["python" if file.language == "python" else "typescript"]


def _namespace(s: schema.ProviderSchema, file, cls: str) -> str:
    py = s.python_module(s.module_of(cls))
    return py if file.language == "python" else schema.camel_case(py)


def _namespace_uses(s: schema.ProviderSchema, file, spec: dict) -> list[tuple[tuple[int, int], str, str, str]] | None:
    """For a namespace the root does not export (`iam`, `ec2`), used only as `iam.IamRole`
    (built, or a type in TypeScript): for each use, (span of `iam.IamRole`, what it becomes, the
    module to import from, the name to import): the class's own namespace (`iamRole.IamRole`,
    `iamRole` from the root), or, where a variable of the file has that namespace's name
    (`const subnet = new ec2.Subnet(...)`), the class from its module. None when the namespace
    is used otherwise too, or names a class the provider does not have."""
    local = spec["local"]
    counts = file.view["identifier_counts"]
    imported = {n["local"] for imp in file.view["imports"] for n in imp["names"]}
    uses = []
    for q in schema.qualified_names(file):
        head, *rest = q["text"].split(".")
        if head != local:
            continue
        real = schema.meant_name(rest[0]) if rest[0][:1].isupper() else None
        if real is None:
            return None
        start = q["span"][0]
        span = (start, start + len(head) + 1 + len(rest[0]))
        namespace = _namespace(s, file, real)
        if not counts.get(namespace) or namespace in imported:
            uses.append((span, f"{namespace}.{rest[0]}", _root_module(file), namespace))
        elif real in _importing(s, file):  # already imported, or moved there from cdktf by this rule
            uses.append((span, real, None, None))
        elif not counts.get(real) and real not in imported:
            module = s.module_of(real)
            uses.append((span, real, s.py_import(module) if file.language == "python" else s.ts_import(module), real))
        else:
            return None  # both the namespace and the class name are taken by the file's own names
    if not uses or counts.get(local, 0) != len(uses):
        return None
    return uses


def _importing(s: schema.ProviderSchema, file) -> set[str]:
    """The provider classes the file imports by their own name: from the provider, or from cdktf
    (which does not have them: `_from_core` moves them)."""
    out = set()
    for imp in file.view["imports"]:
        from_core = imp["module"] == "cdktf"
        if from_core or schema.provider_module(file, imp["module"])[0]:
            out.update(
                n["name"] for n in imp["names"]
                if n["local"] == n["name"] and s.cls(n["name"]) and not (from_core and n["name"] in s.cdktf_exports)
            )
    return out


def _root_module(file) -> str:
    return schema.load().python_package if file.language == "python" else schema.TS_PACKAGE


def _imported_from(file, module: str) -> set[tuple[str, str]]:
    return {(n["name"], n["local"]) for imp in file.view["imports"] if imp["module"] == module for n in imp["names"]}
