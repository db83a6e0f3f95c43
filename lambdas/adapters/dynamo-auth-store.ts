import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DynamoSessionStore, MAX_TRANSACTION_ATTEMPTS, REVOKE_FOUND, isThrottling, named, sleep, unavailable, type DynamoStoreOptions } from './dynamo-session-store';

export { isThrottling, named, unavailable };
/** The sign-in store's options: the session store's. */
export type DynamoAuthStoreOptions = DynamoStoreOptions;
import type {
  AttemptBudget,
  AttemptsSpent,
  AuthStore,
  SignInStore,
  CodeConsumeOutcome,
  ConsumeLink,
  ConsumeOutcome,
  CountOnly,
  LinkRequest,
  LinkRequestOutcome,
  LiveCode,
  SignInSnapshot,
} from '../domain/ports';
import type { AuthorizationRequest, NewAuthorizationCode } from '../domain/oidc';
import {
  ATTR,
  CODE_SIGN_IN_ITEMS,
  EXTRA_REQUEST_ITEMS,
  KEYS,
  REFUSED_REQUEST_ITEMS,
  RELEASE_ITEMS,
  REQUEST_ITEMS,
  WRONG_CODE_ITEMS,
  byItem,
  counterKeys,
  inOrder,
  requestItemKeys,
  type ExtraRequestItem,
  type ReleaseItem,
  type RequestItem,
} from '../table-layout';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** What `challenge = :challenge` compares with when a request sent no verifier: matches no stored challenge. */
const NO_CHALLENGE = '-';

/** Counting one more in a window, while under the limit; shared by the limits, the mail budget and the wrong-code budget. */
const COUNT = named({
  UpdateExpression: 'SET #count = if_not_exists(#count, :zero) + :one, #ttl = :ttl',
  ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
});

/** The under-limit test alone: a code sign-in checks the wrong-code budget without counting. */
const UNDER_LIMIT = named({ ConditionExpression: COUNT.ConditionExpression });

/** Giving a count back (a request whose mail failed), never below zero. */
const GIVE_BACK = named({ UpdateExpression: 'SET #count = #count - :one', ConditionExpression: '#count > :zero' });

/** Creating an item only where none is. */
export const CREATE = named({ ConditionExpression: 'attribute_not_exists(#pk)' });

/** Deleting a link nobody received: only while unused, so a session is never deleted. */
const DELETE_UNUSED = named({ ConditionExpression: 'attribute_not_exists(#usedAt)' });

/** Deleting the address's live code only while it is still this sign-in's (a newer request replaces it). */
const DELETE_OWN_CODE = named({ ConditionExpression: '#signIn = :sign_in' });

/**
 * The consume write shared by both keys (link and code): one conditional update of the sign-in record.
 * It holds only while the link exists, is unused, unexpired and not ended by signing out everywhere,
 * and, when bound, the challenge matches.
 */
const CONSUME = named({
  UpdateExpression: 'SET #usedAt = :now, #usedBy = :used_by, #sessionHash = :session_hash, #sessionExpiresAt = :session_expires_at, #ttl = :ttl',
  ConditionExpression:
    'attribute_exists(#pk) AND attribute_not_exists(#usedAt) AND attribute_not_exists(#revokedAt) AND #linkExpiresAt > :now AND (attribute_not_exists(#challenge) OR #challenge = :challenge)',
});

/**
 * The address's user: its stored id, or the candidate when it has none. `if_not_exists` in one update
 * is atomic on the item, so racing first sign-ins all get the one id that was written first.
 */
const USER_OF = named({
  UpdateExpression:
    'SET #userId = if_not_exists(#userId, :candidate), #createdAt = if_not_exists(#createdAt, :now), #email = if_not_exists(#email, :email), #signIn = if_not_exists(#signIn, :sign_in)',
});

/** Copying the user's id onto the sign-in just consumed (never creating an item). */
const SET_SIGN_IN_USER = named({ UpdateExpression: 'SET #userId = :user_id', ConditionExpression: 'attribute_exists(#pk)' });

