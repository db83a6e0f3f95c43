import { codeIn, magicLinkIn, waitForMail } from '../../scripts/local/mailbox';
import { expectError } from '../fixtures/assertions';
import { call, deployment, freshEmail } from './client';

async function session(email: string, count: number): Promise<string> {
  expect((await call('POST', '/v1/auth/magic-link', { body: { email } })).status).toBe(202);
  const mails = await waitForMail(deployment().endpoint, email, count);
  const verified = await call('POST', '/v1/auth/verify', { body: { token: magicLinkIn(mails[count - 1]!)!.token } });
  expect(verified.status).toBe(200);
  return verified.body.data.session.token as string;
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('signing out everywhere, through the deployed stack', () => {
  it('revokes every session of the address at once, and no one else\'s', async () => {
    const email = freshEmail('everywhere');
    const laptop = await session(email, 1);
    const phone = await session(email, 2);
    const tablet = await session(email, 3);
    const someoneElse = await session(freshEmail('bystander'), 1);

    const signedOut = await call('POST', '/v1/auth/sign-out', { headers: bearer(laptop), body: { everywhere: true } });
    expect(signedOut.status).toBe(200);
    expect(signedOut.body.data).toEqual({ signed_out: true });
    for (const token of [laptop, phone, tablet]) expectError(await call('GET', '/v1/auth/session', { headers: bearer(token) }), 'session_invalid');
    expect((await call('GET', '/v1/auth/session', { headers: bearer(someoneElse) })).status).toBe(200);
    // The revoked sessions cannot do it again.
    expectError(await call('POST', '/v1/auth/sign-out', { headers: bearer(phone), body: { everywhere: true } }), 'session_invalid');
  });

  it('also ends the sign-ins mailed but not yet used: their link and their code no longer sign in, and a link asked for afterwards does', async () => {
    const email = freshEmail('pending');
    const owner = await session(email, 1);
    // Mailed earlier, not yet used: what someone who read the mailbox would hold.
    expect((await call('POST', '/v1/auth/magic-link', { body: { email } })).status).toBe(202);
    const pending = (await waitForMail(deployment().endpoint, email, 2))[1]!;
    expect((await call('POST', '/v1/auth/sign-out', { headers: bearer(owner), body: { everywhere: true } })).status).toBe(200);
    expectError(await call('POST', '/v1/auth/verify', { body: { email, code: codeIn(pending)! } }), 'magic_link_code_invalid');
    expectError(await call('POST', '/v1/auth/verify', { body: { token: magicLinkIn(pending)!.token } }), 'magic_link_expired');
    // The owner signs back in with a new link.
    const again = await session(email, 3);
    expect((await call('GET', '/v1/auth/session', { headers: bearer(again) })).status).toBe(200);
  });

  it('without a body signs out only this session, as before', async () => {
    const email = freshEmail('one-device');
    const first = await session(email, 1);
    const second = await session(email, 2);
    expect((await call('POST', '/v1/auth/sign-out', { headers: bearer(first) })).status).toBe(200);
    expectError(await call('GET', '/v1/auth/session', { headers: bearer(first) }), 'session_invalid');
    expect((await call('GET', '/v1/auth/session', { headers: bearer(second) })).status).toBe(200);
  });
});
