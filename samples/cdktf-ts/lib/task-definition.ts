import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';

export interface ApiTaskDefinitionProps {
  name: string;
  awsRegion: string;
  image: string;
  containerPort: number;
}

// Builds the Fargate task definition for the API together with its
// execution role and log group.
export function createApiTaskDefinition(
  scope: Construct,
  props: ApiTaskDefinitionProps
): EcsTaskDefinition {
  const logGroup = new CloudwatchLogGroup(scope, 'api-logs', {
    name: `/ecs/${props.name}`,
    retentionInDays: 14,
  });

  const executionRole = new IamRole(scope, 'api-execution-role', {
    name: `${props.name}-execution`,
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'ecs-tasks.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ],
    }),
  });

  new IamRolePolicyAttachment(scope, 'api-execution-policy', {
    role: executionRole.name,
    policyArn:
      'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
  });

  return new EcsTaskDefinition(scope, 'api-task', {
    family: props.name,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '512',
    memory: '1024',
    executionRoleArn: executionRole.arn,
    containerDefinitions: JSON.stringify([
      {
        name: 'api',
        image: props.image,
        essential: true,
        portMappings: [{ containerPort: props.containerPort, protocol: 'tcp' }],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': logGroup.name,
            'awslogs-region': props.awsRegion,
            'awslogs-stream-prefix': 'api',
          },
        },
      },
    ]),
    tags: { Name: props.name },
  });
}
