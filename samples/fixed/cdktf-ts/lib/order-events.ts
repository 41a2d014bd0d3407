import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Construct } from 'constructs';
import * as path from 'path';

export interface OrderEventsProps {
  environmentSuffix: string;
}

// Order events: the API queues them, a Lambda archives each one to S3
// and notifies the shop's fulfilment topic.
export class OrderEvents extends Construct {
  public readonly queue: SqsQueue;
  public readonly archive: S3Bucket;

  constructor(scope: Construct, id: string, props: OrderEventsProps) {
    super(scope, id);

    const name = `orders-events-${props.environmentSuffix}`;

    this.queue = new SqsQueue(this, 'queue', {
      name,
      visibilityTimeoutSeconds: 60,
      messageRetentionSeconds: 345600,
    });

    this.archive = new S3Bucket(this, 'archive', {
      bucket: `${name}-archive`,
      forceDestroy: true,
    });
    new S3BucketVersioningA(this, 'archive-versioning', {
      bucket: this.archive.id,
      versioningConfiguration: { status: 'Enabled' },
    });

    const topic = new SnsTopic(this, 'fulfilment', {
      name: `${name}-fulfilment`,
    });

    const role = new IamRole(this, 'handler-role', {
      name: `${name}-handler`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    });
    new IamRolePolicy(this, 'handler-policy', {
      role: role.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'sqs:ReceiveMessage',
              'sqs:DeleteMessage',
              'sqs:GetQueueAttributes',
            ],
            Resource: this.queue.arn,
          },
          {
            Effect: 'Allow',
            Action: ['s3:PutObject'],
            Resource: `${this.archive.arn}/*`,
          },
          {
            Effect: 'Allow',
            Action: ['sns:Publish'],
            Resource: topic.arn,
          },
          {
            Effect: 'Allow',
            Action: [
              'logs:CreateLogGroup',
              'logs:CreateLogStream',
              'logs:PutLogEvents',
            ],
            Resource: '*',
          },
        ],
      }),
    });

    // Built by `npm run package:lambda`
    const handler = new LambdaFunction(this, 'handler', {
      functionName: `${name}-handler`,
      role: role.arn,
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      filename: path.resolve(__dirname, '..', 'lambda/order-events.zip'),
      timeout: 30,
      environment: {
        variables: {
          ARCHIVE_BUCKET: this.archive.bucket,
          TOPIC_ARN: topic.arn,
        },
      },
    });

    new LambdaEventSourceMapping(this, 'handler-source', {
      eventSourceArn: this.queue.arn,
      functionName: handler.arn,
      batchSize: 10,
    });
  }
}
