import { magicLinkIn, waitForMail } from '../../scripts/local/mailbox';
import { USER_ID_SHAPE } from '../fixtures/assertions';
import { DEFAULT_APP_NAME } from '../../lib/magic-link-auth-stack';
import { call, deployment, freshEmail, storedLinks } from './client';
import { TEST_STACKS } from './settings';

describe('the whole sign-in, through the emulator\'s API Gateway', () => {
  it('mails a working link, verifies it once, serves the session and signs out', async () => {
    const email = freshEmail('ada');
    const requested = await call('POST', '/v1/auth/magic-link', { body: { email: email.toUpperCase() } });
    expect(requested.status).toBe(202);
    expect(requested.body).toMatchObject({ success: true, data: { expires_in: 60 } });
    expect(requested.headers['x-request-id']).toBe(requested.body.request_id);

    const [mail] = await waitForMail(deployment().endpoint, email);
    expect(mail).toBeDefined();
    // Says who is asking: the deployment's appName.
    expect(mail!.subject).toBe(`Sign in to ${(TEST_STACKS.main.context as { appName?: string }).appName ?? DEFAULT_APP_NAME}`);
    const link = magicLinkIn(mail!);
    expect(link?.url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/sign-in#token=/);

    const verified = await call('POST', '/v1/auth/verify', { body: { token: link!.token } });
    expect(verified.status).toBe(200);
    expect(verified.body.data.user).toEqual({ id: expect.stringMatching(USER_ID_SHAPE), email });
    const session = verified.body.data.session.token as string;
    const auth = { authorization: `Bearer ${session}` };

    const current = await call('GET', '/v1/auth/session', { headers: auth });
    expect(current.status).toBe(200);
    expect(current.body.data).toEqual({ user: verified.body.data.user, expires_at: verified.body.data.session.expires_at });

    const signedOut = await call('POST', '/v1/auth/sign-out', { headers: auth });
    expect(signedOut.status).toBe(200);

    const after = await call('GET', '/v1/auth/session', { headers: auth });
    expect(after.status).toBe(401);
    expect(after.body.error).toBe('session_invalid');
  });

  // 50 links of one address would take 50 requests, and this deployment takes 5 an hour for one address
  // from one network (emailLimitPerHour): 5 first sign-ins at once here; DynamoDB Local races 50 (test/store).
  it("gives an address's first sign-ins, verified at once, one user id, which each session and a later address's other id show", async () => {
    const email = freshEmail('first-race');
    for (let i = 0; i < 5; i++) expect((await call('POST', '/v1/auth/magic-link', { body: { email } })).status).toBe(202);
    const mails = await waitForMail(deployment().endpoint, email, 5);
    const tokens = mails.map((mail) => magicLinkIn(mail)!.token);
    expect(new Set(tokens).size).toBe(5);

    const verified = await Promise.all(tokens.map((token) => call('POST', '/v1/auth/verify', { body: { token } })));
    expect(verified.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    const ids = new Set(verified.map((response) => response.body.data.user.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    expect(id).toMatch(USER_ID_SHAPE);
    for (const response of verified) {
      const current = await call('GET', '/v1/auth/session', { headers: { authorization: `Bearer ${response.body.data.session.token}` } });
      expect(current.body.data.user).toEqual({ id, email });
    }

    const other = freshEmail('first-race-other');
    await call('POST', '/v1/auth/magic-link', { body: { email: other } });
    const [mail] = await waitForMail(deployment().endpoint, other);
    const theirs = await call('POST', '/v1/auth/verify', { body: { token: magicLinkIn(mail!)!.token } });
    expect(theirs.body.data.user).toEqual({ id: expect.stringMatching(USER_ID_SHAPE), email: other });
    expect(theirs.body.data.user.id).not.toBe(id);
  });

  // The deployment takes 5 requests an hour for one address from one network, so the other links of this
  // race are written into its table as the mail function writes them (the store, the same layout).
  it("gives 50 first sign-ins of one new address, verified at once through the gateway, one user id, and a later sign-in the same", async () => {
    const email = freshEmail('fifty');
    const tokens = await storedLinks(email, 50);
    const verified = await Promise.all(tokens.map((token) => call('POST', '/v1/auth/verify', { body: { token } })));
    expect(verified.map((response) => response.status)).toEqual(Array(50).fill(200));
    const ids = new Set(verified.map((response) => response.body.data.user.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    expect(id).toMatch(USER_ID_SHAPE);
    // A sign-in through the mail afterwards is the same user.
    expect((await call('POST', '/v1/auth/magic-link', { body: { email } })).status).toBe(202);
    const [mail] = await waitForMail(deployment().endpoint, email);
    const later = await call('POST', '/v1/auth/verify', { body: { token: magicLinkIn(mail!)!.token } });
    expect(later.body.data.user).toEqual({ id, email });
  });
});
