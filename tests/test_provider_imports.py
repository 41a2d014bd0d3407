"""Where a fix puts the imports it adds: in Python as isort (ruff I001) and black would, in
TypeScript next to the file's imports of the same kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from iacfix.backends import cdktf
from iacfix.rulekit.provider_imports import import_edits
from iacfix.rulekit.scaffold import python_call
from iacfix.textedit import apply_edits

CLASS = "\n\nclass S:\n    pass\n"


def add(text: str, wanted: dict[str, list[str]], tmp_path: Path, language: str = "python") -> str:
    path = tmp_path / ("lib/s.py" if language == "python" else "lib/s.ts")
    path.parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "lib" / "helpers.py").write_text("")  # a module of the project: `from lib... import`
    file = cdktf.parse(language, path, text)
    return apply_edits(text, import_edits(file, wanted))


@pytest.mark.parametrize(
    "before,wanted,after",
    [
        # a name goes where it sorts among the names of the module's import
        ("from cdktf import S3Backend, TerraformStack\n", {"cdktf": ["TerraformOutput"]},
         "from cdktf import S3Backend, TerraformOutput, TerraformStack\n"),
        ("from cdktf import App\n", {"cdktf": ["Fn", "TerraformOutput"]},
         "from cdktf import App, Fn, TerraformOutput\n"),
        # names that are not sorted: the new one at the end
        ("from cdktf import TerraformStack, App\n", {"cdktf": ["Fn"]}, "from cdktf import TerraformStack, App, Fn\n"),
        # one name a line when written so
        ("from cdktf import (\n    App,\n    TerraformStack,\n)\n", {"cdktf": ["Fn", "Token"]},
         "from cdktf import (\n    App,\n    Fn,\n    TerraformStack,\n    Token,\n)\n"),
        # longer than 88 columns: one name a line, in parentheses, as black writes it
        ("from cdktf_cdktf_provider_aws.security_group import SecurityGroup, SecurityGroupEgress\n",
         {"cdktf_cdktf_provider_aws.security_group": ["SecurityGroupIngress"]},
         "from cdktf_cdktf_provider_aws.security_group import (\n    SecurityGroup,\n    SecurityGroupEgress,\n"
         "    SecurityGroupIngress,\n)\n"),
    ],
)
def test_python_names_added_to_an_import(before, wanted, after, tmp_path):
    assert add(before + CLASS, wanted, tmp_path) == after + CLASS


HEAD = """\
import json

from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.ecs_cluster import EcsCluster
from cdktf_cdktf_provider_aws.ecs_service import EcsService
from constructs import Construct

from .task import task_definition
"""


def test_python_new_statements_sorted_into_the_third_party_section(tmp_path):
    wanted = {
        "cdktf_cdktf_provider_aws.ecs_cluster_capacity_providers": ["EcsClusterCapacityProviders"],
        "cdktf_cdktf_provider_aws.eip": ["Eip"],
        "cdktf_cdktf_provider_aws.vpc": ["Vpc"],
    }
    assert add(HEAD + CLASS, wanted, tmp_path) == (
        "import json\n\n"
        "from cdktf import TerraformStack\n"
        "from cdktf_cdktf_provider_aws.ecs_cluster import EcsCluster\n"
        "from cdktf_cdktf_provider_aws.ecs_cluster_capacity_providers import (\n"
        "    EcsClusterCapacityProviders,\n"
        ")\n"
        "from cdktf_cdktf_provider_aws.ecs_service import EcsService\n"
        "from cdktf_cdktf_provider_aws.eip import Eip\n"
        "from cdktf_cdktf_provider_aws.vpc import Vpc\n"
        "from constructs import Construct\n\n"
        "from .task import task_definition\n" + CLASS
    )


@pytest.mark.parametrize(
    "before,after",
    [
        # no third-party import: a section of its own, before the project's imports
        ("import os\n\nfrom lib.helpers import x\n", "import os\n\nfrom cdktf import Fn\n\nfrom lib.helpers import x\n"),
        ("import os\n", "import os\n\nfrom cdktf import Fn\n"),
    ],
)
def test_python_new_statement_without_a_section_for_it(before, after, tmp_path):
    assert add(before + CLASS, {"cdktf": ["Fn"]}, tmp_path) == after + CLASS


def test_python_new_statement_in_an_unsorted_section_goes_after_its_last_third_party_import(tmp_path):
    before = "from constructs import Construct\nfrom cdktf import App\nimport json\n"
    after = add(before + CLASS, {"cdktf_cdktf_provider_aws.vpc": ["Vpc"]}, tmp_path)
    assert after == (
        "from constructs import Construct\nfrom cdktf import App\nfrom cdktf_cdktf_provider_aws.vpc import Vpc\n"
        "import json\n" + CLASS
    )


def test_typescript_keeps_its_layout(tmp_path):
    before = "import { TerraformStack } from 'cdktf';\nimport { Vpc } from '@cdktf/provider-aws/lib/vpc';\n"
    wanted = {"cdktf": ["TerraformOutput"], "@cdktf/provider-aws/lib/eip": ["Eip"]}
    assert add(before, wanted, tmp_path, "typescript") == (
        "import { TerraformStack, TerraformOutput } from 'cdktf';\n"
        "import { Vpc } from '@cdktf/provider-aws/lib/vpc';\n"
        "import { Eip } from '@cdktf/provider-aws/lib/eip';\n"
    )


@pytest.mark.parametrize(
    "args,expected",
    [
        (["self", '"a"', "value=x.arn"], '        TerraformOutput(self, "a", value=x.arn)\n'),
        (["self", '"load_balancer_dns_name"', "value=self.load_balancer.dns_name"],
         '        TerraformOutput(\n            self, "load_balancer_dns_name", value=self.load_balancer.dns_name\n        )\n'),
        (["self", '"' + "n" * 40 + '"', "value=self.session_cache.primary_endpoint_address"],
         '        TerraformOutput(\n            self,\n            "' + "n" * 40 + '",\n'
         "            value=self.session_cache.primary_endpoint_address,\n        )\n"),
    ],
)
def test_python_call_is_laid_out_as_black_does(args, expected):
    assert python_call("        ", "TerraformOutput", args) == expected
