import type { AccessToken, AccessTokens } from './access-tokens';
import { challengeFor, codeHash, emailHash, generateCode } from './codes';
import { RefusedError, SignInNotAllowedError, type Refusal } from './errors';
import { networkOf } from './ip';
import { allowedRedirect } from './redirects';
import { MAIL_BUDGET_TRIES, RESERVE_MAILS_PER_INBOX, mailBudgetPlan, networkLimit, rateLimitWindow, type MailBudgetShard } from './limits';
import { magicLinkUrl } from './mail';
import type { AttemptBudget, AttemptsSpent, AuthStore, CodeSecret, ConsumeOutcome, CountedRequest, LinkRequest, LiveCode, Mailer, SessionRecord, SessionStore, SignInMethod, SignInSnapshot, SignInStore } from './ports';
import type { CheckedSolution, PowChallenge, PowSolution } from './proof-of-work';
import { issueSessionToken, parseSessionToken } from './sessions';
import { SignInPolicy, type PolicyDecision } from './sign-in-policy';
import { generateToken, hashToken, hashesEqual, userHash } from './tokens';
import { newUserId } from './users';
import { authorizationResponse, checkAuthorizationRequest, newAuthorizationCode, type AuthorizationRequest, type OidcClient } from './oidc';

/** How long used, expired and signed-out records are kept, so callers get the precise error, not `not_found`. */
export const RECORD_RETENTION_SECONDS = 24 * 3600;

/** The settings the domain uses, under the names `lambdas/settings.ts` gives them. */
export interface AuthSettings {
  readonly signInUrl: string;
  /** Where a sign-in may ask to go afterwards: matched exactly, after URL normalization. */
  readonly redirectUrls: readonly string[];
  readonly linkLifetimeSeconds: number;
  readonly sessionLifetimeSeconds: number;
  readonly ipLimitPerHour: number;
  readonly emailLimitPerHour: number;
  readonly inboxLimitPerHour: number;
  readonly mailBudgetPerHour: number;
  /** Percent of the mail budget only addresses with a user may draw on. */
  readonly mailBudgetReservePercent: number;
  /** Percent of the mail budget one network may request. */
  readonly networkBudgetPercent: number;
  /** Percent of the mail budget spent after which a request needs a solved proof of work. */
  readonly challengeThresholdPercent: number;
  /** The proof-of-work challenges' `maxnumber`. */
  readonly challengeDifficulty: number;
  readonly codeAttemptsPerHour: number;
  readonly inboxCodeAttemptsPerHour: number;
  readonly ipCodeAttemptsPerHour: number;
  /** The registered OpenID Connect clients. */
  readonly oidcClients: readonly OidcClient[];
  /** The authorization responses' `iss` (RFC 9207). */
  readonly issuer: string;
}

export interface SignedIn {
  readonly session: { readonly token: string; readonly expiresAt: Date };
  /** The address's user: `id` made by its first completed sign-in, the same for every later one. */
  readonly user: { readonly id: string; readonly email: string };
  /** A short-lived RS256 JWT for the user, verifiable offline against the JWKS. */
  readonly accessToken: AccessToken;
  /** Where the sign-in asked to go afterwards (checked against the allowlist when it was requested). */
  readonly redirectTo?: string;
  /** For a sign-in asked through `/oauth2/authorize`: the client's redirect URI with the code, `state` and `iss`. */
  readonly continueTo?: string;
}

/** What a link request may add to the address. */
export interface LinkOptions {
  /** The language of the mail (a tag the deployment speaks), as the request resolved it; the deployment's default when absent. */
  readonly locale?: string;
  /** S256 challenge of the requesting browser's verifier: binds the sign-in to that browser. */
  readonly challenge?: string;
  /** Where to go after sign-in: refused (`redirect_not_allowed`) unless `redirectUrls` holds it. */
  readonly redirectTo?: string;
  /** An OpenID Connect authorization request, as the hosted page got it: checked again against the registry. */
  readonly authorizationRequest?: AuthorizationRequest;
  /** A solved proof-of-work challenge: needed under pressure, spent once whenever it is sent. */
  readonly proofOfWork?: PowSolution;
}

