import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createHash } from 'node:crypto';
import { emulatorDynamoClient } from '../../scripts/local/deploy';
import { mailTo } from '../../scripts/local/mailbox';
import { expectError } from '../fixtures/assertions';
import { call, deployment, freshEmail, invokeAs } from './client';

/** Everything in the `unverified` deployment's table. */
async function items(): Promise<Record<string, unknown>[]> {
  const { endpoint, tableName } = deployment('unverified');
  const client = emulatorDynamoClient(endpoint);
  try {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
    return Items.map((item) => unmarshall(item));
  } finally {
    client.destroy();
  }
}

describe('a failed send undoes itself (SES really refuses this deployment\'s sender)', () => {
  it("answers 502, gives the address's counts back (the network's stay spent) and leaves no link or code that could sign in", async () => {
    const email = freshEmail('refused');
    const emailHash = createHash('sha256').update(email).digest('hex');
    for (let i = 0; i < 6; i++) {
      // More attempts than the address limit (5): each is given back, so none is ever refused for it.
      expectError(await call('POST', '/v1/auth/magic-link', { body: { email }, stack: 'unverified' }), 'email_delivery_failed');
    }
    const stored = await items();
    const counters = stored.filter((item) => String(item.pk).startsWith('rl#'));
    const networkOrBudget = (item: Record<string, unknown>) => /^rl#(ip|mail)#/.test(String(item.pk));
    expect(counters.filter((item) => !networkOrBudget(item)).map((item) => item.cnt)).toEqual(counters.filter((item) => !networkOrBudget(item)).map(() => 0));
    expect(counters.filter((item) => String(item.pk).startsWith('rl#ip#')).map((item) => item.cnt)).toEqual([6]);
    expect(stored.filter((item) => item.user_hash === emailHash)).toEqual([]);
    expect(stored.filter((item) => String(item.pk).startsWith('signin#') || String(item.pk).startsWith('code#'))).toEqual([]);
    expect(await mailTo(deployment('unverified').endpoint, email)).toEqual([]);
  });

  // The emulator reports every caller as 127.0.0.1; the function is invoked directly, as API Gateway
  // would with another source address, so this network's count is its own.
  it('with SES refusing, 60 requests from one network stop at its limit (50 sends tried, then 429)', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 60; i++) {
      codes.push((await invokeAs('198.51.100.60', 'RequestMagicLink', { path: '/v1/auth/magic-link', body: { email: freshEmail(`network-${i}`) } }, 'unverified')).body.error);
    }
    expect(codes.slice(0, 50)).toEqual(Array(50).fill('email_delivery_failed'));
    expect(codes.slice(50)).toEqual(Array(10).fill('magic_link_ip_limit_exceeded'));
  }, 120_000);
});