/** The address has a user: a returning address may draw on the budget's reserve. */
const HAS_USER = named({ ConditionExpression: 'attribute_exists(#pk)' });

const READ_CODE = named({ ProjectionExpression: '#signIn, #codeHash, #linkExpiresAt, #challenge, #redirectTo, #oauthRequest' });


/** Cancellation codes worth another attempt: a racing writer or momentary throttling, not a failed condition. */
const RETRYABLE_CANCELLATIONS = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);


export class DynamoSignInStore extends DynamoSessionStore implements SignInStore {
  /** Counts one more on the counter at `pk`, kept until `windowEnd`, while under `limit`. */
  protected counter(pk: string, limit: number, windowEnd: number) {
    return {
      TableName: this.tableName,
      Key: { [ATTR.pk]: pk },
      ...COUNT,
      ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':limit': limit, ':ttl': windowEnd },
    };
  }

  /**
   * What a request's transaction adds after its own items (`EXTRA_REQUEST_ITEMS`): its proof of work
   * spent, a check that the address has a user, a check of the budget's part open without a proof.
   */
  protected async transact(command: TransactWriteCommand): Promise<{ codes: string[]; error: TransactionCanceledException } | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.doc.send(command);
        return null;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) {
          if (isThrottling(error)) throw unavailable(error);
          throw error;
        }
        const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
        if (codes.includes('ConditionalCheckFailed')) return { codes, error };
        if (!codes.some((code) => RETRYABLE_CANCELLATIONS.has(code))) throw error;
        if (attempt >= MAX_TRANSACTION_ATTEMPTS) throw unavailable(error);
        await sleep(this.backoffMs(attempt));
      }
    }
  }

  protected deleteOwnCode(pk: string, signInId: string): TransactItem {
    return { Delete: { TableName: this.tableName, Key: { [ATTR.pk]: pk }, ...DELETE_OWN_CODE, ExpressionAttributeValues: { ':sign_in': signInId } } };
  }

  private consumeUpdate(request: ConsumeLink) {
    return {
      TableName: this.tableName,
      Key: { [ATTR.pk]: KEYS.signIn(request.id) },
      ...CONSUME,
      ExpressionAttributeValues: {
        ':now': request.now,
        ':challenge': request.challenge ?? NO_CHALLENGE,
        ':session_hash': request.sessionSecretHash,
        ':session_expires_at': request.sessionExpiresAt,
        ':ttl': request.retainUntil,
        ':used_by': request.method,
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }

  async consumeLink(request: ConsumeLink): Promise<ConsumeOutcome> {
    try {
      const result = await this.write(() => this.doc.send(new UpdateCommand({ ...this.consumeUpdate(request), ReturnValues: 'ALL_NEW' })));
      const redirectTo = result.Attributes?.[ATTR.redirectTo];
      const userHash = result.Attributes?.[ATTR.userHash];
      // Every link is created with its address's hash; a sign-in without one is not this service's.
      if (typeof userHash !== 'string') throw new Error('the consumed sign-in has no user hash');
      return {
        outcome: 'consumed',
        email: String(result.Attributes?.[ATTR.email]),
        userHash,
        ...(typeof redirectTo === 'string' ? { redirectTo } : {}),
        ...authorizationRequestOf(result.Attributes),
      };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return { outcome: 'refused', record: snapshot(error.Item) };
      }
      throw error;
    }
  }

  async findCode(userHash: string): Promise<LiveCode | null> {
    try {
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { [ATTR.pk]: KEYS.code(userHash) }, ConsistentRead: true, ...READ_CODE }));
      const signInId = Item?.[ATTR.signIn];
      const codeHash = Item?.[ATTR.codeHash];
      if (typeof signInId !== 'string' || typeof codeHash !== 'string') return null;
      const challenge = Item?.[ATTR.challenge];
      const redirectTo = Item?.[ATTR.redirectTo];
      return {
        signInId,
        codeHash,
        linkExpiresAt: Number(Item?.[ATTR.linkExpiresAt]),
        ...(typeof challenge === 'string' ? { challenge } : {}),
        ...(typeof redirectTo === 'string' ? { redirectTo } : {}),
        ...authorizationRequestOf(Item),
      };
    } catch (error) {
      if (isThrottling(error)) throw unavailable(error);
      throw error;
    }
  }

  /** Checks a wrong-code budget is not spent (a code sign-in counts nothing). */
  private underLimit(pk: string, limit: number): TransactItem {
    return { ConditionCheck: { TableName: this.tableName, Key: { [ATTR.pk]: pk }, ...UNDER_LIMIT, ExpressionAttributeValues: { ':limit': limit } } };
  }

  async consumeByCode(
    request: ConsumeLink & { readonly email: string; readonly userHash: string; readonly redirectTo?: string; readonly authorizationRequest?: AuthorizationRequest; readonly attempts: AttemptBudget },
  ): Promise<CodeConsumeOutcome> {
    const { attempts } = request;
    const items: Record<(typeof CODE_SIGN_IN_ITEMS)[number], TransactItem> = {
      ipAttempts: this.underLimit(KEYS.ipCodeAttempts(attempts.ipKey, attempts.window.start), attempts.limits.ipAttempts),
      networkAttempts: this.underLimit(KEYS.networkCodeAttempts(attempts.ipKey, attempts.emailHash, attempts.window.start), attempts.limits.networkAttempts),
      attempts: this.underLimit(KEYS.codeAttempts(attempts.emailHash, attempts.window.start), attempts.limits.attempts),
      signIn: { Update: this.consumeUpdate(request) },
      code: this.deleteOwnCode(KEYS.code(request.userHash), request.id),
    };
    const refused = await this.transact(new TransactWriteCommand({ TransactItems: inOrder(CODE_SIGN_IN_ITEMS, items) }));
    // The transaction returns no attributes; the code was found under this address, which is the sign-in's.
    if (refused === null) {
      return {
        outcome: 'consumed',
        email: request.email,
        userHash: request.userHash,
        ...(request.redirectTo === undefined ? {} : { redirectTo: request.redirectTo }),
        ...(request.authorizationRequest === undefined ? {} : { authorizationRequest: request.authorizationRequest }),
      };
    }
    const failed = byItem(CODE_SIGN_IN_ITEMS, refused.codes, 'None');
    if (failed.ipAttempts === 'ConditionalCheckFailed') return { outcome: 'ip_attempts_exceeded' };
    if (failed.networkAttempts === 'ConditionalCheckFailed' || failed.attempts === 'ConditionalCheckFailed') return { outcome: 'attempts_exceeded' };
    return { outcome: 'refused', record: snapshot(byItem(CODE_SIGN_IN_ITEMS, refused.error.CancellationReasons ?? [], undefined).signIn?.Item) };
  }

  async userOf(request: { readonly userHash: string; readonly candidateId: string; readonly createdAt: number; readonly email: string; readonly signInId: string }): Promise<string> {
    const result = await this.write(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [ATTR.pk]: KEYS.user(request.userHash) },
          ...USER_OF,
          ExpressionAttributeValues: { ':candidate': request.candidateId, ':now': request.createdAt, ':email': request.email, ':sign_in': request.signInId },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    const userId = result.Attributes?.[ATTR.userId];
    if (typeof userId !== 'string') throw new Error('the user update returned no user id');
    return userId;
  }

  async endSignIn(request: { readonly id: string; readonly now: number; readonly retainUntil: number }): Promise<void> {
    try {
      await this.write(() =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { [ATTR.pk]: KEYS.signIn(request.id) },
            ...REVOKE_FOUND,
            ExpressionAttributeValues: { ':now': request.now, ':ttl': request.retainUntil },
          }),
        ),
      );
    } catch (error) {
      // Ended meanwhile (signing out everywhere): already what was asked.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async setSignInUser(request: { readonly id: string; readonly userId: string }): Promise<void> {
    await this.write(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [ATTR.pk]: KEYS.signIn(request.id) },
          ...SET_SIGN_IN_USER,
          ExpressionAttributeValues: { ':user_id': request.userId },
        }),
      ),
    );
  }

  async countWrongCode(attempts: AttemptBudget): Promise<'counted' | AttemptsSpent> {
    const { window, limits } = attempts;
    const items: Record<(typeof WRONG_CODE_ITEMS)[number], TransactItem> = {
      ipAttempts: { Update: this.counter(KEYS.ipCodeAttempts(attempts.ipKey, window.start), limits.ipAttempts, window.end) },
      networkAttempts: { Update: this.counter(KEYS.networkCodeAttempts(attempts.ipKey, attempts.emailHash, window.start), limits.networkAttempts, window.end) },
      attempts: { Update: this.counter(KEYS.codeAttempts(attempts.emailHash, window.start), limits.attempts, window.end) },
    };
    const refused = await this.transact(new TransactWriteCommand({ TransactItems: inOrder(WRONG_CODE_ITEMS, items) }));
    if (refused === null) return 'counted';
    return byItem(WRONG_CODE_ITEMS, refused.codes, 'None').ipAttempts === 'ConditionalCheckFailed' ? 'ip_attempts_exceeded' : 'attempts_exceeded';
  }

  async saveAuthorizationCode(code: NewAuthorizationCode): Promise<void> {
    const { request } = code;
    // An update that creates: the store's only writes are updates and transactions (no PutItem client code in most bundles).
    const values: Record<string, unknown> = {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      challenge: request.codeChallenge,
      nonce: request.nonce,
      scope: request.scope,
      userId: code.userId,
      email: code.email,
      signIn: code.signInId,
      authTime: code.authTime,
      usedBy: code.method,
      codeExpiresAt: code.expiresAt,
      sessionExpiresAt: code.sessionExpiresAt,
      ttl: code.retainUntil,
    };
    const set = Object.keys(values).filter((key) => values[key] !== undefined);
    await this.write(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [ATTR.pk]: KEYS.authCode(code.codeHash) },
          ...named({ UpdateExpression: `SET ${set.map((key) => `#${key} = :${key}`).join(', ')}`, ConditionExpression: CREATE.ConditionExpression }),
          ExpressionAttributeValues: Object.fromEntries(set.map((key) => [`:${key}`, values[key]])),
        }),
      ),
    );
  }


}