/** What a link request answers (the same for every address), and what only the logs may tell. */
export interface LinkRequested {
  readonly expiresIn: number;
  /** Why the sign-in policy refused the address, when it did: nothing was mailed. */
  readonly decision: PolicyDecision;
  /** Set when nothing was mailed because only the reserve for returning addresses was left. */
  readonly held?: true;
}

export interface ActiveSession {
  /** `id` is absent only for a session started before sign-ins recorded their user. */
  readonly user: { readonly id?: string; readonly email: string };
  readonly expiresAt: Date;
}

const toSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** A uniformly shuffled copy (Fisher-Yates). */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * Why a link's consume was refused, from the record as it stood when the condition failed. A used or
 * expired sign-in says so whoever asks; one that signing out everywhere ended before it was used reads
 * as expired (ask for a new link); only a live one is kept from another browser (`device_mismatch`).
 */
export function consumeRefusal(record: SignInSnapshot | null, nowSeconds: number, challenge?: string): Refusal {
  if (record === null) return 'link_not_found';
  if (record.usedAt !== undefined) return 'link_already_used';
  if (record.revokedAt !== undefined || record.linkExpiresAt <= nowSeconds) return 'link_expired';
  if (record.challenge !== undefined && record.challenge !== challenge) return 'device_mismatch';
  // The condition failed on a record that looks live: the store contradicted itself.
  throw new Error('consume refused for a live, unused link');
}

/** The refusal for a spent wrong-code budget. */
const SPENT: Readonly<Record<AttemptsSpent, Refusal>> = { ip_attempts_exceeded: 'code_ip_limit_exceeded', attempts_exceeded: 'code_attempts_exceeded' };

/**
 * Whether a typed code (as its `codeHash`) signs in the live code's sign-in as far as the code's item
 * tells: the same hash (compared in constant time), unexpired, and the binding's verifier when bound.
 */
function signsIn(live: LiveCode | null, typed: string, nowSeconds: number, challenge: string | undefined): live is LiveCode {
  return (
    live !== null &&
    hashesEqual(live.codeHash, typed) &&
    live.linkExpiresAt > nowSeconds &&
    (live.challenge === undefined || live.challenge === challenge)
  );
}

/** Requesting a link: the only use case that mails. Pure orchestration over the store and mailer ports. */
export class MagicLinkService {
  constructor(
    private readonly store: AuthStore,
    private readonly mailer: Mailer,
    private readonly codeSecret: CodeSecret,
    private readonly settings: AuthSettings,
    private readonly policy: SignInPolicy = SignInPolicy.OPEN,
  ) {}

  /** How logs name an address: keyed with the deployment's secret, never the address itself. */
  async emailHash(email: string): Promise<string> {
    return emailHash(await this.codeSecret.get(), email);
  }

  /** The allowlisted URL a request names (`allowedRedirect`), else refused. */
  private allowedRedirect(redirectTo: string): string {
    const allowed = allowedRedirect(this.settings.redirectUrls, redirectTo);
    if (allowed === undefined) throw new RefusedError('redirect_not_allowed');
    return allowed;
  }

  /**
   * Counts the request, stores a hashed single-use link and its code, and mails both. With a
   * `challenge`, the sign-in is bound to the browser that holds its verifier.
   *
   * An address the sign-in policy refuses gets the same answer and is counted against the same limits
   * (a stranger must not learn who may sign in from who never reaches a limit), but nothing else is
   * written and nothing mailed; `decision` tells the caller why, for its logs only.
   */
  /** The proof-of-work module: loaded by the requests that carry or ask for a challenge only. */
  private async proofOfWork() {
    const pow = await import('./proof-of-work');
    return { pow, key: pow.powKey(await this.codeSecret.get()) };
  }

  /** A new proof-of-work challenge at the deployment's difficulty, signed with a key derived from its secret. */
  async challenge(now: Date): Promise<PowChallenge> {
    const { pow, key } = await this.proofOfWork();
    return pow.issueChallenge(key, this.settings.challengeDifficulty, toSeconds(now));
  }

