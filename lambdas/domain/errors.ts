/**
 * What the domain reports when it refuses or cannot do something. No HTTP here: the contract
 * (`lambdas/contract/errors.ts`) says which catalogued code each of these is on the wire.
 */

/** Why a sign-in step was refused: the caller's doing, not a fault. */
export type Refusal =
  /** The request names a redirect URL the deployment's allowlist does not hold. */
  | 'redirect_not_allowed'
  | 'ip_limit_exceeded'
  | 'email_limit_exceeded'
  | 'capacity_exceeded'
  | 'link_not_found'
  | 'link_expired'
  | 'link_already_used'
  | 'device_mismatch'
  | 'code_invalid'
  | 'code_attempts_exceeded'
  /** The source network's wrong-code budget, across addresses, is spent. */
  | 'code_ip_limit_exceeded'
  | 'session_invalid';

export class RefusedError extends Error {
  constructor(
    readonly reason: Refusal,
    /** Seconds until trying again can succeed, when the domain knows better than the contract's fixed wait. */
    readonly retryAfterSeconds?: number,
  ) {
    super(`refused: ${reason}`);
    this.name = 'RefusedError';
  }
}

/** A dependency (the table, the mail service) throttled or was unavailable: worth retrying shortly. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: 'store' | 'mailer' | 'secrets' | 'signer',
    options: { cause?: unknown } = {},
  ) {
    super(`${dependency} unavailable`, options);
    this.name = 'DependencyUnavailableError';
  }
}

/** The mail service refused or failed to send: retrying the same request will not help by itself. */
export class DeliveryFailedError extends Error {
  constructor(options: { cause?: unknown } = {}) {
    super('mail delivery failed', options);
    this.name = 'DeliveryFailedError';
  }
}
