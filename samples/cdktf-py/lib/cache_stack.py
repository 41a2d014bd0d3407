"""Redis replication group backing the catalog API."""

from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.elasticache_replication_group import (
    ElasticacheReplicationGroup,
)
from cdktf_cdktf_provider_aws.elasticache_subnet_group import ElasticacheSubnetGroup
from cdktf_cdktf_provider_aws.security_group import (
    SecurityGroup,
    SecurityGroupIngress,
)
from constructs import Construct


class CacheStack(TerraformStack):
    """Encrypted, multi-AZ Redis reachable only from the API tasks."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        environment_suffix: str,
        vpc_id: str,
        subnet_ids: list,
        client_security_group_id: str,
    ):
        super().__init__(scope, construct_id)

        name = f"catalog-cache-{environment_suffix}"

        security_group = SecurityGroup(
            self,
            "redis_sg",
            name=f"{name}-sg",
            description="Redis access from the catalog API tasks",
            vpc_id=vpc_id,
            ingress=[
                SecurityGroupIngress(
                    from_port=6379,
                    to_port=6379,
                    protocol="tcp",
                    security_groups=[client_security_group_id],
                ),
            ],
            tags={"Name": f"{name}-sg"},
        )

        subnet_group = ElasticacheSubnetGroup(
            self,
            "redis_subnets",
            subnet_group_name=f"{name}-subnets",
            description="Subnets for the catalog Redis cluster",
            subnet_ids=subnet_ids,
        )

        self.replication_group = ElasticacheReplicationGroup(
            self,
            "redis",
            replication_group_id=name,
            description="Product and price cache for the catalog API",
            engine="redis",
            engine_version="7.1",
            node_type="cache.t4g.micro",
            num_cache_clusters=2,
            port=6379,
            parameter_group_name="default.redis7",
            subnet_group_name=subnet_group.name,
            security_group_ids=[security_group.id],
            automatic_failover_enabled=True,
            multi_az_enabled=True,
            at_rest_encryption_enabled=True,
            transit_encryption_enabled=True,
            auto_minor_version_upgrade=True,
            snapshot_retention_limit=3,
            tags={"Name": name},
        )