  /** A solution that checks out (still to be spent once, in the request's transaction), or refused. */
  private async checkedProof(solution: PowSolution, nowSeconds: number): Promise<CheckedSolution> {
    const { pow, key } = await this.proofOfWork();
    const checked = pow.checkSolution(key, solution, nowSeconds);
    if (checked === 'invalid') throw new RefusedError('proof_invalid');
    if (checked === 'expired') throw new RefusedError('proof_expired');
    return checked;
  }

  /** An authorization request exactly as `/oauth2/authorize` would accept it, or `authorization_request_invalid`. */
  private allowedAuthorization(request: AuthorizationRequest): AuthorizationRequest {
    const checked = checkAuthorizationRequest(this.settings.oidcClients, {
      response_type: 'code',
      client_id: request.clientId,
      redirect_uri: request.redirectUri,
      scope: request.scope,
      state: request.state,
      nonce: request.nonce,
      code_challenge: request.codeChallenge,
      code_challenge_method: request.codeChallenge === undefined ? undefined : 'S256',
    });
    if (checked.kind !== 'ok') throw new RefusedError('authorization_request_invalid');
    return checked.request;
  }

  async requestMagicLink(email: string, sourceIp: string, now: Date, options: LinkOptions = {}): Promise<LinkRequested> {
    const redirectTo = options.redirectTo === undefined ? undefined : this.allowedRedirect(options.redirectTo);
    const authorizationRequest = options.authorizationRequest === undefined ? undefined : this.allowedAuthorization(options.authorizationRequest);
    const ipKey = networkOf(sourceIp);
    const nowSeconds = toSeconds(now);
    const window = rateLimitWindow(nowSeconds);
    const { settings } = this;
    const proof = options.proofOfWork === undefined ? undefined : await this.checkedProof(options.proofOfWork, nowSeconds);

    const token = generateToken();
    const expiresAt = nowSeconds + settings.linkLifetimeSeconds;
    const secret = await this.codeSecret.get();
    // What the request counts against, by the names the settings give the limits.
    const counted: CountedRequest = {
      ipKey,
      emailHash: emailHash(secret, email),
      window,
      limits: { ip: networkLimit(settings.ipLimitPerHour, settings.mailBudgetPerHour, settings.networkBudgetPercent), email: settings.emailLimitPerHour, inbox: settings.inboxLimitPerHour },
      ...(proof === undefined ? {} : { proof }),
    };
    const plan = mailBudgetPlan(settings.mailBudgetPerHour, settings.mailBudgetReservePercent, settings.challengeThresholdPercent);
    // A random order of the shared part's shards: a full one sends the request to the next, up to a few.
    const shared = shuffled(plan.shared).slice(0, MAIL_BUDGET_TRIES);
    // Without a proof of work a request may use only the part of each shard before the threshold.
    const underPressure = proof === undefined && shared.some((shard) => shard.open < shard.limit);
    const answered = { expiresIn: settings.linkLifetimeSeconds };
    const decision = await this.policy.decide({ trigger: 'request', email, sourceIp });
    if (!decision.allowed) {
      // Counted as an allowed request is, under the same pressure, so the answer is the same.
      await this.countOnly(counted, underPressure ? shared.map((shard) => ({ shard: shard.shard, limit: shard.open })) : [undefined]);
      return { ...answered, decision };
    }

    const code = generateCode();
    const request = (mailBudget: MailBudgetShard, returning: boolean): LinkRequest => ({
      ...counted,
      // From the reserve, an address's own few mails of the hour only: draining it takes that many addresses that signed in.
      ...(returning ? { returning, limits: { ...counted.limits, inbox: Math.min(counted.limits.inbox, RESERVE_MAILS_PER_INBOX) } } : {}),
      mailBudget,
      link: {
        id: hashToken(token),
        email,
        expiresAt,
        retainUntil: expiresAt + RECORD_RETENTION_SECONDS,
        createdAt: nowSeconds,
        codeHash: codeHash(secret, email, code),
        ...(options.challenge === undefined ? {} : { challenge: options.challenge }),
        ...(redirectTo === undefined ? {} : { redirectTo }),
        ...(authorizationRequest === undefined ? {} : { authorizationRequest }),
        userHash: userHash(email),
      },
    });
    // The shared part (under pressure only its open part), then, with a proof or no threshold, the reserve.
    const tries = [
      // A part of none is spent before anything is counted (a counter's first write passes any limit).
      ...shared.filter((shard) => (proof === undefined ? shard.open : shard.limit) > 0).map((shard) => request({ shard: shard.shard, limit: proof === undefined ? shard.open : shard.limit }, false)),
      ...(underPressure ? [] : shuffled(plan.reserve).slice(0, MAIL_BUDGET_TRIES).map((shard) => request(shard, true))),
    ];
    for (const attempt of tries) {
      const outcome = await this.store.recordLinkRequest(attempt);
      if (outcome === 'capacity_exceeded') continue;
      if (outcome === 'not_returning') {
        // A new address while only the reserve is left: the same answer a returning one gets, and no mail.
        await this.countOnly(counted, [undefined]);
        return { ...answered, decision, held: true };
      }
      if (outcome !== 'created') throw new RefusedError(outcome);
      await this.send(attempt, token, code, options.locale);
      return { ...answered, decision };
    }
    if (underPressure) throw new RefusedError('challenge_required');
    // Nothing was written: the budget's wait is what is left of its hour.
    throw new RefusedError('capacity_exceeded', window.end - nowSeconds);
  }

