import { Testing } from 'cdktf';
import { TapStack } from '../lib/tap-stack';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

describe('TapStack', () => {
  const stack = new TapStack(Testing.app(), 'TestTapStack', {
    environmentSuffix: 'test',
  });
  const resources: Resources = JSON.parse(Testing.synth(stack)).resource;

  test('runs three API tasks on Fargate', () => {
    const api = Object.values(resources.aws_ecs_service).find(
      service => service.launch_type === 'FARGATE'
    );
    expect(api?.desired_count).toBe(3);
  });

  test('encrypts the Redis cache at rest', () => {
    const [redis] = Object.values(resources.aws_elasticache_replication_group);
    expect(redis.at_rest_encryption_enabled).toBe('true');
  });
});
