import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { MagicLinkAuth, type MagicLinkAuthProps } from './magic-link-auth';

export interface MagicLinkAuthStackProps extends StackProps {
  readonly auth: MagicLinkAuthProps;
}

/** The deployable app: the construct plus the outputs a client needs. */
export class MagicLinkAuthStack extends Stack {
  readonly auth: MagicLinkAuth;

  constructor(scope: Construct, id: string, props: MagicLinkAuthStackProps) {
    super(scope, id, props);
    this.auth = new MagicLinkAuth(this, 'MagicLinkAuth', props.auth);
    new CfnOutput(this, 'ApiUrl', { value: this.auth.url, description: 'Base URL of the sign-in API' });
    new CfnOutput(this, 'ApiId', { value: this.auth.api.apiId });
    new CfnOutput(this, 'TableName', { value: this.auth.table.tableName });
  }
}

/**
 * Reads the stack's settings from CDK context (`cdk.json`, or `-c key=value` on the command line).
 * Unset values keep the construct's defaults.
 */
export function propsFromContext(node: { tryGetContext(key: string): unknown }): MagicLinkAuthProps {
  const text = (key: string) => {
    const value = node.tryGetContext(key);
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const number = (key: string) => {
    const value = text(key);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) throw new Error(`context ${key} must be a whole number, got "${value}"`);
    return Number(value);
  };
  const senderAddress = text('senderAddress');
  const signInUrl = text('signInUrl');
  if (!senderAddress || !signInUrl) {
    throw new Error('set the senderAddress and signInUrl context values (cdk.json or -c key=value)');
  }
  const linkSeconds = number('linkLifetimeSeconds');
  const sessionSeconds = number('sessionLifetimeSeconds');
  const removal = text('tableRemovalPolicy');
  if (removal !== undefined && !['retain', 'destroy'].includes(removal)) {
    throw new Error(`context tableRemovalPolicy must be "retain" or "destroy", got "${removal}"`);
  }
  return {
    senderAddress,
    signInUrl,
    allowedOrigins: text('allowedOrigins')?.split(',').map((origin) => origin.trim()),
    linkLifetime: linkSeconds === undefined ? undefined : Duration.seconds(linkSeconds),
    sessionLifetime: sessionSeconds === undefined ? undefined : Duration.seconds(sessionSeconds),
    ipLimitPerHour: number('ipLimitPerHour'),
    emailLimitPerHour: number('emailLimitPerHour'),
    docsBaseUrl: text('docsBaseUrl'),
    tableRemovalPolicy: removal === 'destroy' ? RemovalPolicy.DESTROY : undefined,
  };
}
