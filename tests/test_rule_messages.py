"""Messages name properties as the file's language writes them: camelCase in TypeScript,
snake_case in Python and HCL (ParsedFile.attr_key / attr_entry)."""

from __future__ import annotations

import pytest

from iacfix.fixers import all_rules
from iacfix.rule import Example
from iacfix.testing import run_example

RULES = {rule.code: rule for rule in all_rules()}


def messages(code: str, example: Example, root) -> list[str]:
    root.mkdir(parents=True, exist_ok=True)
    result, _ = run_example(RULES[code], example, root)
    return [f.message for f in result.findings]


def example(code: str, flavour: str, index: int = 0) -> Example:
    return [e for e in RULES[code].examples if e.flavour == flavour and e.after is not None][index]


COOLDOWNS = "target tracking policy without scale-in / scale-out cooldowns; added {} and {} so scaling out is quick and scaling in does not flap"


@pytest.mark.parametrize(
    "flavour,index,entries",
    [
        ("cdktf-ts", 0, ("`scaleInCooldown: 300`", "`scaleOutCooldown: 60`")),
        ("cdktf-py", 0, ('`"scale_in_cooldown": 300`', '`"scale_out_cooldown": 60`')),  # a dict
        ("cdktf-py", 1, ("`scale_in_cooldown=300`", "`scale_out_cooldown=60`")),  # the struct class
        ("terraform", 0, ("`scale_in_cooldown = 300`", "`scale_out_cooldown = 60`")),
    ],
)
def test_asg101_names_the_cooldowns_as_the_file_writes_them(flavour, index, entries, tmp_path):
    assert messages("ASG101", example("ASG101", flavour, index), tmp_path) == [COOLDOWNS.format(*entries)]


def test_other_typescript_messages_are_camel_case(tmp_path):
    ecs104 = messages("ECS104", example("ECS104", "cdktf-ts"), tmp_path / "ecs104")
    assert ecs104[0].endswith("added listener to dependsOn")
    tag103 = messages("TAG103", example("TAG103", "cdktf-ts"), tmp_path / "tag103")
    assert tag103[0].endswith("has no defaultTags; added them to the provider's defaultTags so every resource carries them")
    rds102 = messages("RDS102", example("RDS102", "cdktf-ts"), tmp_path / "rds102")
    assert "RDS manages and rotates it with `manageMasterUserPassword: true`" in rds102[0]
    assert rds102[0].endswith("with `automaticallyAfterDays: 30`)")


def test_reports_in_typescript_name_the_missing_block_in_camel_case(tmp_path):
    cognito = """\
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
new CognitoUserPool(this, 'users', { name: 'users', mfaConfiguration: 'ON' });
"""
    [message] = messages("COG101", Example("cdktf-ts", cognito, cognito), tmp_path / "cog101")
    assert message.endswith("add softwareTokenMfaConfiguration (TOTP) or smsConfiguration")
    api = """\
import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
const api = new Apigatewayv2Api(this, 'api', { name: 'courses', protocolType: 'HTTP' });
new Apigatewayv2Integration(this, 'fn', { apiId: api.id, integrationType: 'AWS_PROXY', integrationUri: fn.invokeArn });
const handler = `exports.handler = async () => ({ headers: { 'Access-Control-Allow-Origin': '*' } });`;
"""
    [message] = messages("APIGW101", Example("cdktf-ts", api, api), tmp_path / "apigw101")
    assert "but has no corsConfiguration, so preflight requests fail; add corsConfiguration with" in message
