"""ECS Fargate service for the catalog API."""

import json

from cdktf_cdktf_provider_aws.appautoscaling_target import AppautoscalingTarget
from cdktf_cdktf_provider_aws.ecs_cluster import EcsCluster
from cdktf_cdktf_provider_aws.ecs_cluster_capacity_providers import (
    EcsClusterCapacityProviders,
)
from cdktf_cdktf_provider_aws.ecs_service import (
    EcsService,
    EcsServiceNetworkConfiguration,
)
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.security_group import (
    SecurityGroup,
    SecurityGroupEgress,
    SecurityGroupIngress,
)
from constructs import Construct

from .task_definition import create_api_task_definition


class EcsStack(Construct):
    """Cluster, task definition and the autoscaled catalog API service."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        environment_suffix: str,
        aws_region: str,
        vpc_id: str,
        subnet_ids: list,
    ):
        super().__init__(scope, construct_id)

        name = f"catalog-api-{environment_suffix}"

        self.cluster = EcsCluster(
            self,
            "cluster",
            name=f"catalog-{environment_suffix}",
            tags={"Name": f"catalog-{environment_suffix}"},
        )

        # Mostly Spot capacity, with one on-demand task as a floor
        EcsClusterCapacityProviders(
            self,
            "cluster_capacity",
            cluster_name=self.cluster.name,
            capacity_providers=["FARGATE", "FARGATE_SPOT"],
        )

        self.service_security_group = SecurityGroup(
            self,
            "service_sg",
            name=f"{name}-sg",
            description="Catalog API tasks",
            vpc_id=vpc_id,
            ingress=[
                SecurityGroupIngress(
                    from_port=8000,
                    to_port=8000,
                    protocol="tcp",
                    cidr_blocks=["10.0.0.0/8"],
                ),
            ],
            egress=[
                SecurityGroupEgress(
                    from_port=0, to_port=0, protocol="-1", cidr_blocks=["0.0.0.0/0"]
                ),
            ],
            tags={"Name": f"{name}-sg"},
        )

        self.task_role = IamRole(
            self,
            "task_role",
            name=f"{name}-task",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
        )

        task_definition = create_api_task_definition(
            self,
            name=name,
            aws_region=aws_region,
            image="public.ecr.aws/docker/library/python:3.12-slim",
            container_port=8000,
            task_role_arn=self.task_role.arn,
        )

        service = EcsService(
            self,
            "service",
            name=name,
            cluster=self.cluster.id,
            task_definition=task_definition.arn,
            capacity_provider_strategy=[
                {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
                {"capacityProvider": "FARGATE_SPOT", "weight": 3},
            ],
            network_configuration=EcsServiceNetworkConfiguration(
                subnets=subnet_ids,
                security_groups=[self.service_security_group.id],
                assign_public_ip=True,
            ),
            tags={"Name": name},
            desired_count=3,
        )

        AppautoscalingTarget(
            self,
            "service_scaling",
            service_namespace="ecs",
            resource_id=f"service/{self.cluster.name}/{service.name}",
            scalable_dimension="ecs:service:DesiredCount",
            min_capacity=3,
            max_capacity=6,
        )

        # Log router on every EC2 container instance; the platform team
        # publishes its task definition.
        EcsService(
            self,
            "log_router",
            name=f"log-router-{environment_suffix}",
            cluster=self.cluster.id,
            task_definition=f"log-router-{environment_suffix}",
            launch_type="EC2",
            scheduling_strategy="DAEMON",
        )
