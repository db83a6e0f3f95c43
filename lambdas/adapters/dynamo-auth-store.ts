import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DependencyUnavailableError } from '../domain/errors';
import type {
  AttemptBudget,
  AuthStore,
  CodeConsumeOutcome,
  ConsumeLink,
  ConsumeOutcome,
  LinkRequest,
  LinkRequestOutcome,
  RevokeSession,
  SessionRecord,
  SignInSnapshot,
} from '../domain/ports';
import { KEY_PREFIX, TABLE_KEYS, USER_INDEX } from '../table-layout';

const TTL_NAME = { '#ttl': TABLE_KEYS.timeToLive } as const;

/** What `challenge = :challenge` compares with when a request sent no verifier: matches no stored challenge. */
const NO_CHALLENGE = '-';

/**
 * The consume write shared by both keys (link and code): one conditional update of the sign-in record.
 * It holds only while the link exists, is unused and unexpired, and, when bound, the challenge matches.
 */
const CONSUME_CONDITION =
  'attribute_exists(pk) AND attribute_not_exists(used_at) AND link_expires_at > :now AND (attribute_not_exists(challenge) OR challenge = :challenge)';

/** The counter condition shared by the limits and the wrong-code budget. */
const UNDER_LIMIT = 'attribute_not_exists(cnt) OR cnt < :limit';

/** Attempts at a transaction cancelled because another writer touched the same item at the same moment. */
const MAX_TRANSACTION_ATTEMPTS = 8;

const THROTTLING_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionInProgressException',
]);

/** A plain write that met an in-flight transaction on the same item: safe to repeat. */
const isConflict = (error: unknown) => error instanceof Error && error.name === 'TransactionConflictException';

/** Cancellation codes worth another attempt: a racing writer or momentary throttling, not a failed condition. */
const RETRYABLE_CANCELLATIONS = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

function unavailable(cause: unknown): DependencyUnavailableError {
  return new DependencyUnavailableError('store', { cause });
}

