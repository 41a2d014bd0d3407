import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { Construct } from 'constructs';

export interface AuthProps {
  environmentSuffix: string;
}

// Customer sign-in for the orders web shop
export class Auth extends Construct {
  public readonly userPool: CognitoUserPool;
  public readonly webClient: CognitoUserPoolClient;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);

    this.userPool = new CognitoUserPool(this, 'customers', {
      name: `orders-customers-${props.environmentSuffix}`,
      usernameAttributes: ['email'],
      autoVerifiedAttributes: ['email'],
      mfaConfiguration: 'OFF',
      passwordPolicy: {
        minimumLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: false,
      },
      accountRecoverySetting: {
        recoveryMechanism: [{ name: 'verified_email', priority: 1 }],
      },
    });

    this.webClient = new CognitoUserPoolClient(this, 'web-client', {
      name: `orders-web-${props.environmentSuffix}`,
      userPoolId: this.userPool.id,
      explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      accessTokenValidity: 1,
      idTokenValidity: 1,
      refreshTokenValidity: 30,
      tokenValidityUnits: [{
        accessToken: 'hours',
        idToken: 'hours',
        refreshToken: 'days',
      }],
      preventUserExistenceErrors: 'ENABLED',
    });
  }
}
