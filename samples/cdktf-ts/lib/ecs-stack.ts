import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { createApiTaskDefinition } from './task-definition';

export interface EcsStackProps {
  environmentSuffix: string;
  awsRegion: string;
  vpcId: string;
  subnetIds: string[];
}

export class EcsStack extends TerraformStack {
  public readonly cluster: EcsCluster;
  public readonly serviceSecurityGroup: SecurityGroup;
  public readonly loadBalancer: Lb;

  constructor(scope: Construct, id: string, props: EcsStackProps) {
    super(scope, id);

    const name = `orders-api-${props.environmentSuffix}`;

    this.cluster = new EcsCluster(this, 'cluster', {
      name: `orders-${props.environmentSuffix}`,
      setting: [{ name: 'containerInsights', value: 'enabled' }],
      tags: { Name: `orders-prod-${props.environmentSuffix}` },
    });

    const albSecurityGroup = new SecurityGroup(this, 'alb-sg', {
      name: `${name}-alb-sg`,
      description: 'Public HTTP to the orders API',
      vpcId: props.vpcId,
      ingress: [
        { fromPort: 80, toPort: 80, protocol: 'tcp', cidrBlocks: ['0.0.0.0/0'] },
      ],
      egress: [
        { fromPort: 0, toPort: 0, protocol: '-1', cidrBlocks: ['0.0.0.0/0'] },
      ],
      tags: { Name: `${name}-alb-sg` },
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
          securityGroups: [albSecurityGroup.id],
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

    this.loadBalancer = new Lb(this, 'alb', {
      name: `${name}-alb`,
      loadBalancerType: 'application',
      securityGroups: [albSecurityGroup.id],
      subnets: props.subnetIds,
      tags: { Name: `${name}-alb` },
    });

    const targetGroup = new LbTargetGroup(this, 'api-tg', {
      name: `${name}-tg`,
      port: 8080,
      protocol: 'HTTP',
      targetType: 'ip',
      vpcId: props.vpcId,
      deregistrationDelay: 30,
      healthCheck: { path: '/health', matcher: '200' },
    });

    const listener = new LbListener(this, 'http', {
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
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
      loadBalancer: [
        {
          targetGroupArn: targetGroup.arn,
          containerName: 'api',
          containerPort: 8080,
        },
      ],
      tags: { Name: name },
    });

    const scaling = new AppautoscalingTarget(this, 'service-scaling', {
      serviceNamespace: 'ecs',
      resourceId: `service/${this.cluster.name}/${service.name}`,
      scalableDimension: 'ecs:service:DesiredCount',
      minCapacity: 3,
      maxCapacity: 10,
    });

    new AppautoscalingPolicy(this, 'service-cpu', {
      name: `${name}-cpu`,
      policyType: 'TargetTrackingScaling',
      serviceNamespace: scaling.serviceNamespace,
      resourceId: scaling.resourceId,
      scalableDimension: scaling.scalableDimension,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: 60,
        predefinedMetricSpecification: {
          predefinedMetricType: 'ECSServiceAverageCPUUtilization',
        },
      },
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
