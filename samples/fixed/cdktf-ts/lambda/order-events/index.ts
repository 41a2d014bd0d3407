import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SQSEvent } from 'aws-lambda';

const s3 = new S3Client({});
const sns = new SNSClient({});

export const handler = async (event: SQSEvent): Promise<void> => {
  for (const record of event.Records) {
    const order = JSON.parse(record.body) as { orderId: string };
    await s3.send(
      new PutObjectCommand({
        Bucket: process.env.ARCHIVE_BUCKET,
        Key: `orders/${order.orderId}.json`,
        Body: record.body,
        ContentType: 'application/json',
      })
    );
    await sns.send(
      new PublishCommand({
        TopicArn: process.env.TOPIC_ARN,
        Message: record.body,
        Subject: `Order ${order.orderId}`,
      })
    );
  }
};
