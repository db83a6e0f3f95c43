import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoAuthStore } from '../../lambdas/adapters/dynamo-auth-store';
import { TABLE_KEYS, USER_INDEX } from '../../lambdas/table-layout';

/** Where global setup leaves the engine's endpoint for the test files. */
export const STORE_ENDPOINT_KEY = 'MAGIC_LINK_STORE_DYNAMODB_ENDPOINT';

/** Conflicts the engine reported: cancelled transactions (TransactionConflict) and plain writes that met one. */
export interface ConflictCount {
  transactions: number;
  writes: number;
}

/** A client for the engine that counts the conflicts it sees, one per attempt. */
export function engineClient(conflicts: ConflictCount = { transactions: 0, writes: 0 }): DynamoDBClient {
  const endpoint = process.env[STORE_ENDPOINT_KEY];
  if (!endpoint) throw new Error('the store suite\'s global setup did not run');
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
        if (e.name === 'TransactionCanceledException' && e.CancellationReasons?.some((reason) => reason.Code === 'TransactionConflict')) conflicts.transactions++;
        if (e.name === 'TransactionConflictException') conflicts.writes++;
        throw error;
      }
    },
    { step: 'initialize', name: 'countConflicts' },
  );
  return client;
}

let tables = 0;

/** A fresh table laid out as the construct creates it (key, TTL, user index), and a store on it. */
export async function freshStore(conflicts?: ConflictCount): Promise<{ store: DynamoAuthStore; client: DynamoDBClient; tableName: string }> {
  const client = engineClient(conflicts);
  tables += 1;
  const tableName = `store-${process.pid}-${Date.now()}-${tables}`;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
        { AttributeName: USER_INDEX.partitionKey, AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: USER_INDEX.name,
          KeySchema: [{ AttributeName: USER_INDEX.partitionKey, KeyType: 'HASH' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...USER_INDEX.projected] },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  // A little jitter between attempts, as in production, so racing writers spread out.
  return { store: new DynamoAuthStore({ tableName, client, backoffMs: (attempt) => Math.random() * Math.min(50, 5 * 2 ** attempt) }), client, tableName };
}
