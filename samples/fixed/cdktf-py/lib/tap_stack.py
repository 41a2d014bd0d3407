"""Top-level stack for the catalog API."""

import json

from cdktf import S3Backend, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.data_aws_subnets import (
    DataAwsSubnets,
    DataAwsSubnetsFilter,
)
from cdktf_cdktf_provider_aws.data_aws_vpc import DataAwsVpc
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.secretsmanager_secret import SecretsmanagerSecret
from constructs import Construct

from .cache_stack import CacheStack
from .ecs_stack import EcsStack


class TapStack(TerraformStack):
    """Configures the provider and remote state, then adds the service stacks."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        environment_suffix: str = "dev",
        aws_region: str = "us-east-1",
        default_tags: dict | None = None,
        state_bucket=None,
        state_bucket_region=None,
    ):
        super().__init__(scope, construct_id)

        AwsProvider(
            self,
            "aws",
            region=aws_region,
            default_tags=[default_tags or {}],
        )

        S3Backend(
            self,
            bucket="iac-rlhf-tf-states",
            key=f"{environment_suffix}/{construct_id}.tfstate",
            region="us-east-1",
            encrypt=True,
        )

        # Tasks and cache nodes go into the account's default VPC
        vpc = DataAwsVpc(self, "default_vpc", default=True)
        subnets = DataAwsSubnets(
            self,
            "default_subnets",
            filter=[DataAwsSubnetsFilter(name="vpc-id", values=[vpc.id])],
        )

        ecs = EcsStack(
            self,
            "ecs",
            environment_suffix=environment_suffix,
            aws_region=aws_region,
            vpc_id=vpc.id,
            subnet_ids=subnets.ids,
        )

        cache = CacheStack(
            self,
            "cache",
            environment_suffix=environment_suffix,
            vpc_id=vpc.id,
            subnet_ids=subnets.ids,
            client_security_group_id=ecs.service_security_group.id,
        )

        # Configuration the API reads at start-up: feature flags, partner API key
        self.config_secret = SecretsmanagerSecret(
            self,
            "api_config",
            name=f"catalog-api-config-{environment_suffix}",
            recovery_window_in_days=0,
        )
        IamRolePolicy(
            self,
            "api_read_config",
            name=f"catalog-api-read-config-{environment_suffix}",
            role=ecs.task_role.id,
            policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["secretsmanager:GetSecretValue"],
                            "Resource": self.config_secret.arn,
                        }
                    ],
                }
            ),
        )
        TerraformOutput(self, "ecs_cluster_name", value=ecs.cluster.name)
        TerraformOutput(self, "ecs_cluster_arn", value=ecs.cluster.arn)
        TerraformOutput(
            self,
            "cache_replication_group_primary_endpoint_address",
            value=cache.replication_group.primary_endpoint_address,
        )
