import { magicLinkIn, waitForMail } from '../../scripts/local/mailbox';
import { call, deployment, freshEmail } from './client';

describe('the whole sign-in, through the emulator\'s API Gateway', () => {
  it('mails a working link, verifies it once, serves the session and signs out', async () => {
    const email = freshEmail('ada');
    const requested = await call('POST', '/v1/auth/magic-link', { body: { email: email.toUpperCase() } });
    expect(requested.status).toBe(202);
    expect(requested.body).toMatchObject({ success: true, data: { expires_in: 60 } });
    expect(requested.headers['x-request-id']).toBe(requested.body.request_id);

    const [mail] = await waitForMail(deployment().endpoint, email);
    expect(mail).toBeDefined();
    expect(mail!.subject).toBe('Your sign-in link');
    const link = magicLinkIn(mail!);
    expect(link?.url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/sign-in#token=/);

    const verified = await call('POST', '/v1/auth/verify', { body: { token: link!.token } });
    expect(verified.status).toBe(200);
    expect(verified.body.data.user).toEqual({ email });
    const session = verified.body.data.session.token as string;
    const auth = { authorization: `Bearer ${session}` };

    const current = await call('GET', '/v1/auth/session', { headers: auth });
    expect(current.status).toBe(200);
    expect(current.body.data).toEqual({ user: { email }, expires_at: verified.body.data.session.expires_at });

    const signedOut = await call('POST', '/v1/auth/sign-out', { headers: auth });
    expect(signedOut.status).toBe(200);

    const after = await call('GET', '/v1/auth/session', { headers: auth });
    expect(after.status).toBe(401);
    expect(after.body.error).toBe('session_invalid');
  });
});
