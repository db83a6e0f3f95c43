import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { emulatorDynamoClient } from '../../scripts/local/deploy';
import { mailTo, waitForMail } from '../../scripts/local/mailbox';
import { expectError } from '../fixtures/assertions';
import { call, deployment, freshEmail } from './client';
import type { TestStack } from './settings';

const requestLink = (email: string, stack: TestStack = 'main') => call('POST', '/v1/auth/magic-link', { body: { email }, stack });

/** The rate-limit counters in a deployment's table, by key. */
async function counters(stack: TestStack): Promise<Map<string, number>> {
  const { endpoint, tableName } = deployment(stack);
  const client = emulatorDynamoClient(endpoint);
  try {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName, FilterExpression: 'begins_with(pk, :rl)', ExpressionAttributeValues: { ':rl': { S: 'rl#' } } }));
    return new Map(Items.map((item) => [item.pk!.S!, Number(item.cnt!.N)]));
  } finally {
    client.destroy();
  }
}

describe('rate limits', () => {
  it('allows 5 requests per address per hour, then magic_link_email_limit_exceeded', async () => {
    const email = freshEmail('five');
    for (let i = 0; i < 5; i++) expect((await requestLink(email)).status).toBe(202);
    const refused = await requestLink(email);
    expectError(refused, 'magic_link_email_limit_exceeded');
    expect(refused.body.message).toBe('Too many magic link requests for this email address.');
    expect(await waitForMail(deployment().endpoint, email, 5)).toHaveLength(5);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await mailTo(deployment().endpoint, email)).toHaveLength(5);
  });

  it('counts a +tag as its base inbox: once victim@ has spent its requests, victim+1@ is refused too, and the mail went to the exact addresses typed', async () => {
    const base = freshEmail('victim');
    const tagged = base.replace('@', '+1@');
    for (let i = 0; i < 4; i++) expect((await requestLink(base)).status).toBe(202);
    expect((await requestLink(tagged)).status).toBe(202);
    expectError(await requestLink(tagged), 'magic_link_email_limit_exceeded');
    expectError(await requestLink(base.replace('@', '+2@')), 'magic_link_email_limit_exceeded');
    expect(await waitForMail(deployment().endpoint, tagged, 1)).toHaveLength(1);
    expect(await waitForMail(deployment().endpoint, base, 4)).toHaveLength(4);
  });

  it('allows 3 requests per IP (in the ipLimited deployment), then magic_link_ip_limit_exceeded, using no address quota', async () => {
    for (let i = 0; i < 3; i++) expect((await requestLink(freshEmail('ip'), 'ipLimited')).status).toBe(202);
    const victim = freshEmail('untouched');
    for (let i = 0; i < 3; i++) {
      const refused = await requestLink(victim, 'ipLimited');
      expectError(refused, 'magic_link_ip_limit_exceeded');
      expect(refused.body.message).toBe('Too many magic link requests from this IP.');
    }
    expect(await mailTo(deployment('ipLimited').endpoint, victim)).toHaveLength(0);
    const stored = await counters('ipLimited');
    // Address counters are keyed with the deployment's secret, so count them: one inbox counter and one
    // network-and-address counter for each of the 3 addresses mailed, none for the refused victim.
    const countsOf = (prefix: string) => [...stored.entries()].filter(([key]) => key.startsWith(prefix)).map(([, count]) => count);
    expect(countsOf('rl#inbox#')).toEqual([1, 1, 1]);
    expect(countsOf('rl#email#')).toEqual([1, 1, 1]);
    expect(countsOf('rl#ip#')).toEqual([3]);
  });

  it('is exact under concurrency: 50 parallel requests for one address give 5 × 202, 45 × 429 and 5 emails', async () => {
    const email = freshEmail('burst');
    const responses = await Promise.all(Array.from({ length: 50 }, () => requestLink(email)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(5);
    const refused = responses.filter((response) => response.status === 429);
    expect(refused).toHaveLength(45);
    for (const response of refused) expectError(response, 'magic_link_email_limit_exceeded');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await mailTo(deployment().endpoint, email)).toHaveLength(5);
  });
});