/**
 * The whole store of the request route: the sign-in store and the link requests it counts, records and
 * gives back. Signing in needs none of these, so the functions that only sign in bundle the base class.
 */
export class DynamoAuthStore extends DynamoSignInStore implements AuthStore {
  private extras(request: CountOnly & { readonly returning?: boolean; readonly link?: { readonly userHash: string } }): Partial<Record<ExtraRequestItem, TransactItem>> {
    const { proof, pressure, window } = request;
    return {
      ...(proof === undefined ? {} : { proof: { Update: this.counter(KEYS.proofOfWork(proof.id), 1, proof.expiresAt) } }),
      ...(request.returning && request.link ? { returning: { ConditionCheck: { TableName: this.tableName, Key: { [ATTR.pk]: KEYS.user(request.link.userHash) }, ...HAS_USER } } } : {}),
      ...(pressure === undefined
        ? {}
        : { pressure: { ConditionCheck: { TableName: this.tableName, Key: { [ATTR.pk]: KEYS.mailBudgetShard(window.start, pressure.shard) }, ...UNDER_LIMIT, ExpressionAttributeValues: { ':limit': pressure.limit } } } }),
    };
  }

  /** Puts `item`, only where no item has its key. */
  private create(item: Record<string, unknown>): TransactItem {
    return { Put: { TableName: this.tableName, Item: item, ...CREATE } };
  }

