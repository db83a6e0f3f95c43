import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DependencyUnavailableError } from '../domain/errors';
import { KEY_PREFIX, TABLE_KEYS } from '../table-layout';

const TTL_NAME = { '#ttl': TABLE_KEYS.timeToLive } as const;
import type {
  AuthStore,
  ConsumeLink,
  ConsumeOutcome,
  LinkRequest,
  LinkRequestOutcome,
  RevokeSession,
  SessionRecord,
  SignInSnapshot,
} from '../domain/ports';


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

  async recordLinkRequest(request: LinkRequest): Promise<LinkRequestOutcome> {
    const counter = (id: string, limit: number) => ({
      Update: {
        TableName: this.tableName,
        Key: { pk: `${KEY_PREFIX.rateLimit}${id}` },
        UpdateExpression: 'SET cnt = if_not_exists(cnt, :zero) + :one, #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(cnt) OR cnt < :limit',
        ExpressionAttributeNames: TTL_NAME,
        ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':limit': limit, ':ttl': request.windowEnd },
      },
    });
    const { link } = request;
    const command = new TransactWriteCommand({
      TransactItems: [
        counter(request.ipCounterId, request.ipLimit),
        counter(request.emailCounterId, request.emailLimit),
        {
          Put: {
            TableName: this.tableName,
            Item: {
              pk: `${KEY_PREFIX.signIn}${link.id}`,
              email: link.email,
              link_expires_at: link.expiresAt,
              created_at: link.createdAt,
              [TABLE_KEYS.timeToLive]: link.retainUntil,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    });

    for (let attempt = 1; ; attempt++) {
      try {
        await this.doc.send(command);
        return 'created';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) {
          if (isThrottling(error)) throw unavailable(error);
          throw error;
        }
        const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
        // The IP limit is checked first: when both are exhausted the caller hears about the IP.
        if (codes[0] === 'ConditionalCheckFailed') return 'ip_limit_exceeded';
        if (codes[1] === 'ConditionalCheckFailed') return 'email_limit_exceeded';
        if (codes[2] === 'ConditionalCheckFailed') throw new Error('magic link id collision', { cause: error });
        const retryable = codes.some((code) => code === 'TransactionConflict' || code === 'ThrottlingError' || code === 'ProvisionedThroughputExceeded');
        if (!retryable) throw error;
        if (attempt >= MAX_TRANSACTION_ATTEMPTS) throw unavailable(error);
        await sleep(this.backoffMs(attempt));
      }
    }
  }

  async consumeLink(request: ConsumeLink): Promise<ConsumeOutcome> {
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `${KEY_PREFIX.signIn}${request.id}` },
          UpdateExpression:
            'SET used_at = :now, session_hash = :session_hash, session_expires_at = :session_expires_at, #ttl = :ttl',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(used_at) AND link_expires_at > :now',
          ExpressionAttributeNames: TTL_NAME,
          ExpressionAttributeValues: {
            ':now': request.now,
            ':session_hash': request.sessionSecretHash,
            ':session_expires_at': request.sessionExpiresAt,
            ':ttl': request.retainUntil,
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { outcome: 'consumed', email: String(result.Attributes?.email) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return { outcome: 'refused', record: snapshot(error.Item) };
      }
      if (isThrottling(error)) throw unavailable(error);
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

  async revokeSession(request: RevokeSession): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `${KEY_PREFIX.signIn}${request.id}` },
          UpdateExpression: 'SET revoked_at = :now, #ttl = :ttl',
          ConditionExpression:
            'session_hash = :session_hash AND attribute_not_exists(revoked_at) AND session_expires_at > :now',
          ExpressionAttributeNames: TTL_NAME,
          ExpressionAttributeValues: { ':now': request.now, ':session_hash': request.sessionSecretHash, ':ttl': request.retainUntil },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
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
  };
}
