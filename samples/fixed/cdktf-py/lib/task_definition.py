"""Fargate task definition for the catalog API, with its role and log group."""

import json

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.ecs_task_definition import EcsTaskDefinition
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import (
    IamRolePolicyAttachment,
)
from constructs import Construct

EXECUTION_POLICY_ARN = (
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
)


def create_api_task_definition(
    scope: Construct,
    *,
    name: str,
    aws_region: str,
    image: str,
    container_port: int,
    task_role_arn: str,
) -> EcsTaskDefinition:
    """Create the API task definition inside ``scope`` and return it."""
    log_group = CloudwatchLogGroup(
        scope, "api_logs", name=f"/ecs/{name}", retention_in_days=14
    )

    execution_role = IamRole(
        scope,
        "api_execution_role",
        name=f"{name}-execution",
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
    IamRolePolicyAttachment(
        scope,
        "api_execution_policy",
        role=execution_role.name,
        policy_arn=EXECUTION_POLICY_ARN,
    )

    container = {
        "name": "api",
        "image": image,
        "essential": True,
        "portMappings": [{"containerPort": container_port, "protocol": "tcp"}],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": log_group.name,
                "awslogs-region": aws_region,
                "awslogs-stream-prefix": "api",
            },
        },
    }
    return EcsTaskDefinition(
        scope,
        "api_task",
        family=name,
        network_mode="awsvpc",
        requires_compatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        execution_role_arn=execution_role.arn,
        task_role_arn=task_role_arn,
        container_definitions=json.dumps([container]),
        tags={"Name": name},
    )