  /**
   * Sends a transaction, repeating it (with jittered backoff) while it is cancelled only because
   * another writer touched one of its items at the same moment. Returns the cancellation codes of a
   * transaction a condition refused, one per item, or null when it committed.
   */

  async recordLinkRequest(request: LinkRequest): Promise<LinkRequestOutcome> {
    const { link, window, limits } = request;
    const keys = requestItemKeys(request);
    const items: Record<RequestItem, TransactItem> = {
      ip: { Update: this.counter(keys.ip, limits.ip, window.end) },
      email: { Update: this.counter(keys.email, limits.email, window.end) },
      inbox: { Update: this.counter(keys.inbox, limits.inbox, window.end) },
      mailBudget: { Update: this.counter(keys.mailBudget, request.mailBudget.limit, window.end) },
      link: this.create({
        [ATTR.pk]: keys.link,
        [ATTR.email]: link.email,
        [ATTR.emailHash]: request.emailHash,
        [ATTR.createdAt]: link.createdAt,
        [ATTR.userHash]: link.userHash,
        ...shared(link),
      }),
      // Unconditional: the address's newest sign-in's code replaces any older one, which stops working.
      code: {
        Put: {
          TableName: this.tableName,
          Item: {
            [ATTR.pk]: keys.code,
            [ATTR.signIn]: link.id,
            [ATTR.codeHash]: link.codeHash,
            ...shared(link),
          },
        },
      },
    };
    const extras = this.extras(request);
    const names: string[] = [...REQUEST_ITEMS, ...EXTRA_REQUEST_ITEMS.filter((name) => extras[name] !== undefined)];
    const refused = await this.transact(new TransactWriteCommand({ TransactItems: inOrder(names, { ...items, ...extras } as Record<string, TransactItem>) }));
    if (refused === null) return 'created';
    const failed = byItem<string, string>(names, refused.codes, 'None');
    const limit = limitSpent(failed as Record<RequestItem, string>);
    if (limit !== null) return limit;
    if (failed.proof === 'ConditionalCheckFailed') return 'proof_used';
    if (failed.mailBudget === 'ConditionalCheckFailed') return 'capacity_exceeded';
    if (failed.returning === 'ConditionalCheckFailed') return 'not_returning';
    throw new Error('magic link id collision', { cause: refused.error });
  }

