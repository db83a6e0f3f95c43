import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { createServiceTable } from '../../scripts/local/dynamodb-local';
import { DynamoAuthStore } from '../../lambdas/adapters/dynamo-auth-store';
import { ATTRIBUTES_BY_KEY, buildersMatching } from '../fixtures/table-layout';

/** Where global setup leaves the engine's endpoint for the test files. */
export const STORE_ENDPOINT_KEY = 'MAGIC_LINK_STORE_DYNAMODB_ENDPOINT';

/** What the engine answered, seen below the store: conflicts (one per attempt) and every cancelled transaction's reasons. */
export interface EngineTrace {
  /** Transactions cancelled with a `TransactionConflict` reason. */
  transactions: number;
  /** Plain writes refused with `TransactionConflictException`. */
  writes: number;
  /** The `CancellationReasons` codes of each cancelled transaction, in the order they came. */
  cancellations: string[][];
}

export const newTrace = (): EngineTrace => ({ transactions: 0, writes: 0, cancellations: [] });

/** The endpoint of the engine under test (DynamoDB Local, or DYNAMODB_ENDPOINT's). */
export function engineEndpoint(): string {
  const endpoint = process.env[STORE_ENDPOINT_KEY];
  if (!endpoint) throw new Error('the store suite\'s global setup did not run');
  return endpoint;
}

/** A client for the engine (fake credentials, us-east-1, no SDK retries) that records what it answers into `trace`. */
export function engineClient(trace: EngineTrace = newTrace()): DynamoDBClient {
  const client = new DynamoDBClient({
    endpoint: engineEndpoint(),
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
        if (e.name === 'TransactionCanceledException') {
          const codes = (e.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
          trace.cancellations.push(codes);
          if (codes.includes('TransactionConflict')) trace.transactions++;
        }
        if (e.name === 'TransactionConflictException') trace.writes++;
        throw error;
      }
    },
    { step: 'initialize', name: 'traceEngineAnswers' },
  );
  return client;
}

let tables = 0;
/** The tables this test file made, for `expectItemsOnLayout`. */
const created: string[] = [];

/**
 * A fresh table laid out as the construct creates it (key `pk`, on-demand, the user index), and a
 * store on it. Time to live is deliberately not enabled: the engines delete expired items within
 * seconds (DynamoDB Local) or a minute (MiniStack) once it is, where AWS may keep them for days; with
 * it off, an item past its `ttl` stays put, as on AWS before its lazy deletion reaches it.
 */
export async function freshStore(trace?: EngineTrace): Promise<{ store: DynamoAuthStore; client: DynamoDBClient; tableName: string }> {
  const client = engineClient(trace);
  tables += 1;
  const tableName = `store-${process.pid}-${Date.now()}-${tables}`;
  await createServiceTable(client, tableName);
  created.push(tableName);

  // A little jitter between attempts, as in production, so racing writers spread out.
  return { store: new DynamoAuthStore({ tableName, client, backoffMs: (attempt) => Math.random() * Math.min(50, 5 * 2 ** attempt) }), client, tableName };
}

/**
 * What is wrong with each item of `tableName` that the table's layout does not own: a key that matches
 * no builder of `table-layout.ts`, or an attribute its kind of item may not have.
 */
export async function offLayoutItems(client: DynamoDBClient, tableName: string): Promise<string[]> {
  const problems: string[] = [];
  let from: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: from }));
    for (const item of page.Items ?? []) {
      const key = item.pk?.S ?? JSON.stringify(item.pk);
      const builders = buildersMatching(key);
      if (builders.length !== 1) {
        problems.push(`${key}: matches ${builders.length === 0 ? 'no key builder' : builders.join(' and ')}`);
        continue;
      }
      const extra = Object.keys(item).filter((name) => !ATTRIBUTES_BY_KEY[builders[0]!].includes(name));
      if (extra.length > 0) problems.push(`${key}: ${extra.join(', ')} not among a ${builders[0]} item's attributes`);
    }
    from = page.LastEvaluatedKey;
  } while (from);
  return problems;
}

/**
 * After the file's scenarios, checks every item they left in every table the file made against the
 * table's layout: what the store wrote (and what the tests planted to look like it) is what IAM and
 * the layout table describe.
 */
export function expectItemsOnLayout(): void {
  afterAll(async () => {
    const client = engineClient();
    const problems = (await Promise.all(created.map((table) => offLayoutItems(client, table)))).flat();
    expect(problems).toEqual([]);
  });
}
