import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { emulatorDynamoClient } from '../../scripts/local/deploy';
import { mailTo, waitForMail } from '../../scripts/local/mailbox';
import { expectCommonHeaders } from '../fixtures/assertions';
import { call, deployment, freshEmail } from './client';

describe('the deployment\'s hourly mail budget (3 in this deployment)', () => {
  it('mails 3 addresses, then answers 503 magic_link_capacity_exceeded for the rest of the hour, writing and sending nothing', async () => {
    const addresses = Array.from({ length: 5 }, (_, i) => freshEmail(`budget${i}`));
    const responses = [];
    for (const email of addresses) responses.push(await call('POST', '/v1/auth/magic-link', { body: { email }, stack: 'budget' }));
    expect(responses.map((response) => response.status)).toEqual([202, 202, 202, 503, 503]);

    const refused = responses[3]!;
    expectCommonHeaders(refused);
    expect(refused.body).toMatchObject({ success: false, error: 'magic_link_capacity_exceeded', message: 'The service has sent as many sign-in emails as it may this hour.' });
    const left = 3600 - (Math.floor(Date.now() / 1000) % 3600);
    expect(refused.body.retry_after).toBeGreaterThan(0);
    expect(Math.abs(refused.body.retry_after - left)).toBeLessThanOrEqual(5);
    expect(refused.headers['retry-after']).toBe(String(refused.body.retry_after));

    const { endpoint, tableName } = deployment('budget');
    for (const email of addresses.slice(0, 3)) expect(await waitForMail(endpoint, email)).toHaveLength(1);
    for (const email of addresses.slice(3)) expect(await mailTo(endpoint, email)).toEqual([]);
    const client = emulatorDynamoClient(endpoint);
    try {
      const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName, FilterExpression: 'begins_with(pk, :signin)', ExpressionAttributeValues: { ':signin': { S: 'signin#' } } }));
      expect(Items).toHaveLength(3);
    } finally {
      client.destroy();
    }
  });
});