  async countLinkRequest(request: CountOnly): Promise<'counted' | 'ip_limit_exceeded' | 'email_limit_exceeded' | 'capacity_exceeded' | 'proof_used'> {
    const { window, limits } = request;
    const keys = counterKeys(request);
    const items: Record<string, TransactItem> = {
      ip: { Update: this.counter(keys.ip, limits.ip, window.end) },
      email: { Update: this.counter(keys.email, limits.email, window.end) },
      inbox: { Update: this.counter(keys.inbox, limits.inbox, window.end) },
      ...this.extras(request),
    };
    const names: string[] = [...REFUSED_REQUEST_ITEMS, ...EXTRA_REQUEST_ITEMS.filter((name) => items[name] !== undefined)];
    const refused = await this.transact(new TransactWriteCommand({ TransactItems: inOrder(names, items) }));
    if (refused === null) return 'counted';
    const failed = byItem<string, string>(names, refused.codes, 'None');
    const limit = limitSpent(failed as Record<(typeof REFUSED_REQUEST_ITEMS)[number], string>);
    if (limit !== null) return limit;
    if (failed.proof === 'ConditionalCheckFailed') return 'proof_used';
    if (failed.pressure === 'ConditionalCheckFailed') return 'capacity_exceeded';
    throw new Error(`counting a refused request was cancelled (${refused.codes.join(', ')})`, { cause: refused.error });
  }

