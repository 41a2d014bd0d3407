import { DataAwsSubnets } from '@cdktf/provider-aws/lib/data-aws-subnets';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import {
  AwsProvider,
  AwsProviderDefaultTags,
} from '@cdktf/provider-aws/lib/provider';
import { S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Auth } from './auth';
import { CacheStack } from './cache-stack';
import { EcsStack } from './ecs-stack';
import { OrderEvents } from './order-events';

interface TapStackProps {
  environmentSuffix?: string;
  stateBucket?: string;
  stateBucketRegion?: string;
  awsRegion?: string;
  defaultTags?: AwsProviderDefaultTags;
}

export class TapStack extends TerraformStack {
  constructor(scope: Construct, id: string, props?: TapStackProps) {
    super(scope, id);

    const environmentSuffix = props?.environmentSuffix || 'dev';
    const awsRegion = props?.awsRegion || 'us-east-1';
    const stateBucket = props?.stateBucket || 'iac-rlhf-tf-states';
    const stateBucketRegion = props?.stateBucketRegion || 'us-east-1';
    const defaultTags = props?.defaultTags ? [props.defaultTags] : [];

    new AwsProvider(this, 'aws', {
      region: awsRegion,
      defaultTags: defaultTags,
    });

    new S3Backend(this, {
      bucket: stateBucket,
      key: `${environmentSuffix}/${id}.tfstate`,
      region: stateBucketRegion,
      encrypt: true,
    });

    // The workload runs in the account's default VPC
    const vpc = new DataAwsVpc(this, 'default-vpc', {
      default: true,
    });
    const subnets = new DataAwsSubnets(this, 'default-subnets', {
      filter: [{ name: 'vpc-id', values: [vpc.id] }],
    });

    const ecs = new EcsStack(this, 'ecs', {
      environmentSuffix,
      awsRegion,
      vpcId: vpc.id,
      subnetIds: subnets.ids,
    });

    const cache = new CacheStack(this, 'cache', {
      environmentSuffix,
      vpcId: vpc.id,
      subnetIds: subnets.ids,
      clientSecurityGroupId: ecs.serviceSecurityGroup.id,
    });

    const auth = new Auth(this, 'auth', { environmentSuffix });
    const events = new OrderEvents(this, 'order-events', { environmentSuffix });

    new TerraformOutput(this, 'alb-dns-name', {
      value: ecs.loadBalancer.dnsName,
    });
    new TerraformOutput(this, 'user-pool-id', {
      value: auth.userPool.id,
    });
    new TerraformOutput(this, 'web-client-id', {
      value: auth.webClient.id,
    });
    new TerraformOutput(this, 'order-events-queue-url', {
      value: events.queue.url,
    });
    new TerraformOutput(this, 'ecs-cluster-name', {
      value: ecs.cluster.name,
    });
    new TerraformOutput(this, 'redis-primary-endpoint', {
      value: cache.replicationGroup.primaryEndpointAddress,
    });
  }
}
