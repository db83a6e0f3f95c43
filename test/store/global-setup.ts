import { startDynamoDbLocal, type DynamoDbEngine } from '../../scripts/local/dynamodb-local';
import { STORE_ENDPOINT_KEY } from './engine';

declare global {
  var dynamoDbEngine: DynamoDbEngine | undefined;
}

/** Starts DynamoDB Local (or uses DYNAMODB_ENDPOINT) for the store's contract tests. */
export default async function globalSetup(): Promise<void> {
  const engine = await startDynamoDbLocal({ log: (line) => process.stderr.write(`[store] ${line}\n`) });
  globalThis.dynamoDbEngine = engine;
  process.env[STORE_ENDPOINT_KEY] = engine.endpoint;
}
