import { DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createHash, randomBytes } from 'node:crypto';
import { emulatorDynamoClient } from '../../scripts/local/deploy';
import { magicLinkIn, waitForMail } from '../../scripts/local/mailbox';
import { call, deployment, freshEmail } from './client';

const sha = (value: string) => createHash('sha256').update(value).digest('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

function table() {
  const { endpoint } = deployment();
  const client = emulatorDynamoClient(endpoint);
  return { client, doc: DynamoDBDocumentClient.from(client) };
}

describe('expiry and TTL', () => {
  const { client, doc } = table();
  afterAll(() => client.destroy());

  it('has TTL enabled on the `ttl` attribute after deploy', async () => {
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: deployment().tableName }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });
  });

  it('answers magic_link_expired once the link outlives its lifetime (60 s in this deployment)', async () => {
    const email = freshEmail('late');
    expect((await call('POST', '/v1/auth/magic-link', { body: { email } })).status).toBe(202);
    const token = magicLinkIn((await waitForMail(deployment().endpoint, email))[0]!)!.token;
    await new Promise((resolve) => setTimeout(resolve, 62_000));
    const response = await call('POST', '/v1/auth/verify', { body: { token } });
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('magic_link_expired');
  }, 90_000);

  it('does not treat items past their TTL as live before the reaper deletes them', async () => {
    // Records as the service writes them, but whose TTL passed an hour ago: DynamoDB (and the
    // emulator) may keep returning them until its background deletion gets to them.
    const linkToken = randomBytes(32).toString('base64url');
    const sessionId = randomBytes(32).toString('base64url');
    const sessionSecret = randomBytes(32).toString('base64url');
    const past = nowSeconds() - 3600;
    await doc.send(new PutCommand({
      TableName: deployment().tableName,
      Item: { pk: `signin#${sha(linkToken)}`, email: 'ttl@example.com', link_expires_at: past, created_at: past - 900, ttl: past },
    }));
    await doc.send(new PutCommand({
      TableName: deployment().tableName,
      Item: { pk: `signin#${sessionId}`, email: 'ttl@example.com', link_expires_at: past - 600, used_at: past - 700, session_hash: sha(sessionSecret), session_expires_at: past, ttl: past },
    }));

    const verify = await call('POST', '/v1/auth/verify', { body: { token: linkToken } });
    expect(verify.status).toBe(401);
    expect(verify.body.error).toBe('magic_link_expired');
    const session = await call('GET', '/v1/auth/session', { headers: { authorization: `Bearer ${sessionId}.${sessionSecret}` } });
    expect(session.status).toBe(401);
    expect(session.body.error).toBe('session_invalid');
  });
});
