#!/usr/bin/env node
/**
 * The integration suite's `beforeSignIn` function, deployed into the emulator before the policy stack
 * that names it (`-c beforeSignInFunctionArn=<FunctionArn>`): a team's function, as the contract
 * describes it, whose answer depends on the address's local part (`handler/index.mjs`).
 */
import { App, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as path from 'node:path';

const app = new App();
const stack = new Stack(app, app.node.tryGetContext('stackName') ?? 'SignInHook');
const fn = new lambda.Function(stack, 'BeforeSignIn', {
  runtime: lambda.Runtime.NODEJS_22_X,
  architecture: lambda.Architecture.ARM_64,
  handler: 'index.handler',
  code: lambda.Code.fromAsset(path.join(__dirname, 'handler')),
  // Longer than its slowest answer: the caller's own timeout, not this one, is what is tested.
  timeout: Duration.seconds(10),
  logGroup: new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_DAY, removalPolicy: RemovalPolicy.DESTROY }),
});
new CfnOutput(stack, 'FunctionArn', { value: fn.functionArn });
app.synth();
