import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DependencyUnavailableError } from '../domain/errors';
import type { RevokeSession, SessionRecord, SessionStore } from '../domain/ports';
import { ATTR, KEYS, SESSION_ATTRIBUTES, USER_INDEX, type AttributeKey } from '../table-layout';

/**
 * The table as the session functions use it (check, refresh, sign out): reading a session and ending
 * sessions. The sign-in store (`DynamoAuthStore`) extends it; the session functions bundle this
 * module alone, not the request, sign-in and code writes they never make.
 */

type ExpressionField = 'UpdateExpression' | 'ConditionExpression' | 'ProjectionExpression' | 'KeyConditionExpression' | 'FilterExpression';

/**
 * Expressions written with `#<key>` placeholders for the attributes of `ATTR` (`#count` for `cnt`),
 * with the `ExpressionAttributeNames` they use and no other (DynamoDB refuses unused names).
 */
export function named<T extends Partial<Record<ExpressionField, string>>>(expressions: T): T & { ExpressionAttributeNames: Record<string, string> } {
  const names: Record<string, string> = {};
  for (const expression of Object.values(expressions) as string[]) {
    for (const [placeholder, key] of expression.matchAll(/#(\w+)/g)) {
      if (!Object.hasOwn(ATTR, key!)) throw new Error(`${placeholder} names no attribute of the table's layout`);
      names[placeholder] = ATTR[key as AttributeKey];
    }
  }
  return { ...expressions, ExpressionAttributeNames: names };
}

/** Each attribute's placeholder, by its stored name. */
const PLACEHOLDER = Object.fromEntries(Object.entries(ATTR).map(([key, name]) => [name, `#${key}`])) as Record<string, string>;

const READ_SESSION = named({ ProjectionExpression: SESSION_ATTRIBUTES.map((name) => PLACEHOLDER[name]).join(', ') });

/** Revoking the session whose secret this is, while live. */
const REVOKE = named({
  UpdateExpression: 'SET #revokedAt = :now, #ttl = :ttl',
  ConditionExpression: '#sessionHash = :session_hash AND attribute_not_exists(#revokedAt) AND #sessionExpiresAt > :now',
});

/**
 * Every sign-in of an address that could still sign in or is signed in, from the user index: links
 * never used (no session yet; expired ones too, since the index does not carry the link's expiry) and
 * live sessions.
 */
const LIVE_SIGN_INS = named({
  KeyConditionExpression: '#userHash = :user',
  FilterExpression: 'attribute_not_exists(#revokedAt) AND (attribute_not_exists(#sessionHash) OR #sessionExpiresAt > :now)',
  ProjectionExpression: '#pk',
});

/** Ending a sign-in found in the index, link or session, unless ended meanwhile. */
export const REVOKE_FOUND = named({
  UpdateExpression: 'SET #revokedAt = :now, #ttl = :ttl',
  ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#revokedAt)',
});

/** Sign-ins ended at once while signing out everywhere: enough to be quick, few enough not to throttle. */
const REVOKE_CONCURRENCY = 10;

/** Attempts at a transaction cancelled because another writer touched the same item at the same moment. */
export const MAX_TRANSACTION_ATTEMPTS = 8;

const THROTTLING_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionInProgressException',
]);

/** A plain write that met an in-flight transaction on the same item: safe to repeat. */
export const isConflict = (error: unknown) => error instanceof Error && error.name === 'TransactionConflictException';

export function unavailable(cause: unknown): DependencyUnavailableError {
  return new DependencyUnavailableError('store', { cause });
}

export function isThrottling(error: unknown): boolean {
  return error instanceof Error && (THROTTLING_ERRORS.has(error.name) || (error as { $retryable?: unknown }).$retryable !== undefined);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface DynamoStoreOptions {
  readonly tableName: string;
  readonly client?: DynamoDBClient;
  /** Backoff before the nth retry of a conflicting transaction, in ms (tests pass 0). */
  readonly backoffMs?: (attempt: number) => number;
}

export class DynamoSessionStore implements SessionStore {
  protected readonly doc: DynamoDBDocumentClient;
  protected readonly tableName: string;
  protected readonly backoffMs: (attempt: number) => number;

  constructor(options: DynamoStoreOptions) {
    this.tableName = options.tableName;
    this.doc = DynamoDBDocumentClient.from(options.client ?? new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });
    // Full jitter, capped: spreads racing writers apart quickly.
    this.backoffMs = options.backoffMs ?? ((attempt) => Math.random() * Math.min(200, 10 * 2 ** attempt));
  }

  /** Sends a plain write, repeating it while it meets an in-flight transaction on the same item. */
  protected async write<T>(send: () => Promise<T>): Promise<T> {
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

  async getSession(id: string): Promise<SessionRecord | null> {
    try {
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { [ATTR.pk]: KEYS.signIn(id) }, ConsistentRead: true, ...READ_SESSION }));
      if (!Item) return null;
      const userId = Item[ATTR.userId];
      return {
        email: String(Item[ATTR.email]),
        ...(typeof userId === 'string' ? { userId } : {}),
        sessionSecretHash: Item[ATTR.sessionHash] as string | undefined,
        sessionExpiresAt: Item[ATTR.sessionExpiresAt] as number | undefined,
        revokedAt: Item[ATTR.revokedAt] as number | undefined,
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
          Key: { [ATTR.pk]: KEYS.signIn(request.id) },
          ...REVOKE,
          ExpressionAttributeValues: { ':now': request.now, ':session_hash': request.sessionSecretHash, ':ttl': request.retainUntil },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { email: String(result.Attributes?.[ATTR.email]) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      if (isThrottling(error)) throw unavailable(error);
      throw error;
    }
  }

  async revokeAll(request: { readonly userHash: string; readonly now: number; readonly retainUntil: number }): Promise<number> {
    let revoked = 0;
    try {
      // The live code first, by its key: consistent, whatever the index shows yet.
      await this.write(() => this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { [ATTR.pk]: KEYS.code(request.userHash) } })));
      const revoke = async (pk: unknown) => {
        try {
          await this.write(() =>
            this.doc.send(
              new UpdateCommand({
                TableName: this.tableName,
                Key: { [ATTR.pk]: pk },
                ...REVOKE_FOUND,
                ExpressionAttributeValues: { ':now': request.now, ':ttl': request.retainUntil },
              }),
            ),
          );
          revoked += 1;
        } catch (error) {
          // Ended meanwhile (by this session's own sign-out, or another everywhere), or gone: already done.
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      };
      let from: Record<string, unknown> | undefined;
      do {
        // The index is eventually consistent: a sign-in started in the last moment may not show yet.
        const page = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: USER_INDEX.name,
            ...LIVE_SIGN_INS,
            ExpressionAttributeValues: { ':user': request.userHash, ':now': request.now },
            ExclusiveStartKey: from,
          }),
        );
        const found = (page.Items ?? []).map((item) => item[ATTR.pk]);
        for (let i = 0; i < found.length; i += REVOKE_CONCURRENCY) await Promise.all(found.slice(i, i + REVOKE_CONCURRENCY).map(revoke));
        from = page.LastEvaluatedKey;
      } while (from);
      return revoked;
    } catch (error) {
      if (isThrottling(error)) throw unavailable(error);
      throw error;
    }
  }
}
