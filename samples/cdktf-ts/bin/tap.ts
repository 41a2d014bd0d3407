#!/usr/bin/env node
import { App } from 'cdktf';
import { TapStack } from '../lib/tap-stack';

const app = new App();

// Deployment settings come from the CI environment, with local defaults
const environmentSuffix = process.env.ENVIRONMENT_SUFFIX || 'dev';
const stateBucket = process.env.TERRAFORM_STATE_BUCKET || 'iac-rlhf-tf-states';
const stateBucketRegion =
  process.env.TERRAFORM_STATE_BUCKET_REGION || 'us-east-1';
const awsRegion = process.env.AWS_REGION || 'us-east-1';
const repositoryName = process.env.REPOSITORY || 'unknown';
const commitAuthor = process.env.COMMIT_AUTHOR || 'unknown';

new TapStack(app, `TapStack${environmentSuffix}`, {
  environmentSuffix,
  stateBucket,
  stateBucketRegion,
  awsRegion,
  defaultTags: {
    tags: {
      Environment: environmentSuffix,
      Repository: repositoryName,
      CommitAuthor: commitAuthor,
      Service: 'orders-api',
    },
  },
});

app.synth();