  async releaseLinkRequest(request: LinkRequest): Promise<void> {
    const keys = requestItemKeys(request);
    const giveBack = (pk: string): TransactItem => ({
      Update: { TableName: this.tableName, Key: { [ATTR.pk]: pk }, ...GIVE_BACK, ExpressionAttributeValues: { ':one': 1, ':zero': 0 } },
    });
    const items: Record<ReleaseItem, TransactItem> = {
      email: giveBack(keys.email),
      inbox: giveBack(keys.inbox),
      link: { Delete: { TableName: this.tableName, Key: { [ATTR.pk]: keys.link }, ...DELETE_UNUSED } },
      code: this.deleteOwnCode(keys.code, request.link.id),
    };
    let refused = await this.transact(new TransactWriteCommand({ TransactItems: inOrder(RELEASE_ITEMS, items) }));
    // A newer request of the address replaced the code meanwhile: that one is live, leave it.
    if (refused !== null && byItem(RELEASE_ITEMS, refused.codes, 'None').code === 'ConditionalCheckFailed' && refused.codes.filter((code) => code === 'ConditionalCheckFailed').length === 1) {
      const others = RELEASE_ITEMS.filter((name) => name !== 'code');
      refused = await this.transact(new TransactWriteCommand({ TransactItems: inOrder(others, items) }));
    }
    if (refused !== null) throw new Error(`releasing a request was refused (${refused.codes.join(', ')})`, { cause: refused.error });
  }

  /** Deletes the address's live code at `pk` while it is still sign-in `signInId`'s. */
}

/**
 * What a new sign-in's link and its code both carry, so that checking the code needs no read of the
 * link: the expiry, the binding and the redirect it asked for, and how long the store keeps them.
 */
function shared(link: LinkRequest['link']): Record<string, unknown> {
  return {
    [ATTR.linkExpiresAt]: link.expiresAt,
    ...(link.challenge === undefined ? {} : { [ATTR.challenge]: link.challenge }),
    ...(link.redirectTo === undefined ? {} : { [ATTR.redirectTo]: link.redirectTo }),
    ...(link.authorizationRequest === undefined ? {} : { [ATTR.oauthRequest]: link.authorizationRequest }),
    [ATTR.ttl]: link.retainUntil,
  };
}

/** The authorization request a link or code item carries (a map of the domain's own fields), if any. */
function authorizationRequestOf(item: Record<string, unknown> | undefined): { authorizationRequest?: AuthorizationRequest } {
  const stored = item?.[ATTR.oauthRequest] as AuthorizationRequest | undefined;
  return typeof stored?.clientId === 'string' ? { authorizationRequest: stored } : {};
}

/**
 * Which request limit a cancelled transaction's counters spent, by its items' cancellation codes. The IP
 * limit first: when it and another are exhausted the caller hears about the IP. Both address limits
 * (this network's share, the inbox's ceiling) answer as the address limit.
 */
function limitSpent(failed: Readonly<Record<'ip' | 'email' | 'inbox', string>>): 'ip_limit_exceeded' | 'email_limit_exceeded' | null {
  if (failed.ip === 'ConditionalCheckFailed') return 'ip_limit_exceeded';
  if (failed.email === 'ConditionalCheckFailed' || failed.inbox === 'ConditionalCheckFailed') return 'email_limit_exceeded';
  return null;
}

function snapshot(item: Record<string, AttributeValue> | undefined): SignInSnapshot | null {
  if (!item || Object.keys(item).length === 0) return null;
  const record = unmarshall(item);
  const usedAt = record[ATTR.usedAt];
  const revokedAt = record[ATTR.revokedAt];
  const challenge = record[ATTR.challenge];
  return {
    linkExpiresAt: Number(record[ATTR.linkExpiresAt]),
    ...(usedAt === undefined ? {} : { usedAt: Number(usedAt) }),
    ...(revokedAt === undefined ? {} : { revokedAt: Number(revokedAt) }),
    ...(challenge === undefined ? {} : { challenge: String(challenge) }),
  };
}
