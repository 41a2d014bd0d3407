import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { createApiTaskDefinition } from './task-definition';

export interface EcsStackProps {
  environmentSuffix: string;
  awsRegion: string;
  vpcId: string;
  subnetIds: string[];
}

export class EcsStack extends Construct {
  public readonly cluster: EcsCluster;
  public readonly serviceSecurityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: EcsStackProps) {
    super(scope, id);

    const name = `orders-api-${props.environmentSuffix}`;

    this.cluster = new EcsCluster(this, 'cluster', {
      name: `orders-${props.environmentSuffix}`,
      setting: [{ name: 'containerInsights', value: 'enabled' }],
      tags: { Name: `orders-${props.environmentSuffix}` },
    });

    this.serviceSecurityGroup = new SecurityGroup(this, 'service-sg', {
      name: `${name}-sg`,
      description: 'Orders API tasks',
      vpcId: props.vpcId,
      ingress: [
        {
          fromPort: 8080,
          toPort: 8080,
          protocol: 'tcp',
          cidrBlocks: ['10.0.0.0/8'],
        },
      ],
      egress: [
        { fromPort: 0, toPort: 0, protocol: '-1', cidrBlocks: ['0.0.0.0/0'] },
      ],
      tags: { Name: `${name}-sg` },
    });

    const taskDefinition = createApiTaskDefinition(this, {
      name,
      awsRegion: props.awsRegion,
      image: 'public.ecr.aws/docker/library/node:20-alpine',
      containerPort: 8080,
    });

    const service = new EcsService(this, 'service', {
      name,
      cluster: this.cluster.id,
      taskDefinition: taskDefinition.arn,
      launchType: 'FARGATE',
      networkConfiguration: {
        subnets: props.subnetIds,
        securityGroups: [this.serviceSecurityGroup.id],
        assignPublicIp: true,
      },
      tags: { Name: name },
      desiredCount: 3,
    });

    new AppautoscalingTarget(this, 'service-scaling', {
      serviceNamespace: 'ecs',
      resourceId: `service/${this.cluster.name}/${service.name}`,
      scalableDimension: 'ecs:service:DesiredCount',
      minCapacity: 3,
      maxCapacity: 10,
    });

    // One metrics agent per EC2 container instance; its task definition
    // is published by the platform team's pipeline.
    new EcsService(this, 'metrics-agent', {
      name: `metrics-agent-${props.environmentSuffix}`,
      cluster: this.cluster.id,
      taskDefinition: `metrics-agent-${props.environmentSuffix}`,
      launchType: 'EC2',
      schedulingStrategy: 'DAEMON',
      tags: { Name: `metrics-agent-${props.environmentSuffix}` },
    });

    new TerraformOutput(this, 'service-name', { value: service.name });
  }
}
