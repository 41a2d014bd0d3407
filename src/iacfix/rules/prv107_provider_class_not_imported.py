"""PRV107: a provider class is constructed but never imported."""

from __future__ import annotations

import re

from iacfix.model import Location
from iacfix.rule import Example, Invalid, Rule
from iacfix.rulekit import provider_imports, schema


class ProviderClassNotImported(Rule):
    """Import every provider class the file constructs.

    What it does: finds `new Eip(this, ...)` (TypeScript) / `NatGateway(self, ...)` and struct
    calls such as `RouteTableRoute(...)` (Python) whose class is neither imported nor defined
    in the file, and adds the import from the module the bundled provider schema gives
    (`@cdktf/provider-aws/lib/eip`, `cdktf_cdktf_provider_aws.nat_gateway`; `cdktf` for core
    classes such as `TerraformOutput`). The import joins an existing import from the same
    module, or goes after the file's last provider import in that statement's style.

    Only names the schema knows are imported: a name it does not know may be the file's own
    helper or a typo, and a file with a wildcard import (`from x import *`) or with no imports
    at all (a snippet of a markdown answer) is left alone.

    Why: TypeScript does not compile ("Cannot find name 'Eip'") and the Python app dies with
    NameError: typically the resources were added to the code and their imports forgotten.

    Fix (safe): the import the class needs; nothing else changes.
    """

    code = "PRV107"
    name = "provider-class-not-imported"
    flavours = ("cdktf-ts", "cdktf-py")
    phase = "names"  # before the rules that recognise a resource by its class
    severity = "error"
    seeds = ("001#6",)
    examples = [
        # A comment is no declaration.
        Invalid(
            "cdktf-ts",
            """\
import { Vpc } from '@cdktf/provider-aws/lib/vpc';

// class Eip: the elastic IP of the NAT gateway
const ip = new Eip(this, 'ip', { domain: 'vpc' });
""",
            """\
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Eip } from '@cdktf/provider-aws/lib/eip';

// class Eip: the elastic IP of the NAT gateway
const ip = new Eip(this, 'ip', { domain: 'vpc' });
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { Construct } from 'constructs';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';

const vpc = new Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' });
const ip = new Eip(this, 'ip', { domain: 'vpc' });
new NatGateway(this, 'nat', { allocationId: ip.id, subnetId: 'subnet-1' });
new TerraformOutput(this, 'vpc_id', { value: vpc.id });
""",
            after="""\
import { Construct } from 'constructs';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { TerraformOutput } from 'cdktf';

const vpc = new Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' });
const ip = new Eip(this, 'ip', { domain: 'vpc' });
new NatGateway(this, 'nat', { allocationId: ip.id, subnetId: 'subnet-1' });
new TerraformOutput(this, 'vpc_id', { value: vpc.id });
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.route_table import RouteTable
from cdktf_cdktf_provider_aws.vpc import Vpc

vpc = Vpc(self, "vpc", cidr_block="10.0.0.0/16")
eip = Eip(self, "nat-eip", domain="vpc")
RouteTable(self, "private", vpc_id=vpc.id, route=[RouteTableRoute(cidr_block="0.0.0.0/0", nat_gateway_id="nat")])
""",
            after="""\
from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.eip import Eip
from cdktf_cdktf_provider_aws.route_table import RouteTable, RouteTableRoute
from cdktf_cdktf_provider_aws.vpc import Vpc

vpc = Vpc(self, "vpc", cidr_block="10.0.0.0/16")
eip = Eip(self, "nat-eip", domain="vpc")
RouteTable(self, "private", vpc_id=vpc.id, route=[RouteTableRoute(cidr_block="0.0.0.0/0", nat_gateway_id="nat")])
""",
        ),
        # Imported, defined in the file, or unknown to the schema: left alone.
        Example(
            "cdktf-ts",
            before="""\
import { Eip as ElasticIp } from '@cdktf/provider-aws/lib/eip';
class Vpc extends Construct {}
new ElasticIp(this, 'ip', { domain: 'vpc' });
new Vpc(this, 'vpc');
new NetworkStack(this, 'net', {});
const { App } = require('cdktf');
new App();
""",
        ),
        # A wildcard import may bring the name.
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.eip import *

Eip(self, "nat-eip", domain="vpc")
""",
        ),
    ]

    def check(self, ctx):
        if schema.for_project(ctx) is None:  # a provider version the bundled schema does not describe
            return
        for file in ctx.files("typescript", "python"):
            imports = file.typed_view.imports
            if not imports or any(i.star for i in imports):
                continue
            defined = {c.name for c in file.typed_view.classes}
            missing: dict[str, dict] = {}
            for cons in file.typed_view.constructions:
                name = cons.callee
                if "." in name or name in file.imported or name in defined or name in missing or _declared(file, name):
                    continue
                module = provider_imports.import_module(file, name)
                if module is None:
                    continue
                # a resource is built as (scope, id, ...); a Python struct with keywords only
                if module != provider_imports.CDKTF and (len(cons.args) >= 2) != (schema.load().cls(name) is not None):
                    continue
                missing[name] = cons
            if not missing:
                continue
            first = min(missing.values(), key=lambda c: c.span[0])
            names = ", ".join(f"`{n}` from '{provider_imports.import_module(file, n)}'" for n in missing)
            yield self.finding(
                Location(file.path, first.line, first.col),
                f"{'a class is' if len(missing) == 1 else 'classes are'} used but never imported: import {names}"
                f"",
                provider_imports.add_imports(file, list(missing)),
            )


def _declared(file, name: str) -> bool:
    """The file binds the name itself: `const { App } = require('cdktf')`, `let App`, `def App`,
    `App = ...`; in its code (ParsedFile.code), not in a comment or a docstring. (The worker's
    bindings list variables, not the classes, functions and types a file declares.)"""
    n = re.escape(name)
    if file.language == "python":
        pattern = rf"^\s*(?:def\s+{n}\b|{n}\s*(?::[^=\n]*)?=(?!=))"
    else:
        pattern = rf"\b(?:const|let|var|function|class|type|interface|enum)\s+(?:{n}\b|\{{[^}}]*\b{n}\b[^}}]*\}})"
    return re.search(pattern, file.code(), re.MULTILINE) is not None
