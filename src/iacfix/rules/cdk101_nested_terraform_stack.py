"""CDK101: a TerraformStack created inside another stack."""

from __future__ import annotations

from collections import defaultdict

from iacfix.model import Location
from iacfix.rule import Example, Rule


class NestedTerraformStack(Rule):
    """A stack built inside another stack must be a `Construct`, not a `TerraformStack`.

    What it does: finds a class that extends `TerraformStack` and is instantiated with
    `this` / `self` as its scope inside another class (a stack nested in a stack), and makes it
    extend `Construct` from `constructs`, adding that import when missing and dropping the
    `TerraformStack` import when nothing else uses it. The top stack, created with the App as
    scope, stays a `TerraformStack`.

    Why: every TerraformStack is synthesized as its own Terraform configuration with its own
    state. A stack nested in another fails at synth, or its resources lose the parent's
    provider and backend; as a construct they join the parent stack.

    Not fixed, only reported: a nested stack that calls `addOverride` / `add_override` on
    itself, which a Construct does not have: move those calls to the top stack first.

    Fix (safe): change the base class and the imports.
    """

    code = "CDK101"
    name = "nested-terraform-stack"
    flavours = ("cdktf-ts", "cdktf-py")
    severity = "error"
    seeds = ("004#1",)
    examples = [
        Example(
            "cdktf-ts",
            before="""\
import { Construct } from 'constructs';
import { App, TerraformStack } from 'cdktf';

class NetworkStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
  }
}

class TapStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new NetworkStack(this, 'network');
  }
}

const app = new App();
new TapStack(app, 'tap');
""",
            after="""\
import { Construct } from 'constructs';
import { App, TerraformStack } from 'cdktf';

class NetworkStack extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
  }
}

class TapStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new NetworkStack(this, 'network');
  }
}

const app = new App();
new TapStack(app, 'tap');
""",
        ),
        Example(
            "cdktf-py",
            files={
                "lib/tap_stack.py": """\
from cdktf import TerraformStack
from lib.main import DataStack


class TapStack(TerraformStack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        DataStack(self, "data")
""",
            },
            before="""\
from cdktf import TerraformOutput, TerraformStack


class DataStack(TerraformStack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        TerraformOutput(self, "x", value="y")
""",
            after="""\
from cdktf import TerraformOutput
from constructs import Construct


class DataStack(Construct):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        TerraformOutput(self, "x", value="y")
""",
        ),
    ]

    def check(self, ctx):
        files = ctx.files("typescript", "python")
        stacks = {}  # class name → (file, class, base)
        for file in files:
            local_names = {local for local, ref in file.imported.items() if ref == ("cdktf", "TerraformStack")}
            for cls in file.typed_view.classes:
                for base in cls.bases:
                    if base.text in local_names or base.text == "cdktf.TerraformStack":
                        stacks[cls.name] = (file, cls, base)
        nested = {
            cons.callee.split(".")[-1]
            for file in files
            for cons in file.typed_view.constructions
            if cons.callee.split(".")[-1] in stacks
            and cons.enclosing_class is not None
            and cons.args
            and cons.args[0].text == file.self_name
        }
        by_file = defaultdict(list)
        for name in sorted(nested):
            by_file[stacks[name][0].path].append(stacks[name])
        for entries in by_file.values():
            yield from self._fix_file(entries)

    def _fix_file(self, entries):
        file = entries[0][0]
        fixable = []
        for _, cls, base in entries:
            at = Location(file.path, cls.line, cls.col)
            message = f"`{cls.name}` is created inside another stack, so it must extend Construct, not TerraformStack"
            own_override = f"{file.self_name}.{file.override_method}"
            if any(c.enclosing_class == cls.name and c.callee == own_override for c in file.typed_view.calls):
                yield self.finding(at, message + f"; move its `{file.override_method}` calls to the top stack first")
            else:
                fixable.append((at, message, base))
        for i, (at, message, base) in enumerate(fixable):
            edits = file.replace_base(base.span, "Construct")
            if i == 0:  # the import edits once per file: two fixes editing one import would collide
                edits += file.add_import("constructs", "Construct")
                local = base.text
                if local != "cdktf.TerraformStack" and file.typed_view.identifier_counts.get(local, 0) <= len(fixable):
                    edits += file.remove_import("cdktf", local)
            yield self.finding(at, message, edits)