  /**
   * Counts a request that sends nothing against its limits (and spends its proof of work), trying the
   * given shards' open parts as an allowed request would (`undefined`: no pressure to check).
   */
  private async countOnly(counted: CountedRequest, pressures: readonly (MailBudgetShard | undefined)[]): Promise<void> {
    for (const pressure of pressures) {
      if (pressure?.limit === 0) continue;
      const outcome = await this.store.countLinkRequest({ ...counted, ...(pressure === undefined ? {} : { pressure }) });
      if (outcome === 'counted') return;
      if (outcome !== 'capacity_exceeded') throw new RefusedError(outcome);
    }
    throw new RefusedError('challenge_required');
  }

  /** Mails the link and code of a recorded request; a failed send undoes what it may. */
  private async send(request: LinkRequest, token: string, code: string, locale: string | undefined): Promise<void> {
    const link = magicLinkUrl(this.settings.signInUrl, token);
    try {
      await this.mailer.send({ to: request.link.email, ...(locale === undefined ? {} : { locale }), link, code, lifetimeSeconds: this.settings.linkLifetimeSeconds });
    } catch (error) {
      // Nothing was mailed: give the quota back and make the link unusable before answering, so a
      // failed send neither costs the person a request nor leaves a live link behind.
      await this.store.releaseLinkRequest(request);
      throw error;
    }
  }
}

/** Signing in by link or by code: the table and the code secret, no mail client. */
export class SignInService {
  constructor(
    private readonly store: SignInStore,
    private readonly codeSecret: CodeSecret,
    private readonly settings: Pick<AuthSettings, 'sessionLifetimeSeconds' | 'codeAttemptsPerHour' | 'inboxCodeAttemptsPerHour' | 'ipCodeAttemptsPerHour' | 'issuer'>,
    private readonly accessTokens: AccessTokens,
    private readonly policy: SignInPolicy = SignInPolicy.OPEN,
  ) {}

  /**
   * Consumes a link exactly once and starts a session. `token` (and `verifier`, when given) must
   * already be well-formed. A bound link wants the verifier of the browser that asked for it; without
   * it the link is left as it was (`device_mismatch`).
   *
   * The link's address is known once the consume returns it: one the sign-in policy now refuses ends
   * that sign-in (revoked, never given a user) and is answered `sign_in_not_allowed`.
   */
  async verify(token: string, now: Date, verifier?: string, sourceIp?: string): Promise<SignedIn> {
    const id = hashToken(token);
    const nowSeconds = toSeconds(now);
    const challenge = verifier === undefined ? undefined : challengeFor(verifier);
    const consume = this.consumeRequest(id, nowSeconds, challenge, 'link');
    const result = await this.store.consumeLink(consume.request);
    if (result.outcome === 'consumed') {
      const decision = await this.policy.decide({ trigger: 'verify', email: result.email, method: 'link', ...(sourceIp === undefined ? {} : { sourceIp }) });
      if (!decision.allowed) {
        await this.store.endSignIn({ id, now: nowSeconds, retainUntil: nowSeconds + RECORD_RETENTION_SECONDS });
        throw new SignInNotAllowedError(decision.reason, decision.hookFailure);
      }
    }
    return consume.finish(result);
  }

