import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createHash } from 'node:crypto';
import { emulatorDynamoClient } from '../../scripts/local/deploy';
import { mailTo } from '../../scripts/local/mailbox';
import { expectError } from '../fixtures/assertions';
import { call, deployment, freshEmail } from './client';

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
  it('answers 502, gives every count back and leaves no link or code that could sign in', async () => {
    const email = freshEmail('refused');
    const emailHash = createHash('sha256').update(email).digest('hex');
    for (let i = 0; i < 6; i++) {
      // More attempts than the address limit (5): each is given back, so none is ever refused for it.
      expectError(await call('POST', '/v1/auth/magic-link', { body: { email }, stack: 'unverified' }), 'email_delivery_failed');
    }
    const stored = await items();
    const counters = stored.filter((item) => String(item.pk).startsWith('rl#'));
    expect(counters.length).toBeGreaterThan(0);
    expect(counters.map((item) => item.cnt)).toEqual(counters.map(() => 0));
    expect(stored.filter((item) => item.user_hash === emailHash)).toEqual([]);
    expect(stored.filter((item) => String(item.pk).startsWith('signin#') || String(item.pk).startsWith('code#'))).toEqual([]);
    expect(await mailTo(deployment('unverified').endpoint, email)).toEqual([]);
  });
});
