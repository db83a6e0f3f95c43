export default async function globalTeardown(): Promise<void> {
  await globalThis.dynamoDbEngine?.stop();
  globalThis.dynamoDbEngine = undefined;
}
