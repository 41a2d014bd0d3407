"""CDK106: a class property tsc's strictPropertyInitialization rejects."""

from __future__ import annotations

import re

from iacfix.model import Edit, Location
from iacfix.rule import Invalid, Reported, Rule, Valid
from iacfix.rulekit import testcode, tsconfig
from iacfix.rulekit.text import line_col


class PropertyNotInitialized(Rule):
    """Declare a construct's properties the way the constructor really sets them.

    What it does: in TypeScript compiled with `strict` (the `cdktf init` template's tsconfig;
    the nearest tsconfig.json above a file decides when there is one), finds the instance
    properties declared with a type and no initializer that the constructor does not assign on
    every path, which tsc rejects ("Property 'autoScalingGroup' has no initializer and is not
    definitely assigned in the constructor"), and:
    - when a method of the class assigns it (in a branch of the constructor, or in a helper
      the constructor calls): marks it assigned elsewhere, `autoScalingGroup!: AutoscalingGroup`
      (and drops its `readonly` when a method other than the constructor assigns it, which
      `readonly` forbids: TS2540);
    - when nothing assigns it and nothing in the project reads it: removes the declaration;
    - when nothing assigns it but something reads it: reports it (the code that should create
      it is missing).
    The checks follow the constructor's statements and if/else branches; a property of a type
    that admits `undefined`, optional, initialized or already marked is left alone.

    Why: language models declare every resource a construct exposes up front and create some
    only under a condition or in a helper; tsc's flow analysis does not follow them there, and
    the whole project fails to compile.

    Fix (safe): types only; what the code does at run time is unchanged.
    """

    code = "CDK106"
    name = "property-not-initialized"
    flavours = ("cdktf-ts",)
    severity = "error"  # tsc or synth fails
    examples = [
        Invalid(
            "cdktf-ts",
            """\
import { Construct } from 'constructs';
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';

export class Compute extends Construct {
  public readonly autoScalingGroup: AutoscalingGroup;
  public readonly bucketPolicy: S3BucketPolicy;

  constructor(scope: Construct, id: string, scaling: boolean) {
    super(scope, id);
    if (scaling) {
      this.autoScalingGroup = new AutoscalingGroup(this, 'asg', { maxSize: 2, minSize: 1 });
    }
  }
}
""",
            """\
import { Construct } from 'constructs';
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';

export class Compute extends Construct {
  public readonly autoScalingGroup!: AutoscalingGroup;

  constructor(scope: Construct, id: string, scaling: boolean) {
    super(scope, id);
    if (scaling) {
      this.autoScalingGroup = new AutoscalingGroup(this, 'asg', { maxSize: 2, minSize: 1 });
    }
  }
}
""",
        ),
        Invalid(
            "cdktf-ts",
            """\
import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';

export class Security extends Construct {
  public readonly web: SecurityGroup;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.createGroups();
  }

  private createGroups(): void {
    this.web = new SecurityGroup(this, 'web', {});
  }
}
""",
            """\
import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';

export class Security extends Construct {
  public web!: SecurityGroup;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.createGroups();
  }

  private createGroups(): void {
    this.web = new SecurityGroup(this, 'web', {});
  }
}
""",
        ),
        # A comment naming the property is no read: the declaration goes.
        Invalid(
            "cdktf-ts",
            """\
import { Construct } from 'constructs';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';

export class Storage extends Construct {
  // bucketPolicy: added once the bucket is shared
  public readonly bucketPolicy: S3BucketPolicy;

  constructor(scope: Construct, id: string) {
    super(scope, id);
  }
}
""",
            """\
import { Construct } from 'constructs';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';

export class Storage extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
  }
}
""",
            message="`bucketPolicy` is declared but nothing assigns or reads it, and tsc's strictPropertyInitialization "
            "rejects that: the declaration goes",
        ),
        Reported(
            "cdktf-ts",
            """\
import { Construct } from 'constructs';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';

export class Data extends Construct {
  public readonly database: DbInstance;

  constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  endpoint(): string {
    return this.database.endpoint;
  }
}
""",
            message="`database` is declared but nothing assigns it, and tsc's strictPropertyInitialization rejects "
            "that: the code that creates it is missing",
        ),
        Valid(
            "cdktf-ts",
            """\
import { Construct } from 'constructs';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';

export class Network extends Construct {
  public readonly vpc: Vpc;
  public readonly flowLogs?: Vpc;
  private readonly name: string | undefined;

  constructor(scope: Construct, id: string, big: boolean) {
    super(scope, id);
    if (big) {
      this.vpc = new Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/16' });
    } else {
      this.vpc = new Vpc(this, 'vpc', { cidrBlock: '10.0.0.0/24' });
    }
  }
}
""",
        ),
    ]

    def check(self, ctx):
        files = ctx.files("typescript")
        tests = {f.path for f in testcode.test_files(ctx)}
        for file in files:
            if file.path in tests or not tsconfig.strict_property_initialization(ctx.project.root, file.path):
                continue  # a test is compiled by the test runner, with its own settings
            for cls in file.typed_view.classes:
                for prop in cls.properties:
                    if prop.definitely_assigned or re.search(r"\b(undefined|any|unknown)\b", prop.declared_type):
                        continue
                    name = prop.name
                    at = Location(file.path, *line_col(file.text, prop.span[0]))
                    if prop.assigned:
                        edits = [Edit(file.path, prop.span[1], prop.span[1], "!")]
                        also = ""
                        if prop.assigned_outside_constructor and prop.readonly:  # a method assigns it: not readonly (TS2540)
                            start, end = prop.readonly
                            edits.append(Edit(file.path, start, end + len(file.text[end:]) - len(file.text[end:].lstrip(" ")), ""))
                            also = ", and not `readonly`, as a method assigns it"
                        yield self.finding(
                            at,
                            f"`{name}` is assigned only in a branch or a method, which tsc's strictPropertyInitialization "
                            f"does not follow: `{name}!` says it is assigned elsewhere{also}",
                            edits,
                        )
                    elif not _read(files, name, prop.statement, file):
                        yield self.finding(
                            at,
                            f"`{name}` is declared but nothing assigns or reads it, and tsc's strictPropertyInitialization "
                            "rejects that: the declaration goes",
                            file.remove_statement(prop.statement),
                        )
                    else:
                        yield self.finding(
                            at,
                            f"`{name}` is declared but nothing assigns it, and tsc's strictPropertyInitialization rejects "
                            "that: the code that creates it is missing",
                        )


def _read(files, name: str, declaration: tuple[int, int], declared_in) -> bool:
    """Whether any file of the project mentions `.name` (or the file `name` itself outside the
    declaration): a read the removal of the property would break. The text is searched (a read
    may be in a template literal, an element access, a test), comments left out."""
    member = re.compile(r"(?<![\w$])" + re.escape(name) + r"(?![\w$])")
    for file in files:
        for m in member.finditer(file.text):
            if file is declared_in and declaration[0] <= m.start() < declaration[1] or file.in_comment(m.start()):
                continue
            return True
    return False
