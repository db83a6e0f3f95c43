import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { decodeJwt } from 'jose';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EVENT_TYPES, type EventType } from '../../lambdas/contract/events';
import { emulatorAwsEnv, emulatorDynamoClient } from '../../scripts/local/deploy';
import { eventSchemaPath } from '../../scripts/docs/events';
import { deliveredEvent } from '../../scripts/local/events';
import { call, deployment, freshEmail, functionName, signIn, storedLinks } from './client';
import { logGroupLines } from './function-logs';

/**
 * The lifecycle events of the main deployment, read where a team would read them: from a queue a real
 * EventBridge rule (`onEvent`) delivers every event to. This file is the queue's only reader.
 */
interface Received {
  readonly source: string;
  readonly detailType: string;
  readonly resources: string[];
  readonly detail: Record<string, unknown> & { id: string; type: EventType; user_id?: string; session_id: string };
}

const ajv = addFormats(new Ajv2020({ strict: false }));
const validate = Object.fromEntries(EVENT_TYPES.map((type) => [type, ajv.compile(JSON.parse(readFileSync(path.join(__dirname, '..', '..', eventSchemaPath(type)), 'utf8')))]));

function clientConfig() {
  const { endpoint } = deployment();
  const env = emulatorAwsEnv(endpoint);
  return { endpoint, region: env.AWS_REGION, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } };
}

const received: Received[] = [];
let sqs: SQSClient;
beforeAll(() => {
  sqs = new SQSClient(clientConfig());
});
afterAll(() => sqs.destroy());

/** Drains a queue once: every message, deleted once read. */
async function drain(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((message) => message.Body ?? ''));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle! })) }));
  }
}

async function readEvents(): Promise<void> {
  for (const body of await drain(deployment().outputs.EventQueueUrl!)) {
    received.push(deliveredEvent(body) as Received);
  }
}

