import { RefusedError, type Refusal } from './errors';
import { ipRateLimitKey } from './ip';
import { rateLimitCounterIds, rateLimitWindow } from './limits';
import { magicLinkUrl, renderMagicLinkEmail } from './mail';
import type { AuthStore, Mailer, SignInSnapshot } from './ports';
import { issueSessionToken, parseSessionToken } from './sessions';
import { generateToken, hashToken, hashesEqual } from './tokens';

/** How long used, expired and signed-out records are kept, so callers get the precise error, not `not_found`. */
export const RECORD_RETENTION_SECONDS = 24 * 3600;

/** The settings the domain uses, under the names `lambdas/settings.ts` gives them. */
export interface AuthSettings {
  readonly signInUrl: string;
  readonly linkLifetimeSeconds: number;
  readonly sessionLifetimeSeconds: number;
  readonly ipLimitPerHour: number;
  readonly emailLimitPerHour: number;
}

export interface SignedIn {
  readonly session: { readonly token: string; readonly expiresAt: Date };
  readonly user: { readonly email: string };
}

export interface ActiveSession {
  readonly user: { readonly email: string };
  readonly expiresAt: Date;
}

const toSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** Why a consume was refused, from the record as it stood when the condition failed. */
export function consumeRefusal(record: SignInSnapshot | null, nowSeconds: number): Refusal {
  if (record === null) return 'link_not_found';
  if (record.usedAt !== undefined) return 'link_already_used';
  if (record.linkExpiresAt <= nowSeconds) return 'link_expired';
  // The condition failed on a record that looks live: the store contradicted itself.
  throw new Error('consume refused for a live, unused link');
}

/** Requesting a link: the only use case that mails. Pure orchestration over the store and mailer ports. */
export class MagicLinkService {
  constructor(
    private readonly store: AuthStore,
    private readonly mailer: Mailer,
    private readonly settings: AuthSettings,
  ) {}

  /** Counts the request, stores a hashed single-use link, and mails it. */
  async requestMagicLink(email: string, sourceIp: string, now: Date): Promise<{ expiresIn: number }> {
    const ipKey = ipRateLimitKey(sourceIp);
    if (ipKey === null) throw new Error('API Gateway reported a source IP that is not an IP address');
    const nowSeconds = toSeconds(now);
    const window = rateLimitWindow(nowSeconds);
    const counters = rateLimitCounterIds(ipKey, email, window);
    const token = generateToken();
    const expiresAt = nowSeconds + this.settings.linkLifetimeSeconds;

    const outcome = await this.store.recordLinkRequest({
      ipCounterId: counters.ip,
      emailCounterId: counters.email,
      ipLimit: this.settings.ipLimitPerHour,
      emailLimit: this.settings.emailLimitPerHour,
      windowEnd: window.end,
      link: { id: hashToken(token), email, expiresAt, retainUntil: expiresAt + RECORD_RETENTION_SECONDS, createdAt: nowSeconds },
    });
    if (outcome !== 'created') throw new RefusedError(outcome);

    const message = renderMagicLinkEmail(magicLinkUrl(this.settings.signInUrl, token), this.settings.linkLifetimeSeconds);
    await this.mailer.send({ to: email, ...message });
    return { expiresIn: this.settings.linkLifetimeSeconds };
  }

}

/** Verifying links and managing sessions: store only, so these functions carry no mail client. */
export class SessionService {
  constructor(
    private readonly store: AuthStore,
    private readonly settings: Pick<AuthSettings, 'sessionLifetimeSeconds'>,
  ) {}

  /** Consumes a link exactly once and starts a session. `token` must already be well-formed. */
  async verify(token: string, now: Date): Promise<SignedIn> {
    const id = hashToken(token);
    const nowSeconds = toSeconds(now);
    const session = issueSessionToken(id);
    const sessionExpiresAt = nowSeconds + this.settings.sessionLifetimeSeconds;
    const result = await this.store.consumeLink({
      id,
      now: nowSeconds,
      sessionSecretHash: session.secretHash,
      sessionExpiresAt,
      retainUntil: sessionExpiresAt + RECORD_RETENTION_SECONDS,
    });
    if (result.outcome === 'refused') throw new RefusedError(consumeRefusal(result.record, nowSeconds));
    return {
      session: { token: session.token, expiresAt: new Date(sessionExpiresAt * 1000) },
      user: { email: result.email },
    };
  }

  /** The live session a token belongs to; `session_invalid` when missing, unknown, expired or signed out. */
  async getSession(sessionToken: string | null, now: Date): Promise<ActiveSession> {
    const parsed = sessionToken === null ? null : parseSessionToken(sessionToken);
    if (parsed === null) throw new RefusedError('session_invalid');
    const record = await this.store.getSession(parsed.signInId);
    const live =
      record !== null &&
      record.sessionSecretHash !== undefined &&
      record.sessionExpiresAt !== undefined &&
      record.revokedAt === undefined &&
      record.sessionExpiresAt > toSeconds(now) &&
      hashesEqual(record.sessionSecretHash, parsed.secretHash);
    if (!live) throw new RefusedError('session_invalid');
    return { user: { email: record.email }, expiresAt: new Date(record.sessionExpiresAt! * 1000) };
  }

  /** Revokes a live session at once. */
  async signOut(sessionToken: string | null, now: Date): Promise<void> {
    const parsed = sessionToken === null ? null : parseSessionToken(sessionToken);
    if (parsed === null) throw new RefusedError('session_invalid');
    const nowSeconds = toSeconds(now);
    const revoked = await this.store.revokeSession({
      id: parsed.signInId,
      sessionSecretHash: parsed.secretHash,
      now: nowSeconds,
      retainUntil: nowSeconds + RECORD_RETENTION_SECONDS,
    });
    if (!revoked) throw new RefusedError('session_invalid');
  }
}
