import { deployToEmulator } from '../../scripts/local/deploy';
import { codeIn, magicLinkIn, mailTo, waitForMail } from '../../scripts/local/mailbox';
import { call, deployment } from './client';
import { SIGN_IN_HOOK_KEY, TEST_STACKS } from './settings';

/**
 * Who may sign in, through the deployed `policy` stack: allowed domains `example.com` and
 * `later-refused.test`, and the suite's `beforeSignIn` function (its answer depends on the address's
 * local part: `test/integration/sign-in-hook/handler/index.mjs`) with a 1 s timeout, failing closed.
 */
const stack = 'policy' as const;
jest.setTimeout(180_000);

let sequence = 0;
/** An address nobody has used, with `label` in its local part (which the hook reads), at `domain`. */
const address = (label: string, domain = 'example.com') => `${label}.${process.pid}.${Date.now()}.${++sequence}@${domain}`;
const request = (email: string) => call('POST', '/v1/auth/magic-link', { body: { email }, stack });
const verify = (body: object) => call('POST', '/v1/auth/verify', { body, stack });
const mailbox = () => deployment(stack).endpoint;

/** Waits long enough for a mail the API would have sent to be in the mailbox, then reads it. */
async function mailAfterAllowedOne(email: string): Promise<unknown[]> {
  // A request that mails, made after: once its mail is there, the earlier one's would be too.
  const allowed = address('allowed');
  expect((await request(allowed)).status).toBe(202);
  await waitForMail(mailbox(), allowed);
  return mailTo(mailbox(), email);
}

describe('who may sign in, through the deployed stack', () => {
  it('answers an address outside allowedEmailDomains with the same 202 and mails it nothing', async () => {
    const outside = address('outsider', 'elsewhere.test');
    const inside = address('insider');
    const refused = await request(outside);
    const allowed = await request(inside);
    expect(refused.status).toBe(202);
    expect(refused.body.data).toEqual(allowed.body.data);
    expect(Object.keys(refused.body)).toEqual(Object.keys(allowed.body));
    expect(await waitForMail(mailbox(), inside)).toHaveLength(1);
    expect(await mailAfterAllowedOne(outside)).toEqual([]);
  });

  it('mails an address the beforeSignIn function allows, and signs it in', async () => {
    const email = address('welcome');
    expect((await request(email)).status).toBe(202);
    const [mail] = await waitForMail(mailbox(), email);
    const signedIn = await verify({ token: magicLinkIn(mail!)!.token });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.data.user.email).toBe(email);
  });

  it.each([
    ['refuses', 'refuse'],
    ['throws', 'throw'],
    ['answers another shape', 'malformed'],
    ['answers after the 1 s timeout', 'slow'],
  ])('answers 202 and mails nothing when the function %s (beforeSignInOnError: refuse)', async (_case, label) => {
    const email = address(label);
    const started = Date.now();
    const response = await request(email);
    expect(response.status).toBe(202);
    expect(response.body.data).toEqual({ expires_in: 900 });
    // The slow function answers after 4 s; the request did not wait for it.
    if (label === 'slow') expect(Date.now() - started).toBeLessThan(3500);
    expect(await mailAfterAllowedOne(email)).toEqual([]);
  });

  it('refuses at verify, by link and by code, an address the function refuses after its mail was sent', async () => {
    const email = address('onverify');
    expect((await request(email)).status).toBe(202);
    const [mail] = await waitForMail(mailbox(), email);
    const byCode = await verify({ email, code: codeIn(mail!) });
    expect(byCode.status).toBe(403);
    expect(byCode.body.error).toBe('sign_in_not_allowed');
    const byLink = await verify({ token: magicLinkIn(mail!)!.token });
    expect(byLink.status).toBe(403);
    expect(byLink.body.error).toBe('sign_in_not_allowed');
    // The link's sign-in was ended: it is used, and no session came of it.
    expect((await verify({ token: magicLinkIn(mail!)!.token })).body.error).toBe('magic_link_already_used');
  });

  // Last: it narrows the deployment's domains for good.
  it('does not sign in, by a link mailed before allowedEmailDomains narrowed, an address it no longer admits', async () => {
    const email = address('invited', 'later-refused.test');
    expect((await request(email)).status).toBe(202);
    const [mail] = await waitForMail(mailbox(), email);

    const { apiId, endpoint } = deployment(stack);
    const { stackName, context } = TEST_STACKS[stack];
    await deployToEmulator({ endpoint, stackName, context: { ...context, allowedEmailDomains: 'example.com', beforeSignInFunctionArn: process.env[SIGN_IN_HOOK_KEY]! }, apiId, bootstrap: false });

    const refused = await verify({ token: magicLinkIn(mail!)!.token });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ success: false, error: 'sign_in_not_allowed', message: 'This address may not sign in here.' });
    // A new request for it is answered as before, and mailed nothing.
    const again = await request(email);
    expect(again.status).toBe(202);
    expect(await mailAfterAllowedOne(email)).toHaveLength(1);
  });
});
