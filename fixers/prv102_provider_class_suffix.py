"""PRV102: a provider class named without the `A` the provider gives it."""

from __future__ import annotations

from iacfix import schema
from iacfix.model import Edit, Location
from iacfix.rule import Example, Rule


class ProviderClassSuffix(Rule):
    """Name the provider classes that end in `A` with their `A`.

    What it does: where a resource's class name would clash with a struct of another module,
    the provider adds an `A`: the resource aws_s3_bucket_versioning is `S3BucketVersioningA`
    (`S3BucketVersioning` is the struct of S3Bucket's old inline `versioning` block), likewise
    `S3BucketServerSideEncryptionConfigurationA`, `S3BucketLoggingA`, `S3BucketLifecycleConfigurationA`.
    The rule renames the import and every `new X(...)` / `X(...)` of it; when the name is used
    elsewhere too (a type annotation), the import becomes `XA as X` instead. The classes come
    from the bundled provider schema.

    Why: `S3BucketVersioning` is not exported by `lib/s3-bucket-versioning`: TypeScript does not
    compile, and Python fails with ImportError.

    Fix (safe): rename, in TypeScript and Python alike.
    """

    code = "PRV102"
    name = "provider-class-suffix"
    flavours = ("cdktf-ts", "cdktf-py")
    examples = [
        Example(
            "cdktf-ts",
            before="""\
import { S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
new S3BucketVersioning(this, 'versioning', {
  bucket: bucket.id,
  versioningConfiguration: { status: 'Enabled' },
});
""",
            after="""\
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
new S3BucketVersioningA(this, 'versioning', {
  bucket: bucket.id,
  versioningConfiguration: { status: 'Enabled' },
});
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioning
from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLogging

versioning: S3BucketVersioning = S3BucketVersioning(self, "v", bucket="b", versioning_configuration={"status": "Enabled"})
S3BucketLogging(self, "l", bucket="b", target_bucket="logs", target_prefix="b/")
""",
            after="""\
from cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioningA as S3BucketVersioning
from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLoggingA

versioning: S3BucketVersioning = S3BucketVersioning(self, "v", bucket="b", versioning_configuration={"status": "Enabled"})
S3BucketLoggingA(self, "l", bucket="b", target_bucket="logs", target_prefix="b/")
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import * as aws from '@cdktf/provider-aws';
new aws.s3BucketLogging.S3BucketLogging(this, 'l', { bucket: 'b', targetBucket: 'logs', targetPrefix: 'b/' });
""",
            after="""\
import * as aws from '@cdktf/provider-aws';
new aws.s3BucketLogging.S3BucketLoggingA(this, 'l', { bucket: 'b', targetBucket: 'logs', targetPrefix: 'b/' });
""",
        ),
        Example(
            "cdktf-ts",
            before="""\
import { S3Bucket, S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket';
const versioning: S3BucketVersioning = { enabled: true };
""",
        ),
    ]

    def check(self, ctx):
        s = schema.load()
        for file in ctx.files("typescript", "python"):
            for imp in file.view["imports"]:
                is_provider, module = schema.provider_module(file, imp["module"])
                if not is_provider or module is None:
                    continue
                exports = s.module_exports(module)
                for spec in imp["names"]:
                    name = spec["name"]
                    if name in exports or name + "A" not in exports:
                        continue
                    yield self.finding(
                        Location(file.path, imp["line"]),
                        f"'{imp['module']}' exports the class as `{name}A`, not `{name}`{schema.version_note(ctx)}",
                        _rename(file, spec, name + "A"),
                    )

            for cons in file.view["constructions"]:  # `aws.s3BucketVersioning.S3BucketVersioning`
                head, *rest = cons["callee"].split(".")
                module, imported = file.imported.get(head, (None, None))
                if len(rest) != 2 or imported is not None or not schema.provider_module(file, module or "")[0]:
                    continue
                sub, name = rest
                folder = s.module_from_python(sub) if file.language == "python" else schema.snake_case(sub).replace("_", "-")
                exports = s.module_exports(folder or "")
                if name in exports or name + "A" not in exports:
                    continue
                end = cons["callee_span"][1]
                yield self.finding(
                    Location(file.path, cons["line"], cons["col"]),
                    f"the provider's class is `{name}A`, not `{name}`{schema.version_note(ctx)}",
                    [Edit(file.path, end - len(name), end, name + "A")],
                )


def _rename(file, spec: dict, new: str) -> list[Edit]:
    start, end = spec["span"]
    name, local = spec["name"], spec["local"]
    if local != name:  # `X as Y`: only the imported name changes
        return [Edit(file.path, start, start + len(name), new)]
    calls = [c for c in file.view["constructions"] if c["callee"] == name]
    if file.view["identifier_counts"].get(name, 0) > len(calls):
        return [Edit(file.path, start, end, f"{new} as {name}")]
    return [Edit(file.path, start, end, new)] + [Edit(file.path, *c["callee_span"], new) for c in calls]
