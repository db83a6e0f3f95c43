import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import * as path from 'node:path';
// In your own app: from 'magic-link-auth'.
import type { IAccessTokenIssuer } from '../../lib';

export interface ProtectedApiStackProps extends StackProps {
  /**
   * Whose access tokens `GET /me` accepts: a `MagicLinkAuth` in the same app, or
   * `MagicLinkAuth.fromIssuer({ issuer, audience })` for one deployed elsewhere.
   */
  readonly tokens: IAccessTokenIssuer;
}

/** A team's own HTTP API with one route behind the sign-in service's access tokens. */
export class ProtectedApiStack extends Stack {
  readonly api: apigwv2.HttpApi;
  readonly me: NodejsFunction;

  constructor(scope: Construct, id: string, props: ProtectedApiStackProps) {
    super(scope, id, props);
    const logGroup = new logs.LogGroup(this, 'MeLogs', { retention: logs.RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY });
    this.me = new NodejsFunction(this, 'Me', {
      entry: path.join(__dirname, 'me.ts'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      logGroup,
      bundling: { minify: true, sourceMap: false },
    });
    this.api = new apigwv2.HttpApi(this, 'Api', { description: 'An API of your own, its routes behind magic-link access tokens' });
    this.api.addRoutes({
      path: '/me',
      methods: [apigwv2.HttpMethod.GET],
      integration: new HttpLambdaIntegration('MeIntegration', this.me),
      // API Gateway checks the token itself: no code of yours runs for a request without a valid one.
      authorizer: props.tokens.jwtAuthorizer(),
    });
    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'ApiId', { value: this.api.apiId });
    new CfnOutput(this, 'MeLogGroupName', { value: logGroup.logGroupName });
  }
}
