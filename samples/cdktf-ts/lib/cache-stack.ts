import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

export interface CacheStackProps {
  environmentSuffix: string;
  vpcId: string;
  subnetIds: string[];
  clientSecurityGroupId: string;
}

export class CacheStack extends TerraformStack {
  public readonly replicationGroup: ElasticacheReplicationGroup;

  constructor(scope: Construct, id: string, props: CacheStackProps) {
    super(scope, id);

    const name = `orders-cache-${props.environmentSuffix}`;

    const securityGroup = new SecurityGroup(this, 'redis-sg', {
      name: `${name}-sg`,
      description: 'Redis access from the orders API tasks',
      vpcId: props.vpcId,
      ingress: [
        {
          fromPort: 6379,
          toPort: 6379,
          protocol: 'tcp',
          securityGroups: [props.clientSecurityGroupId],
        },
      ],
      tags: { Name: `${name}-sg` },
    });

    const subnetGroup = new ElasticacheSubnetGroup(this, 'redis-subnets', {
      name: `${name}-subnets`,
      description: 'Subnets for the orders Redis cluster',
      subnetIds: props.subnetIds,
    });

    this.replicationGroup = new ElasticacheReplicationGroup(this, 'redis', {
      replicationGroupId: name,
      description: 'Session and cart cache for the orders API',
      engine: 'redis',
      engineVersion: '7.1',
      nodeType: 'cache.t4g.small',
      numCacheClusters: 2,
      port: 6379,
      parameterGroupName: 'default.redis7',
      subnetGroupName: subnetGroup.name,
      securityGroupIds: [securityGroup.id],
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: 3,
      tags: { Name: name },
    });
  }
}
