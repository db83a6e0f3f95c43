/**
 * Who may sign in: the deployment's allowed email domains (a pure check, no call), then the team's
 * `beforeSignIn` function when there is one. Asked when a link is requested, before anything is
 * written or mailed, and again when a link or code is used, so a sign-in mailed before the policy
 * changed does not complete for an address it now refuses.
 */
import { domainOf } from './email';
import { SignInHookError, type HookFailureKind, type PolicyRefusal } from './errors';
import type { SignInAttempt, SignInHook } from './ports';

export interface SignInPolicySettings {
  /** Exact domains in lower case and punycode; empty admits every address. */
  readonly allowedEmailDomains: readonly string[];
  /** What a failed `beforeSignIn` call means: a refusal (fail closed) or an allowance. */
  readonly beforeSignInOnError: 'refuse' | 'allow';
}

/** The policy's answer; `reason` says why it refused, or that the hook failed when it allowed anyway. */
export type PolicyDecision =
  | { readonly allowed: true; readonly hookFailure?: HookFailureKind }
  | { readonly allowed: false; readonly reason: PolicyRefusal; readonly hookFailure?: HookFailureKind };

const ALLOWED: PolicyDecision = { allowed: true };

export class SignInPolicy {
  /** Admits everyone: no domains listed, no hook. */
  static readonly OPEN = new SignInPolicy({ allowedEmailDomains: [], beforeSignInOnError: 'refuse' });

  private readonly domains: ReadonlySet<string>;

  constructor(
    private readonly settings: SignInPolicySettings,
    private readonly hook?: SignInHook,
  ) {
    this.domains = new Set(settings.allowedEmailDomains);
  }

  /** Decides for a normalized address: the domain first (no call), then the hook (one call) only if that admits it. */
  async decide(attempt: Omit<SignInAttempt, 'domain'>): Promise<PolicyDecision> {
    const domain = domainOf(attempt.email);
    if (this.domains.size > 0 && !this.domains.has(domain)) return { allowed: false, reason: 'domain_not_allowed' };
    if (this.hook === undefined) return ALLOWED;
    try {
      return (await this.hook.allows({ ...attempt, domain })) ? ALLOWED : { allowed: false, reason: 'hook_refused' };
    } catch (error) {
      const hookFailure: HookFailureKind = error instanceof SignInHookError ? error.kind : 'invoke_failed';
      return this.settings.beforeSignInOnError === 'allow' ? { allowed: true, hookFailure } : { allowed: false, reason: 'hook_failed', hookFailure };
    }
  }
}
