/**
 * The package's entry point: the construct, its props, and the facts an app may want to build on
 * (the metrics it emits, its alarm thresholds, its throttling defaults).
 */
export {
  MagicLinkAuth,
  ROUTE_THROTTLE_DEFAULTS,
  type AccessTokenIssuerAttributes,
  type IAccessTokenIssuer,
  type FunctionName,
  type IMagicLinkAuth,
  type MagicLinkAuthFunctionProps,
  type MagicLinkAuthProps,
  type OidcClient,
  type OidcEndpoints,
} from './magic-link-auth';
export { DEFAULT_APP_NAME, MagicLinkAuthStack, propsFromContext, type MagicLinkAuthStackProps } from './magic-link-auth-stack';
export { ALARM_THRESHOLDS, SERVICE_NAME, type AlarmName } from './monitoring';
export type { MagicLinkAuthSettings } from './settings-props.generated';
export type { Brand } from '../lambdas/domain/brand';
export type { MailTemplate } from '../lambdas/domain/mail-templates';
export { METRICS, METRICS_NAMESPACE, type MetricKey } from '../lambdas/contract/metrics';
