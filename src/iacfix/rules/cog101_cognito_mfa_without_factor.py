"""COG101: Cognito user pool with optional MFA but no MFA factor configured."""

from __future__ import annotations

from iacfix.rule import FLAVOURS, Example, Rule

FACTORS = ("sms_configuration", "software_token_mfa_configuration", "email_mfa_configuration")


class CognitoMfaWithoutFactor(Rule):
    """A Cognito user pool with `mfa_configuration = "OPTIONAL"` needs an MFA factor.

    What it does: on an `aws_cognito_user_pool` / `CognitoUserPool` whose `mfa_configuration`
    is "OPTIONAL" while no SMS, software-token (TOTP) or email MFA configuration is given, sets
    it to "OFF". With "ON" (MFA required) it only reports: turning off required MFA is a
    security decision for a human — add `software_token_mfa_configuration { enabled = true }`.

    Why: Cognito rejects the pool ("Invalid MFA configuration given, can't disable all MFAs with
    a required or optional configuration"), so the deployment fails.

    Fix (safe, for "OPTIONAL"): `mfa_configuration = "OFF"`, which is what the pool effectively
    had: optional MFA with no factor lets nobody enrol.
    """

    code = "COG101"
    name = "cognito-mfa-without-factor"
    flavours = FLAVOURS
    severity = "error"
    seeds = ("004#5",)
    examples = [
        Example(
            "cdktf-ts",
            before="""\
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
new CognitoUserPool(this, 'pool', {
  name: 'users',
  mfaConfiguration: 'OPTIONAL',
});
""",
            after="""\
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
new CognitoUserPool(this, 'pool', {
  name: 'users',
  mfaConfiguration: 'OFF',
});
""",
        ),
        Example(
            "cdktf-py",
            before="""\
from cdktf_cdktf_provider_aws.cognito_user_pool import CognitoUserPool

CognitoUserPool(self, "pool", name="users", mfa_configuration="OPTIONAL")
""",
            after="""\
from cdktf_cdktf_provider_aws.cognito_user_pool import CognitoUserPool

CognitoUserPool(self, "pool", name="users", mfa_configuration="OFF")
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_cognito_user_pool" "users" {
  name              = "users"
  mfa_configuration = "OPTIONAL"
}
""",
            after="""\
resource "aws_cognito_user_pool" "users" {
  name              = "users"
  mfa_configuration = "OFF"
}
""",
        ),
        Example(
            "terraform",
            before="""\
resource "aws_cognito_user_pool" "users" {
  mfa_configuration = "OPTIONAL"

  software_token_mfa_configuration {
    enabled = true
  }
}
""",
        ),
    ]

    def check(self, ctx):
        for pool in ctx.resources("aws_cognito_user_pool"):
            mfa = pool.attr_value("mfa_configuration")
            if mfa is None or mfa.kind != "string" or mfa.value not in ("OPTIONAL", "ON"):
                continue
            if any(factor in pool.attrs for factor in FACTORS) or "dynamic" in pool.attrs:
                continue  # a factor, or a `dynamic` block that may be one
            file = ctx.file(pool.path)
            if mfa.value == "ON":
                yield self.finding(
                    pool,
                    "MFA is required but no SMS, TOTP or email MFA is configured, so Cognito rejects the pool; "
                    f"add {file.attr_key('software_token_mfa_configuration')} (TOTP) or "
                    f"{file.attr_key('sms_configuration')}",
                )
                continue
            yield self.finding(
                pool,
                'optional MFA with no SMS, TOTP or email MFA configured is rejected by Cognito; set to "OFF" '
                "(or configure a factor to keep MFA)",
                file.replace_value(pool.attrs["mfa_configuration"], file.literal("OFF")),
            )
