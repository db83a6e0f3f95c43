import { magicLinkIn, waitForMail } from '../../scripts/local/mailbox';
import { expectError } from '../fixtures/assertions';
import { call, deployment, freshEmail } from './client';

async function requestLink(email: string): Promise<string> {
  const response = await call('POST', '/v1/auth/magic-link', { body: { email } });
  expect(response.status).toBe(202);
  const mails = await waitForMail(deployment().endpoint, email);
  return magicLinkIn(mails[mails.length - 1]!)!.token;
}

describe('single use', () => {
  it('answers magic_link_already_used on the second verify', async () => {
    const token = await requestLink(freshEmail('twice'));
    expect((await call('POST', '/v1/auth/verify', { body: { token } })).status).toBe(200);
    expectError(await call('POST', '/v1/auth/verify', { body: { token } }), 'magic_link_already_used');
  });

  it('answers magic_link_not_found for a well-formed token nobody issued', async () => {
    expectError(await call('POST', '/v1/auth/verify', { body: { token: 'A'.repeat(43) } }), 'magic_link_not_found');
  });

  it('signs in exactly once when 50 verifies of one token race', async () => {
    const token = await requestLink(freshEmail('race'));
    const responses = await Promise.all(Array.from({ length: 50 }, () => call('POST', '/v1/auth/verify', { body: { token } })));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    const refused = responses.filter((response) => response.status !== 200);
    expect(refused).toHaveLength(49);
    for (const response of refused) expectError(response, 'magic_link_already_used');
  });
});
