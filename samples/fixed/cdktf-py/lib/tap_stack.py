"""Top-level stack for the catalog API."""

from cdktf import S3Backend, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.data_aws_subnets import (
    DataAwsSubnets,
    DataAwsSubnetsFilter,
)
from cdktf_cdktf_provider_aws.data_aws_vpc import DataAwsVpc
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from .cache_stack import CacheStack
from .ecs_stack import EcsStack


class TapStack(TerraformStack):
    """Configures the provider and remote state, then adds the service stacks."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs):
        super().__init__(scope, construct_id)

        environment_suffix = kwargs.get("environment_suffix", "dev")
        aws_region = kwargs.get("aws_region", "us-east-1")
        state_bucket = kwargs.get("state_bucket", "iac-rlhf-tf-states")
        state_bucket_region = kwargs.get("state_bucket_region", "us-east-1")
        default_tags = kwargs.get("default_tags", {})

        AwsProvider(
            self,
            "aws",
            region=aws_region,
            default_tags=[default_tags],
        )

        S3Backend(
            self,
            bucket=state_bucket,
            key=f"{environment_suffix}/{construct_id}.tfstate",
            region=state_bucket_region,
            encrypt=True,
        )
        # S3Backend has no option for native state locking, so use an escape hatch

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

        TerraformOutput(self, "ecs_cluster_name", value=ecs.cluster.name)
        TerraformOutput(
            self,
            "redis_endpoint",
            value=cache.replication_group.primary_endpoint_address,
        )