  /**
   * Signs in with the code of the address's newest sign-in: one consistent read of the address's live
   * code, then one transaction that consumes its sign-in while both wrong-code budgets last. Every
   * entry that does not sign in is answered and counted as a wrong code, whatever the reason (no live
   * code, another code, expired, bound to another browser, used, ended by signing out everywhere), so
   * a guess learns nothing; the link keeps its precise answers, since a link cannot be guessed.
   */
  async verifyCode(email: string, code: string, sourceIp: string, now: Date, verifier?: string): Promise<SignedIn> {
    const ipKey = networkOf(sourceIp);
    const nowSeconds = toSeconds(now);
    const secret = await this.codeSecret.get();
    const attempts: AttemptBudget = {
      emailHash: emailHash(secret, email),
      ipKey,
      window: rateLimitWindow(nowSeconds),
      limits: { networkAttempts: this.settings.codeAttemptsPerHour, attempts: this.settings.inboxCodeAttemptsPerHour, ipAttempts: this.settings.ipCodeAttemptsPerHour },
    };
    const challenge = verifier === undefined ? undefined : challengeFor(verifier);
    const user = userHash(email);
    const live = await this.store.findCode(user);
    if (!signsIn(live, codeHash(secret, email, code), nowSeconds, challenge)) return this.wrongCode(attempts);
    // Only the right code asks the policy, so a guess learns nothing of who may sign in. Refused, the
    // sign-in is left unused: its link is refused the same way.
    const decision = await this.policy.decide({ trigger: 'verify', email, sourceIp, method: 'code' });
    if (!decision.allowed) throw new SignInNotAllowedError(decision.reason, decision.hookFailure);
    const consume = this.consumeRequest(live.signInId, nowSeconds, challenge, 'code');
    const result = await this.store.consumeByCode({
      ...consume.request,
      email,
      userHash: user,
      ...(live.redirectTo === undefined ? {} : { redirectTo: live.redirectTo }),
      ...(live.authorizationRequest === undefined ? {} : { authorizationRequest: live.authorizationRequest }),
      attempts,
    });
    if (result.outcome === 'consumed') return consume.finish(result);
    // Used (by its link, or by a racing entry of the code) or ended meanwhile: a wrong code too.
    if (result.outcome === 'refused') return this.wrongCode(attempts);
    throw new RefusedError(SPENT[result.outcome]);
  }

  /** Counts a code entry that did not sign in against both budgets, and refuses it as a wrong code. */
  private async wrongCode(attempts: AttemptBudget): Promise<never> {
    const counted = await this.store.countWrongCode(attempts);
    throw new RefusedError(counted === 'counted' ? 'code_invalid' : SPENT[counted]);
  }

  private consumeRequest(id: string, nowSeconds: number, challenge: string | undefined, method: SignInMethod) {
    const session = issueSessionToken(id);
    const sessionExpiresAt = nowSeconds + this.settings.sessionLifetimeSeconds;
    const request = {
      id,
      now: nowSeconds,
      ...(challenge === undefined ? {} : { challenge }),
      sessionSecretHash: session.secretHash,
      sessionExpiresAt,
      retainUntil: sessionExpiresAt + RECORD_RETENTION_SECONDS,
      method,
    };
    const finish = async (result: ConsumeOutcome): Promise<SignedIn> => {
      if (result.outcome === 'refused') throw new RefusedError(consumeRefusal(result.record, nowSeconds, challenge));
      // Only a completed sign-in makes the user (a request makes nothing); the sign-in then keeps its id,
      // so the session check reads it with the session.
      const userId = await this.store.userOf({ userHash: result.userHash, candidateId: newUserId(new Date(nowSeconds * 1000)), createdAt: nowSeconds, email: result.email, signInId: id });
      await this.store.setSignInUser({ id, userId });
      const accessToken = await this.accessTokens.issue({ userId, email: result.email, signInId: id }, new Date(nowSeconds * 1000));
      const continueTo = result.authorizationRequest === undefined ? undefined : await this.authorizationCode(result.authorizationRequest, { userId, email: result.email, signInId: id, nowSeconds, sessionExpiresAt, method });
      return {
        session: { token: session.token, expiresAt: new Date(sessionExpiresAt * 1000) },
        user: { id: userId, email: result.email },
        accessToken,
        ...(result.redirectTo === undefined ? {} : { redirectTo: result.redirectTo }),
        ...(continueTo === undefined ? {} : { continueTo }),
      };
    };
    return { request, finish };
  }

