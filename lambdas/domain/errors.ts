/**
 * What the domain reports when it refuses or cannot do something. No HTTP here: the contract
 * (`lambdas/contract/errors.ts`) says which catalogued code each of these is on the wire.
 */

/** Why a sign-in step was refused: the caller's doing, not a fault. */
export type Refusal =
  /** The request names a redirect URL the deployment's allowlist does not hold. */
  | 'redirect_not_allowed'
  /** The OpenID Connect authorization request names no registered client or redirect URI, or is not one `/oauth2/authorize` accepts. */
  | 'authorization_request_invalid'
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
  | 'session_invalid'
  /** The sign-in policy (allowed domains, the `beforeSignIn` function) refuses the address at verify. */
  | 'sign_in_not_allowed'
  /** The invocation's source address is not an IP address (API Gateway never sends one; a direct invocation may). */
  | 'source_ip_invalid'
  /** The mail budget is under pressure and the request carries no solved proof-of-work challenge. */
  | 'challenge_required'
  /** The request's proof of work solves no challenge this deployment signed. */
  | 'proof_invalid'
  /** The request's proof of work solves a challenge that has expired. */
  | 'proof_expired'
  /** The request's proof of work was used by an earlier request. */
  | 'proof_used';

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

/** Why the sign-in policy refused an address, for logs and metrics (never for the caller). */
export type PolicyRefusal = 'domain_not_allowed' | 'hook_refused' | 'hook_failed';

/** A verify the sign-in policy refused: `sign_in_not_allowed`, with the policy's reason for the logs. */
export class SignInNotAllowedError extends RefusedError {
  constructor(
    readonly because: PolicyRefusal,
    readonly hookFailure?: HookFailureKind,
  ) {
    super('sign_in_not_allowed');
    this.name = 'SignInNotAllowedError';
  }
}

/** How a `beforeSignIn` call failed: no answer in time, an error of the function, an answer of the wrong shape, or the call itself. */
export type HookFailureKind = 'timeout' | 'function_error' | 'malformed_answer' | 'invoke_failed';

/** The `beforeSignIn` function gave no usable answer; `beforeSignInOnError` says what that means. */
export class SignInHookError extends Error {
  constructor(
    readonly kind: HookFailureKind,
    options: { cause?: unknown } = {},
  ) {
    super(`beforeSignIn failed: ${kind}`, options);
    this.name = 'SignInHookError';
  }
}