/** The events matching `predicate` once `done` holds of them, and `quiet` ms more (anything extra would have come by then). */
async function eventsWhere(predicate: (event: Received) => boolean, done: (events: Received[]) => boolean, options: { timeout?: number; quiet?: number } = {}): Promise<Received[]> {
  const deadline = Date.now() + (options.timeout ?? 20_000);
  for (;;) {
    await readEvents();
    const matching = received.filter(predicate);
    if (done(matching) || Date.now() > deadline) {
      await new Promise((resolve) => setTimeout(resolve, options.quiet ?? 2_000));
      await readEvents();
      return received.filter(predicate);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const typesOf = (events: Received[]) => events.map((event) => event.detail.type).sort();
const ofUser = (userId: string) => (event: Received) => event.detail.user_id === userId;
const sidOf = (accessToken: string) => String(decodeJwt(accessToken).sid);

/** Every event read holds to its documented JSON Schema and comes from this deployment's table. */
function expectDocumented(events: Received[]): void {
  for (const event of events) {
    expect(event.source).toBe('magic-link-auth');
    expect(event.detailType).toBe(event.detail.type);
    expect(event.resources).toHaveLength(1);
    expect(event.resources[0]).toMatch(/^arn:aws:dynamodb:[^:]+:\d+:table\//);
    const valid = validate[event.detail.type]!;
    expect(valid(event.detail) ? [] : valid.errors).toEqual([]);
  }
}

describe('lifecycle events through the deployed stack, its stream, its publisher and an EventBridge rule', () => {
  it('the first sign-in of a new address makes one user.created and one user.signed_in, its request one magic_link.requested; the second sign-in only user.signed_in', async () => {
    const email = freshEmail('events');
    const first = await signIn(email);
    const firstSid = sidOf(first.accessToken);
    const events = await eventsWhere((event) => ofUser(first.userId)(event) || event.detail.session_id === firstSid, (found) => found.length >= 3);
    expect(typesOf(events)).toEqual(['magic_link.requested', 'user.created', 'user.signed_in']);
    expectDocumented(events);
    const byType = Object.fromEntries(events.map((event) => [event.detail.type, event.detail]));
    expect(byType['user.created']).toMatchObject({ user_id: first.userId, session_id: firstSid, email });
    expect(byType['user.signed_in']).toMatchObject({ user_id: first.userId, session_id: firstSid, email, method: 'link', bound: false });
    expect(byType['magic_link.requested']).toMatchObject({ session_id: firstSid, email_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(byType['magic_link.requested'])).not.toContain(email);

    const second = await signIn(email, { count: 2 });
    expect(second.userId).toBe(first.userId);
    const all = await eventsWhere(ofUser(first.userId), (found) => found.length >= 3);
    expect(typesOf(all)).toEqual(['user.created', 'user.signed_in', 'user.signed_in']);
    expect(all.filter((event) => event.detail.type === 'user.signed_in').map((event) => event.detail.session_id).sort()).toEqual([firstSid, sidOf(second.accessToken)].sort());
  });

  it('signing out everywhere makes one session.revoked per session', async () => {
    const email = freshEmail('events-everywhere');
    const sessions = [await signIn(email), await signIn(email, { count: 2 }), await signIn(email, { count: 3 })];
    expect((await call('POST', '/v1/auth/sign-out', { headers: { authorization: `Bearer ${sessions[0]!.session}` }, body: { everywhere: true } })).status).toBe(200);
    const revoked = await eventsWhere((event) => event.detail.type === 'session.revoked' && ofUser(sessions[0]!.userId)(event), (found) => found.length >= 3);
    expectDocumented(revoked);
    expect(revoked.map((event) => event.detail.session_id).sort()).toEqual(sessions.map((signedIn) => sidOf(signedIn.accessToken)).sort());
  });

  // The deployment takes 5 requests an hour for one address from one network, so the race's links are
  // written into its table as the mail function writes them (the store, the same layout).
  it('20 first sign-ins of one new address, verified at once, make exactly one user.created and 20 user.signed_in', async () => {
    const email = freshEmail('events-race');
    const tokens = await storedLinks(email, 20);
    const verified = await Promise.all(tokens.map((token) => call('POST', '/v1/auth/verify', { body: { token } })));
    expect(verified.map((response) => response.status)).toEqual(Array(20).fill(200));
    const userId = verified[0]!.body.data.user.id as string;
    const events = await eventsWhere(ofUser(userId), (found) => found.length >= 21, { quiet: 3_000 });
    expectDocumented(events);
    expect(events.filter((event) => event.detail.type === 'user.created')).toHaveLength(1);
    expect(events.filter((event) => event.detail.type === 'user.signed_in')).toHaveLength(20);
    expect(new Set(events.map((event) => event.detail.id)).size).toBe(21);
  });

  it('loses nothing while EventBridge cannot be reached: the stream retries, and every event arrives once it can', async () => {
    const lambda = new LambdaClient(clientConfig());
    try {
      const publisher = { FunctionName: await functionName('PublishEvents') };
      const { Environment, LoggingConfig } = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: publisher.FunctionName }));
      const logGroup = LoggingConfig?.LogGroup ?? `/aws/lambda/${publisher.FunctionName}`;
      const refusalsBefore = (await logGroupLines(deployment().endpoint, logGroup)).filter((line) => line.includes('ECONNREFUSED')).length;
      const variables = Environment?.Variables ?? {};
      // The SDK's endpoint for EventBridge alone, pointed at a loopback port nothing listens on: every PutEvents fails.
      await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: publisher.FunctionName, Environment: { Variables: { ...variables, AWS_ENDPOINT_URL_EVENTBRIDGE: 'http://127.0.0.1:9' } } }));
      let userId: string;
      try {
        userId = (await signIn(freshEmail('events-outage'))).userId;
        const duringOutage = await eventsWhere(ofUser(userId), () => false, { timeout: 4_000, quiet: 0 });
        expect(duringOutage).toEqual([]);
        // The publisher was invoked with them, and failed: the stream keeps them for the next try.
        expect((await logGroupLines(deployment().endpoint, logGroup)).filter((line) => line.includes('ECONNREFUSED')).length).toBeGreaterThan(refusalsBefore);
      } finally {
        await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: publisher.FunctionName, Environment: { Variables: variables } }));
      }
      const afterwards = await eventsWhere(ofUser(userId), (found) => found.length >= 2, { timeout: 30_000 });
      expect(typesOf(afterwards)).toEqual(['user.created', 'user.signed_in']);
    } finally {
      lambda.destroy();
    }
  }, 60_000);

  it('sends a change that can never be published to the dead-letter queue, and keeps publishing the rest', async () => {
    const pk = `user#poison-${process.pid}-${Date.now()}`;
    const dynamo = emulatorDynamoClient(deployment().endpoint);
    try {
      // A user item without its id: no valid user.created can be made of it.
      await dynamo.send(new PutItemCommand({ TableName: deployment().tableName, Item: { pk: { S: pk }, created_at: { N: String(Math.floor(Date.now() / 1000)) } } }));
    } finally {
      dynamo.destroy();
    }
    const letters: Record<string, unknown>[] = [];
    const deadline = Date.now() + 20_000;
    while (!letters.some((letter) => letter.pk === pk) && Date.now() < deadline) {
      letters.push(...(await drain(deployment().outputs.EventsDeadLetterQueueUrl!)).map((body) => JSON.parse(body) as Record<string, unknown>));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(letters.find((letter) => letter.pk === pk)).toMatchObject({ pk, change: 'INSERT', problem: expect.stringContaining('user_id') });
    const after = await signIn(freshEmail('events-after-poison'));
    expect(typesOf(await eventsWhere(ofUser(after.userId), (found) => found.length >= 2))).toEqual(['user.created', 'user.signed_in']);
  });
});