function isThrottling(error: unknown): boolean {
  return error instanceof Error && (THROTTLING_ERRORS.has(error.name) || (error as { $retryable?: unknown }).$retryable !== undefined);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface DynamoAuthStoreOptions {
  readonly tableName: string;
  readonly client?: DynamoDBClient;
  /** Backoff before the nth retry of a conflicting transaction, in ms (tests pass 0). */
  readonly backoffMs?: (attempt: number) => number;
}

export class DynamoAuthStore implements AuthStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly backoffMs: (attempt: number) => number;

  constructor(options: DynamoAuthStoreOptions) {
    this.tableName = options.tableName;
    this.doc = DynamoDBDocumentClient.from(options.client ?? new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });
    // Full jitter, capped: spreads racing writers apart quickly.
    this.backoffMs = options.backoffMs ?? ((attempt) => Math.random() * Math.min(200, 10 * 2 ** attempt));
  }

  private counter(id: string, limit: number, windowEnd: number) {
    return {
      TableName: this.tableName,
      Key: { pk: `${KEY_PREFIX.rateLimit}${id}` },
      UpdateExpression: 'SET cnt = if_not_exists(cnt, :zero) + :one, #ttl = :ttl',
      ConditionExpression: UNDER_LIMIT,
      ExpressionAttributeNames: TTL_NAME,
      ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':limit': limit, ':ttl': windowEnd },
    };
  }

  /**
   * Sends a transaction, repeating it (with jittered backoff) while it is cancelled only because
   * another writer touched one of its items at the same moment. Returns the cancellation codes of a
   * transaction a condition refused, one per item, or null when it committed.
   */
  private async transact(command: TransactWriteCommand): Promise<{ codes: string[]; error: TransactionCanceledException } | null> {
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

  /** Sends a plain write, repeating it while it meets an in-flight transaction on the same item. */
  private async write<T>(send: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        if (isConflict(error) && attempt < MAX_TRANSACTION_ATTEMPTS) {
          await sleep(this.backoffMs(attempt));
          continue;
        }
        if (isThrottling(error) || isConflict(error)) throw unavailable(error);
        throw error;
      }
    }
  }

  async recordLinkRequest(request: LinkRequest): Promise<LinkRequestOutcome> {
    const { link } = request;
    const refused = await this.transact(
      new TransactWriteCommand({
        TransactItems: [
          { Update: this.counter(request.ipCounterId, request.ipLimit, request.windowEnd) },
          { Update: this.counter(request.emailCounterId, request.emailLimit, request.windowEnd) },
          {
            Put: {
              TableName: this.tableName,
              Item: {
                pk: `${KEY_PREFIX.signIn}${link.id}`,
                email: link.email,
                link_expires_at: link.expiresAt,
                created_at: link.createdAt,
                user_hash: link.userHash,
                ...(link.challenge === undefined ? {} : { challenge: link.challenge }),
                ...(link.redirectTo === undefined ? {} : { redirect_to: link.redirectTo }),
                [TABLE_KEYS.timeToLive]: link.retainUntil,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: {
                pk: `${KEY_PREFIX.code}${link.codeId}`,
                signin: link.id,
                ...(link.redirectTo === undefined ? {} : { redirect_to: link.redirectTo }),
                [TABLE_KEYS.timeToLive]: link.retainUntil,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Update: this.counter(request.ipEmailCounterId, request.ipEmailLimit, request.windowEnd) },
          { Update: this.counter(request.budgetShardId, request.budgetShardLimit, request.windowEnd) },
        ],
      }),
    );
    if (refused === null) return 'created';
    const { codes, error } = refused;
    // The IP limit is checked first: when it and another are exhausted the caller hears about the IP.
    // Both address counters (this network's share, the inbox's ceiling) answer as the address limit.
    if (codes[0] === 'ConditionalCheckFailed') return 'ip_limit_exceeded';
    if (codes[1] === 'ConditionalCheckFailed' || codes[4] === 'ConditionalCheckFailed') return 'email_limit_exceeded';
    if (codes[5] === 'ConditionalCheckFailed') return 'capacity_exceeded';
    if (codes[2] === 'ConditionalCheckFailed') throw new Error('magic link id collision', { cause: error });
    return 'code_taken';
  }

  async releaseLinkRequest(request: LinkRequest): Promise<void> {
    const giveBack = (id: string) => ({
      Update: {
        TableName: this.tableName,
        Key: { pk: `${KEY_PREFIX.rateLimit}${id}` },
        UpdateExpression: 'SET cnt = cnt - :one',
        ConditionExpression: 'cnt > :zero',
        ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
      },
    });
    const refused = await this.transact(
      new TransactWriteCommand({
        TransactItems: [
          giveBack(request.ipCounterId),
          giveBack(request.emailCounterId),
          // Unused only: a link nobody received cannot have been used, but never delete a session.
          { Delete: { TableName: this.tableName, Key: { pk: `${KEY_PREFIX.signIn}${request.link.id}` }, ConditionExpression: 'attribute_not_exists(used_at)' } },
          { Delete: { TableName: this.tableName, Key: { pk: `${KEY_PREFIX.code}${request.link.codeId}` } } },
          giveBack(request.ipEmailCounterId),
          giveBack(request.budgetShardId),
        ],
      }),
    );
    if (refused !== null) throw new Error(`releasing a request was refused (${refused.codes.join(', ')})`, { cause: refused.error });
  }

  private consumeUpdate(request: ConsumeLink) {
    return {
      TableName: this.tableName,
      Key: { pk: `${KEY_PREFIX.signIn}${request.id}` },
      UpdateExpression: 'SET used_at = :now, session_hash = :session_hash, session_expires_at = :session_expires_at, #ttl = :ttl',
      ConditionExpression: CONSUME_CONDITION,
      ExpressionAttributeNames: TTL_NAME,
      ExpressionAttributeValues: {
        ':now': request.now,
        ':challenge': request.challenge ?? NO_CHALLENGE,
        ':session_hash': request.sessionSecretHash,
        ':session_expires_at': request.sessionExpiresAt,
        ':ttl': request.retainUntil,
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }

  async consumeLink(request: ConsumeLink): Promise<ConsumeOutcome> {
    try {
      const result = await this.write(() => this.doc.send(new UpdateCommand({ ...this.consumeUpdate(request), ReturnValues: 'ALL_NEW' })));
      const redirectTo = result.Attributes?.redirect_to;
      return { outcome: 'consumed', email: String(result.Attributes?.email), ...(typeof redirectTo === 'string' ? { redirectTo } : {}) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return { outcome: 'refused', record: snapshot(error.Item) };
      }
      throw error;
    }
  }

  async findCode(codeId: string): Promise<{ signInId: string; redirectTo?: string } | null> {
    try {
      const { Item } = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: { pk: `${KEY_PREFIX.code}${codeId}` }, ConsistentRead: true, ProjectionExpression: 'signin, redirect_to' }),
      );
      if (typeof Item?.signin !== 'string') return null;
      return { signInId: Item.signin, ...(typeof Item.redirect_to === 'string' ? { redirectTo: Item.redirect_to } : {}) };
    } catch (error) {
      if (isThrottling(error)) throw unavailable(error);
      throw error;
    }
  }

  async consumeByCode(request: ConsumeLink & { readonly email: string; readonly redirectTo?: string; readonly attempts: AttemptBudget }): Promise<CodeConsumeOutcome> {
    const { attempts } = request;
    const refused = await this.transact(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: this.tableName,
              Key: { pk: `${KEY_PREFIX.rateLimit}${attempts.counterId}` },
              ConditionExpression: UNDER_LIMIT,
              ExpressionAttributeValues: { ':limit': attempts.limit },
            },
          },
          { Update: this.consumeUpdate(request) },
        ],
      }),
    );
    // The transaction returns no attributes; the code was found under this address, which is the sign-in's.
    if (refused === null) return { outcome: 'consumed', email: request.email, ...(request.redirectTo === undefined ? {} : { redirectTo: request.redirectTo }) };
    if (refused.codes[0] === 'ConditionalCheckFailed') return { outcome: 'attempts_exceeded' };
    return { outcome: 'refused', record: snapshot(refused.error.CancellationReasons?.[1]?.Item) };
  }

  async countWrongCode(attempts: AttemptBudget): Promise<'counted' | 'attempts_exceeded'> {
    try {
      await this.write(() => this.doc.send(new UpdateCommand(this.counter(attempts.counterId, attempts.limit, attempts.windowEnd))));
      return 'counted';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'attempts_exceeded';
      throw error;
    }
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    try {
      const { Item } = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: `${KEY_PREFIX.signIn}${id}` },
          ConsistentRead: true,
          ProjectionExpression: 'email, session_hash, session_expires_at, revoked_at',
        }),
      );
      if (!Item) return null;
      return {
        email: String(Item.email),
        sessionSecretHash: Item.session_hash as string | undefined,
        sessionExpiresAt: Item.session_expires_at as number | undefined,
        revokedAt: Item.revoked_at as number | undefined,
      };
    } catch (error) {
      if (isThrottling(error)) throw unavailable(error);
      throw error;
    }
  }

  async revokeSession(request: RevokeSession): Promise<{ email: string } | null> {
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `${KEY_PREFIX.signIn}${request.id}` },
          UpdateExpression: 'SET revoked_at = :now, #ttl = :ttl',
          ConditionExpression:
            'session_hash = :session_hash AND attribute_not_exists(revoked_at) AND session_expires_at > :now',
          ExpressionAttributeNames: TTL_NAME,
          ExpressionAttributeValues: { ':now': request.now, ':session_hash': request.sessionSecretHash, ':ttl': request.retainUntil },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { email: String(result.Attributes?.email) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      if (isThrottling(error)) throw unavailable(error);
      throw error;
    }
  }

  async revokeAllSessions(request: { readonly userHash: string; readonly now: number; readonly retainUntil: number }): Promise<number> {
    let revoked = 0;
    try {
      let from: Record<string, unknown> | undefined;
      do {
        // The index is eventually consistent: a session started in the last moment may not show yet.
        const page = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: USER_INDEX.name,
            KeyConditionExpression: `${USER_INDEX.partitionKey} = :user`,
            FilterExpression: 'attribute_exists(session_hash) AND attribute_not_exists(revoked_at) AND session_expires_at > :now',
            ExpressionAttributeValues: { ':user': request.userHash, ':now': request.now },
            ProjectionExpression: 'pk',
            ExclusiveStartKey: from,
          }),
        );
        for (const item of page.Items ?? []) {
          try {
            await this.write(() =>
              this.doc.send(
                new UpdateCommand({
                  TableName: this.tableName,
                  Key: { pk: item.pk },
                  UpdateExpression: 'SET revoked_at = :now, #ttl = :ttl',
                  ConditionExpression: 'attribute_exists(session_hash) AND attribute_not_exists(revoked_at)',
                  ExpressionAttributeNames: TTL_NAME,
                  ExpressionAttributeValues: { ':now': request.now, ':ttl': request.retainUntil },
                }),
              ),
            );
            revoked += 1;
          } catch (error) {
            // Revoked meanwhile (by this session's own sign-out, or another everywhere): already done.
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
          }
        }
        from = page.LastEvaluatedKey;
      } while (from);
      return revoked;
    } catch (error) {
      if (isThrottling(error)) throw unavailable(error);
      throw error;
    }
  }
}

function snapshot(item: Record<string, AttributeValue> | undefined): SignInSnapshot | null {
  if (!item || Object.keys(item).length === 0) return null;
  const record = unmarshall(item);
  return {
    linkExpiresAt: Number(record.link_expires_at),
    ...(record.used_at === undefined ? {} : { usedAt: Number(record.used_at) }),
    ...(record.challenge === undefined ? {} : { challenge: String(record.challenge) }),
  };
}
