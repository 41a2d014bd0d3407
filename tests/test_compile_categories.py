"""bench/compile_categories.py: how the TypeScript and Python sweeps sort what tsc and synth say."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
try:
    import compile_categories as cc
finally:
    sys.path.remove(str(REPO / "bench"))


@pytest.fixture
def names(tmp_path, monkeypatch):
    """A provider package of two submodules, as @cdktf/provider-aws declares them."""
    lib = tmp_path / "package" / "lib"
    (lib / "s3-bucket-versioning").mkdir(parents=True)
    (lib / "s3-bucket-versioning" / "index.d.ts").write_text(
        "export interface S3BucketVersioningAConfig extends cdktf.TerraformMetaArguments {\n}\n"
        "export interface S3BucketVersioningVersioningConfiguration {\n}\n"
        "export declare class S3BucketVersioningA extends cdktf.TerraformResource {\n}\n"
    )
    (lib / "launch-template").mkdir()
    (lib / "launch-template" / "index.d.ts").write_text(
        "export interface LaunchTemplateTagSpecifications {\n}\nexport declare class LaunchTemplate extends cdktf.TerraformResource {\n}\n"
    )
    found = cc.ProviderNames(tmp_path / "package", tmp_path / "names.json")
    monkeypatch.setattr(cc, "NAMES", found)
    return found


@pytest.mark.parametrize(
    ("code", "message", "category"),
    [
        ("TS2353", "Object literal may only specify known properties, and 'versioning' does not exist in type 'S3BucketConfig'.", "TS2353 unknown property in a construct's config literal"),
        ("TS2353", "Object literal may only specify known properties, and 'enabled' does not exist in type 'S3BucketVersioningVersioningConfiguration'.", "TS2353 unknown property in a nested struct literal"),
        ("TS2339", "Property 'get' does not exist on type 'string[]'.", "TS2339 `.get(i)` on a token list (needs Fn.element or a list attribute)"),
        ("TS2339", "Property 'ec2' does not exist on type 'typeof import(\"/x/node_modules/@cdktf/provider-aws/lib/index\")'.", "TS2339 namespace-style access to a provider submodule or class that does not exist (`aws.x.Y`)"),
        ("TS2322", "Type 'string' is not assignable to type 'TerraformProvider'.", "TS2322 provider passed as a string"),
        ("TS2322", "Type 'string[]' is not assignable to type 'IResolvable | SecurityGroupIngress[] | undefined'.", "TS2322 an array where a struct or IResolvable is expected (assignment)"),
        ("TS6133", "'x' is declared but its value is never read.", "TS6133 unused declaration (noUnusedLocals/Parameters)"),
        ("TS9999", "Something 'odd' happened.", "TS9999 Something '…' happened."),
    ],
)
def test_typescript_errors_are_sorted_by_code_and_message_shape(code, message, category):
    assert cc.ts_category(code, message) == category


def test_a_missing_export_is_told_apart_by_the_provider_own_exports(names):
    missing = lambda module, name: cc.ts_category("TS2305", f"Module '\"@cdktf/provider-aws/lib/{module}\"' has no exported member '{name}'.")  # noqa: E731
    assert missing("s3-bucket-versioning", "S3BucketVersioning") == "TS2305 missing export: the provider names it with an A suffix (`S3BucketVersioningA`)"
    assert missing("s3-bucket-versioning", "LaunchTemplate") == "TS2305 missing export: the name exists, in another submodule (wrong import path)"
    assert missing("launch-template", "LaunchTemplateTagSpecification") == "TS2305 missing export: a struct/nested-block type name the provider does not have"
    assert missing("launch-template", "Ec2Thing") == "TS2305 missing export: a name the provider does not have anywhere"
    assert cc.py_category("ImportError: cannot import name 'LaunchTemplateTagSpecification' from 'cdktf_cdktf_provider_aws.launch_template' (/x.py)") == (
        "import of a name the provider module lacks: a struct/nested-block type name the provider does not have"
    )
    assert (names.modules["launch-template"]) == {"LaunchTemplateTagSpecifications": "struct", "LaunchTemplate": "resource"}


def test_blocking_errors_leave_out_test_files_and_packages_outside_the_toolchain():
    missing = "Cannot find module '{}' or its corresponding type declarations."
    assert not cc.blocking(("lib/lambda/index.ts", 3, "TS2307", missing.format("@aws-sdk/client-s3")))
    assert not cc.blocking(("test/tap-stack.unit.test.ts", 9, "TS2353", "anything"))
    assert cc.blocking(("lib/tap-stack.ts", 3, "TS2307", missing.format("./constructs/vpc")))  # a file the answer does not have
    assert cc.blocking(("lib/tap-stack.ts", 3, "TS2307", missing.format("@cdktf/provider-aws/lib/no-such-thing")))
    assert cc.blocking(("lib/tap-stack.ts", 5, "TS6133", "'x' is declared but its value is never read."))


@pytest.mark.parametrize(
    ("reason", "category"),
    [
        ("TypeError: S3Bucket.__init__() got an unexpected keyword argument 'versioning'", "unknown keyword argument to a provider class or struct"),
        ("AttributeError: 'DataAwsCallerIdentity' object has no attribute 'identity_get'", "attribute getter the class does not have (`identity_get`)"),
        ("TypeError: type of argument tags must be one of (Mapping[str, str], NoneType); got list instead", "typeguard: a list where a struct is expected"),
        ("ModuleNotFoundError: No module named 'cdktf_cdktf_provider_random'", "import of a package outside the toolchain (another provider, `cdktf get` output, AWS CDK)"),
        ("IndexError: list index out of range", "a token list indexed in Python (needs Fn.element)"),
    ],
)
def test_python_synth_failures_are_sorted_by_exception_and_message_shape(reason, category):
    assert cc.py_category(reason) == category
