import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { createHash, randomBytes } from 'node:crypto';
import { emulatorDynamoClient } from '../../scripts/local/deploy';
import { codeIn, magicLinkIn, waitForMail } from '../../scripts/local/mailbox';
import { expectError } from '../fixtures/assertions';
import { call, deployment, freshEmail } from './client';

/** A fresh RFC 7636 pair, as a browser would make it. */
function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Requests a sign-in and returns the link's token and the code from the mail that arrived for it. */
async function requestSignIn(email: string, challenge?: string): Promise<{ token: string; code: string }> {
  const before = (await waitForMail(deployment().endpoint, email, 0)).length;
  const response = await call('POST', '/v1/auth/magic-link', { body: { email, ...(challenge ? { code_challenge: challenge } : {}) } });
  expect(response.status).toBe(202);
  const mails = await waitForMail(deployment().endpoint, email, before + 1);
  const mail = mails[mails.length - 1]!;
  return { token: magicLinkIn(mail)!.token, code: codeIn(mail)! };
}

const verify = (body: object) => call('POST', '/v1/auth/verify', { body });

/** All items of the deployment's table (a copy of the table, as an attacker who took one would have it). */
async function tableCopy(): Promise<string> {
  const { endpoint, tableName } = deployment();
  const client = emulatorDynamoClient(endpoint);
  try {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName }));
    return JSON.stringify(Items);
  } finally {
    client.destroy();
  }
}

describe('the one-time code in the same email', () => {
  it('mails a 6-digit code that signs in once; the link is then used up too', async () => {
    const email = freshEmail('code');
    const { token, code } = await requestSignIn(email);
    expect(code).toMatch(/^[0-9]{6}$/);
    const signedIn = await verify({ email: email.toUpperCase(), code });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.data.user).toEqual({ email });
    expectError(await verify({ email, code }), 'magic_link_already_used');
    expectError(await verify({ token }), 'magic_link_already_used');
  });

  it('answers the same for a wrong code to a known address and any code to an unknown one', async () => {
    const email = freshEmail('known');
    const { code } = await requestSignIn(email);
    const wrong = code === '000000' ? '000001' : '000000';
    expectError(await verify({ email, code: wrong }), 'magic_link_code_invalid');
    expectError(await verify({ email: freshEmail('never-seen'), code: wrong }), 'magic_link_code_invalid');
  });

  it('has one winner when 50 verifies by link and 50 by code race for the same sign-in', async () => {
    const email = freshEmail('race');
    const { token, code } = await requestSignIn(email);
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? verify({ token }) : verify({ email, code }))),
    );
    expect(responses.filter((response) => response.status === 200)).toHaveLength(1);
    const refused = responses.filter((response) => response.status !== 200);
    expect(refused).toHaveLength(99);
    for (const response of refused) expectError(response, 'magic_link_already_used');
  });

  it('allows exactly 5 wrong codes under 100 parallel guesses; then even the right code is refused, and the link still signs in', async () => {
    const email = freshEmail('guess');
    const { token, code } = await requestSignIn(email);
    const guesses = Array.from({ length: 100 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
    const responses = await Promise.all(guesses.map((guess) => verify({ email, code: guess })));
    const invalid = responses.filter((response) => response.body?.error === 'magic_link_code_invalid');
    const exceeded = responses.filter((response) => response.body?.error === 'magic_link_code_attempts_exceeded');
    expect([invalid.length, exceeded.length]).toEqual([5, 95]);
    for (const response of invalid) expectError(response, 'magic_link_code_invalid');
    for (const response of exceeded) expectError(response, 'magic_link_code_attempts_exceeded');

    expectError(await verify({ email, code }), 'magic_link_code_attempts_exceeded');
    // A new link does not reset the count...
    const second = await requestSignIn(email);
    expectError(await verify({ email, code: second.code }), 'magic_link_code_attempts_exceeded');
    // ...and links keep working.
    expect((await verify({ token })).status).toBe(200);
  });
});

describe('links bound to the browser that asked (code_challenge)', () => {
  it('refuses a bound link without the verifier (403), leaves it usable, and signs in with it', async () => {
    const email = freshEmail('bound');
    const browser = pkce();
    const { token } = await requestSignIn(email, browser.challenge);
    expectError(await verify({ token }), 'magic_link_device_mismatch');
    expectError(await verify({ token, code_verifier: pkce().verifier }), 'magic_link_device_mismatch');
    const signedIn = await verify({ token, code_verifier: browser.verifier });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.data.user).toEqual({ email });
  });

  it('signs in a bound sign-in by its code with the verifier; a mismatch neither consumes it nor counts as a wrong code', async () => {
    const email = freshEmail('bound-code');
    const browser = pkce();
    const { code } = await requestSignIn(email, browser.challenge);
    for (let i = 0; i < 6; i++) expectError(await verify({ email, code }), 'magic_link_device_mismatch');
    const signedIn = await verify({ email, code, code_verifier: browser.verifier });
    expect(signedIn.status).toBe(200);
  });

  it('keeps no working link and no live code in the table: only hashes', async () => {
    const email = freshEmail('at-rest');
    const browser = pkce();
    const { token, code } = await requestSignIn(email, browser.challenge);
    const copy = await tableCopy();
    expect(copy).not.toContain(token);
    expect(copy).not.toContain(browser.verifier);
    expect(copy).not.toMatch(new RegExp(`"${code}"`));
    expect(copy).toContain(createHash('sha256').update(token).digest('base64url'));
  });
});
