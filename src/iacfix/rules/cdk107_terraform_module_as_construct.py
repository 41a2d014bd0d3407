"""CDK107: a group of resources written as a TerraformModule, which is for registry modules."""

from __future__ import annotations

from iacfix.model import Location
from iacfix.rule import Invalid, Rule, Valid


class TerraformModuleAsConstruct(Rule):
    """A class that groups resources extends `Construct`, not cdktf's `TerraformModule`.

    What it does: finds a class that extends `TerraformModule` (from cdktf) and calls its base
    with nothing but (scope, id), `super(scope, id)` / `super().__init__(scope, id)`, and makes
    it extend `Construct` from `constructs`, importing it when the file does not (the
    `TerraformModule` import goes when nothing else uses it: CDK103).

    Why: `TerraformModule` stands for a module of the Terraform registry or a folder: its
    options (`source`, `version`, the module's variables) are required. The class's resources
    need none of that; TypeScript does not compile ("Expected 3 arguments, but got 2") and the
    Python app fails in jsii. The same reuse of resources is a Construct.

    Fix (safe): the base class and its import.
    """

    code = "CDK107"
    name = "terraform-module-as-construct"
    flavours = ("cdktf-ts", "cdktf-py")
    severity = "error"  # tsc or synth fails
    examples = [
        Invalid(
            "cdktf-ts",
            """\
import { TerraformModule } from 'cdktf';
import { Construct } from 'constructs';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';

export class VpcModule extends TerraformModule {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' });
  }
}
""",
            """\
import { TerraformModule } from 'cdktf';
import { Construct } from 'constructs';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';

export class VpcModule extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' });
  }
}
""",
            message="`VpcModule` groups resources but extends TerraformModule, which stands for a registry module and "
            "needs its `source`: it extends Construct",
            line=5,
        ),
        Invalid(
            "cdktf-py",
            """\
from cdktf import TerraformModule
from cdktf_cdktf_provider_aws.vpc import Vpc


class VpcModule(TerraformModule):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        Vpc(self, "vpc", cidr_block="10.0.0.0/16")
""",
            """\
from cdktf import TerraformModule
from cdktf_cdktf_provider_aws.vpc import Vpc
from constructs import Construct


class VpcModule(Construct):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        Vpc(self, "vpc", cidr_block="10.0.0.0/16")
""",
        ),
        # A real module, with its source.
        Valid(
            "cdktf-ts",
            """\
import { TerraformModule } from 'cdktf';
import { Construct } from 'constructs';

export class Network extends TerraformModule {
  constructor(scope: Construct, id: string) {
    super(scope, id, { source: 'terraform-aws-modules/vpc/aws', version: '5.0.0' });
  }
}
""",
        ),
    ]

    def check(self, ctx):
        for file in ctx.files("typescript", "python"):
            local_names = {local for local, ref in file.imported.items() if ref == ("cdktf", "TerraformModule")}
            found = []
            for cls in file.typed_view.classes:
                base = next((b for b in cls.bases if b.text in local_names or b.text == "cdktf.TerraformModule"), None)
                if base is None:
                    continue
                supers = [
                    c for c in file.typed_view.calls
                    if c.enclosing_class == cls.name and c.callee in ("super", "super().__init__")
                ]
                if len(supers) == 1 and len(supers[0].args) == 2:
                    found.append((cls, base))
            for i, (cls, base) in enumerate(found):
                edits = file.replace_base(base.span, "Construct")
                if i == 0:  # the import once per file: two fixes editing one import would collide
                    edits += file.add_import("constructs", "Construct")
                yield self.finding(
                    Location(file.path, cls.line, cls.col),
                    f"`{cls.name}` groups resources but extends TerraformModule, which stands for a registry module "
                    "and needs its `source`: it extends Construct",
                    edits,
                )