  /** A sign-in asked through `/oauth2/authorize` also gets a single-use code for its client: one more write. */
  private async authorizationCode(
    request: AuthorizationRequest,
    subject: { userId: string; email: string; signInId: string; nowSeconds: number; sessionExpiresAt: number; method: SignInMethod },
  ): Promise<string> {
    const { code, item } = newAuthorizationCode(
      { request, userId: subject.userId, email: subject.email, signInId: subject.signInId, authTime: subject.nowSeconds, method: subject.method, sessionExpiresAt: subject.sessionExpiresAt },
      RECORD_RETENTION_SECONDS,
    );
    await this.store.saveAuthorizationCode(item);
    return authorizationResponse(request, code, this.settings.issuer);
  }
}

/**
 * Checking and ending sessions, and issuing access tokens on them: the table, and the token signer for
 * the function that refreshes (the others are built without one and carry no signing client).
 */
export class SessionService {
  constructor(
    private readonly store: SessionStore,
    private readonly accessTokens?: AccessTokens,
  ) {}

  /** The live session a token belongs to; `session_invalid` when missing, unknown, expired or signed out. */
  async getSession(sessionToken: string | null, now: Date): Promise<ActiveSession> {
    const { record } = await this.liveSession(sessionToken, now);
    return { user: { ...(record.userId === undefined ? {} : { id: record.userId }), email: record.email }, expiresAt: new Date(record.sessionExpiresAt! * 1000) };
  }

  /**
   * A new access token on a live session, checked exactly as `getSession` checks it (one read). A
   * session started before sign-ins recorded their user has no user id for `sub`: it gets none and is
   * answered `session_invalid` like any session that cannot be used (signing in again fixes it).
   */
  async accessToken(sessionToken: string | null, now: Date): Promise<AccessToken> {
    if (this.accessTokens === undefined) throw new Error('this SessionService was built without a token signer');
    const { signInId, record } = await this.liveSession(sessionToken, now);
    if (record.userId === undefined) throw new RefusedError('session_invalid');
    return this.accessTokens.issue({ userId: record.userId, email: record.email, signInId }, now);
  }

  /** The session's record when the token is well-formed and its session live; else `session_invalid`. */
  private async liveSession(sessionToken: string | null, now: Date): Promise<{ signInId: string; record: SessionRecord }> {
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
    return { signInId: parsed.signInId, record };
  }

  /**
   * Revokes this live session at once; `everywhere` then ends everything else of its address too:
   * every other live session, and every sign-in mailed but not yet used, link and code alike, so whoever
   * read an earlier mail cannot sign straight back in. Only a live session may ask, so a stolen,
   * already-revoked token cannot.
   */
  async signOut(sessionToken: string | null, now: Date, options: { everywhere?: boolean } = {}): Promise<void> {
    const parsed = sessionToken === null ? null : parseSessionToken(sessionToken);
    if (parsed === null) throw new RefusedError('session_invalid');
    const nowSeconds = toSeconds(now);
    const retainUntil = nowSeconds + RECORD_RETENTION_SECONDS;
    const revoked = await this.store.revokeSession({ id: parsed.signInId, sessionSecretHash: parsed.secretHash, now: nowSeconds, retainUntil });
    if (revoked === null) throw new RefusedError('session_invalid');
    if (options.everywhere) await this.store.revokeAll({ userHash: userHash(revoked.email), now: nowSeconds, retainUntil });
  }
}
