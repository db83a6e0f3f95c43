import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { RateLimitWindow } from '../domain/limits';
import type { ExchangeAuthorizationCode, ExchangeOutcome, NewRefreshFamily, OidcStore, RotateOutcome } from '../domain/ports';
import { ATTR, KEYS } from '../table-layout';
import { CREATE, DynamoSignInStore, isThrottling, named, unavailable } from './dynamo-auth-store';

/**
 * Exchanging an authorization code: once, unexpired, for its client and redirect URI, and with the
 * challenge it was issued with (or none, when it has none). The family it starts is recorded on it.
 */
const EXCHANGE_CODE = (challenged: boolean) =>
  named({
    UpdateExpression: 'SET #usedAt = :now, #family = :family',
    ConditionExpression: `attribute_exists(#pk) AND attribute_not_exists(#usedAt) AND #codeExpiresAt > :now AND #clientId = :client_id AND #redirectUri = :redirect_uri AND ${challenged ? '#challenge = :challenge' : 'attribute_not_exists(#challenge)'}`,
  });

/** Rotating a family's refresh token: only the current one, of its client, while neither it nor its session ended. */
const ROTATE_REFRESH = named({
  UpdateExpression: 'SET #refreshHash = :next',
  ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#revokedAt) AND #clientId = :client_id AND #sessionExpiresAt > :now AND #refreshHash = :current',
});

/** Ending a family; written even where none is yet, so a family a second use of its code ended never starts. */
const REVOKE_FAMILY = named({ UpdateExpression: 'SET #revokedAt = if_not_exists(#revokedAt, :now), #ttl = if_not_exists(#ttl, :ttl)' });

/**
 * The token endpoint's part of the table: authorization codes exchanged, refresh families started,
 * rotated and ended, failed client authentications counted. Apart from `DynamoSignInStore` so only the
 * token function's bundle carries it.
 */
export class DynamoOidcStore extends DynamoSignInStore implements OidcStore {
  async exchangeAuthorizationCode(request: ExchangeAuthorizationCode): Promise<ExchangeOutcome> {
    const challenged = request.challenge !== undefined;
    try {
      const result = await this.write(() =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { [ATTR.pk]: KEYS.authCode(request.codeHash) },
            ...EXCHANGE_CODE(challenged),
            ExpressionAttributeValues: {
              ':now': request.now,
              ':family': request.familyId,
              ':client_id': request.clientId,
              ':redirect_uri': request.redirectUri,
              ...(challenged ? { ':challenge': request.challenge } : {}),
            },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      const item = result.Attributes ?? {};
      const nonce = item[ATTR.nonce];
      return {
        outcome: 'exchanged',
        code: {
          scope: String(item[ATTR.scope]),
          ...(typeof nonce === 'string' ? { nonce } : {}),
          userId: String(item[ATTR.userId]),
          email: String(item[ATTR.email]),
          signInId: String(item[ATTR.signIn]),
          authTime: Number(item[ATTR.authTime]),
          sessionExpiresAt: Number(item[ATTR.sessionExpiresAt]),
        },
      };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) {
        if (isThrottling(error)) throw unavailable(error);
        throw error;
      }
      const old = error.Item ? unmarshall(error.Item) : undefined;
      if (old?.[ATTR.usedAt] === undefined) return { outcome: 'refused' };
      const family = old[ATTR.family];
      return { outcome: 'used', ...(typeof family === 'string' ? { familyId: family } : {}) };
    }
  }

  async createRefreshFamily(family: NewRefreshFamily): Promise<'created' | 'revoked'> {
    try {
      await this.write(() =>
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              [ATTR.pk]: KEYS.refresh(family.familyId),
              [ATTR.refreshHash]: family.refreshHash,
              [ATTR.clientId]: family.clientId,
              [ATTR.scope]: family.scope,
              [ATTR.userId]: family.userId,
              [ATTR.email]: family.email,
              [ATTR.signIn]: family.signInId,
              [ATTR.authTime]: family.authTime,
              [ATTR.sessionExpiresAt]: family.sessionExpiresAt,
              [ATTR.ttl]: family.retainUntil,
            },
            ...CREATE,
          }),
        ),
      );
      return 'created';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'revoked';
      if (isThrottling(error)) throw unavailable(error);
      throw error;
    }
  }

  async rotateRefreshToken(request: { readonly familyId: string; readonly refreshHash: string; readonly nextHash: string; readonly clientId: string; readonly now: number }): Promise<RotateOutcome> {
    try {
      const result = await this.write(() =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { [ATTR.pk]: KEYS.refresh(request.familyId) },
            ...ROTATE_REFRESH,
            ExpressionAttributeValues: { ':next': request.nextHash, ':current': request.refreshHash, ':client_id': request.clientId, ':now': request.now },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      const item = result.Attributes ?? {};
      return { outcome: 'rotated', family: { scope: String(item[ATTR.scope]), userId: String(item[ATTR.userId]), email: String(item[ATTR.email]), signInId: String(item[ATTR.signIn]) } };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) {
        if (isThrottling(error)) throw unavailable(error);
        throw error;
      }
      const old = error.Item ? unmarshall(error.Item) : undefined;
      // A live family of this client whose current token is another: the one presented was rotated out.
      const reused =
        old !== undefined &&
        old[ATTR.revokedAt] === undefined &&
        old[ATTR.clientId] === request.clientId &&
        typeof old[ATTR.refreshHash] === 'string' &&
        old[ATTR.refreshHash] !== request.refreshHash;
      return { outcome: reused ? 'reused' : 'refused' };
    }
  }

  async revokeRefreshFamily(request: { readonly familyId: string; readonly now: number }): Promise<void> {
    await this.write(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [ATTR.pk]: KEYS.refresh(request.familyId) },
          ...REVOKE_FAMILY,
          // An ended family is kept a day, so a replay still finds it ended rather than unknown.
          ExpressionAttributeValues: { ':now': request.now, ':ttl': request.now + 24 * 3600 },
        }),
      ),
    );
  }

  async countClientFailure(request: { readonly clientId: string; readonly ipKey: string; readonly window: RateLimitWindow; readonly limit: number }): Promise<'counted' | 'limit_exceeded'> {
    try {
      await this.write(() => this.doc.send(new UpdateCommand(this.counter(KEYS.clientFailures(request.clientId, request.ipKey, request.window.start), request.limit, request.window.end))));
      return 'counted';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'limit_exceeded';
      if (isThrottling(error)) throw unavailable(error);
      throw error;
    }
  }
}
