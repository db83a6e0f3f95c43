/**
 * The service's own CloudWatch metrics: what each request's outcome counts as. The functions write
 * them in the embedded metric format (log lines CloudWatch turns into metrics: no API calls); the
 * construct's dashboard and alarms read the same names. No AWS imports: `lib/` imports this file.
 */
import type { ErrorCode } from './errors';
import type { Route } from './routes';

export const METRICS_NAMESPACE = 'MagicLinkAuth';

/**
 * The dimension that tells deployments apart in one account (besides Powertools' own `service`):
 * the construct sets it, the functions read it from `METRICS_DEPLOYMENT`.
 */
export const METRICS_DEPLOYMENT_DIMENSION = 'deployment';
export const METRICS_DEPLOYMENT_ENV = 'METRICS_DEPLOYMENT';

/** Every metric, by key, with its CloudWatch name and what one count means. */
export const METRICS = {
  linkRequested: { name: 'LinkRequested', description: 'a request for a magic link (any outcome)' },
  linkMailed: { name: 'LinkMailed', description: 'a link (and its code) mailed: the 202' },
  refusedIpLimit: { name: 'RefusedIpLimit', description: 'a request refused by the per-network limit' },
  refusedEmailLimit: { name: 'RefusedEmailLimit', description: "a request refused by an address's limits" },
  signInRefused: { name: 'SignInRefused', description: 'an address the sign-in policy refused: a request answered 202 and not mailed, or a verify answered `sign_in_not_allowed`' },
  refusedCapacity: { name: 'RefusedCapacity', description: "a request refused by the deployment's hourly mail budget" },
  challengeRequired: { name: 'ChallengeRequired', description: 'a request without a solved proof-of-work challenge while the mail budget is past its threshold' },
  mailHeld: { name: 'MailHeld', description: "a new address answered 202 and not mailed: only the budget's reserve for returning people was left" },
  deliveryFailed: { name: 'DeliveryFailed', description: 'SES refused or failed to take a mail (undone, answered 502)' },
  verifiedByLink: { name: 'VerifiedByLink', description: 'a sign-in by the link' },
  verifiedByCode: { name: 'VerifiedByCode', description: 'a sign-in by the one-time code' },
  alreadyUsed: { name: 'AlreadyUsed', description: 'a link or code used a second time' },
  expired: { name: 'Expired', description: 'a link or code used after it expired' },
  notFound: { name: 'NotFound', description: 'a link token that matches no sign-in' },
  deviceMismatch: { name: 'DeviceMismatch', description: 'a bound link opened without its verifier (another device, or a mail scanner)' },
  codeInvalid: { name: 'CodeInvalid', description: 'a wrong code' },
  codeAttemptsExceeded: { name: 'CodeAttemptsExceeded', description: "a code refused because the address's wrong-code budget is spent" },
  codeIpLimitExceeded: { name: 'CodeIpLimitExceeded', description: "a code refused because the source network's wrong-code budget is spent" },
} as const satisfies Record<string, { name: string; description: string }>;

export type MetricKey = keyof typeof METRICS;

/** Counted for every request a route receives, whatever its outcome. */
export const ROUTE_METRICS: Partial<Record<Route['operationId'], MetricKey>> = { requestMagicLink: 'linkRequested' };

/** Counted when a route succeeds; verify names its own (by link or by code). */
export const SUCCESS_METRICS: Partial<Record<Route['operationId'], MetricKey>> = { requestMagicLink: 'linkMailed' };

/** Counted when a request ends in one of these errors. */
export const ERROR_METRICS: Partial<Record<ErrorCode, MetricKey>> = {
  magic_link_ip_limit_exceeded: 'refusedIpLimit',
  magic_link_email_limit_exceeded: 'refusedEmailLimit',
  magic_link_capacity_exceeded: 'refusedCapacity',
  magic_link_challenge_required: 'challengeRequired',
  email_delivery_failed: 'deliveryFailed',
  magic_link_already_used: 'alreadyUsed',
  magic_link_expired: 'expired',
  magic_link_not_found: 'notFound',
  magic_link_device_mismatch: 'deviceMismatch',
  magic_link_code_invalid: 'codeInvalid',
  magic_link_code_attempts_exceeded: 'codeAttemptsExceeded',
  magic_link_code_ip_limit_exceeded: 'codeIpLimitExceeded',
  sign_in_not_allowed: 'signInRefused',
};

/** The metrics one request counts: its route's, and its outcome's (a success's, or its error's). */
export function metricsOf(operationId: Route['operationId'] | undefined, outcome: { readonly error: ErrorCode } | { readonly success?: MetricKey }): MetricKey[] {
  const keys: MetricKey[] = [];
  const route = operationId === undefined ? undefined : ROUTE_METRICS[operationId];
  if (route) keys.push(route);
  const result = 'error' in outcome ? ERROR_METRICS[outcome.error] : (outcome.success ?? (operationId === undefined ? undefined : SUCCESS_METRICS[operationId]));
  if (result) keys.push(result);
  return keys;
}
