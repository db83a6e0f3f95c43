import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { createHash, randomBytes } from 'node:crypto';
import { emulatorDynamoClient } from '../../scripts/local/deploy';
import { codeIn, magicLinkIn, waitForMail } from '../../scripts/local/mailbox';
import { USER_ID_SHAPE, expectError } from '../fixtures/assertions';
import { SETTINGS } from '../../lambdas/settings';
import { call, deployment, freshEmail, invokeAs } from './client';

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

/** A response as a guesser sees it, less what differs on every request (its id and time). */
function shapeOf(response: { status: number; body: { error: string; message: string; details: unknown; retry_after: unknown; doc_url: string } }) {
  const { error, message, details, retry_after, doc_url } = response.body;
  return { status: response.status, error, message, details, retry_after, doc_url, fields: Object.keys(response.body).sort() };
}

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
  it('mails a 6-digit code that signs in once (then it is a wrong code); the link is then used up too', async () => {
    const email = freshEmail('code');
    const { token, code } = await requestSignIn(email);
    expect(code).toMatch(/^[0-9]{6}$/);
    const signedIn = await verify({ email: email.toUpperCase(), code });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.data.user).toEqual({ id: expect.stringMatching(USER_ID_SHAPE), email });
    expectError(await verify({ email, code }), 'magic_link_code_invalid');
    expectError(await verify({ token }), 'magic_link_already_used');
  });

  it('keeps one live code per address: after 5 requests only the newest code signs in, the older ones answer as a wrong code and count', async () => {
    const email = freshEmail('five-codes');
    const signIns = [];
    for (let i = 0; i < 5; i++) signIns.push(await requestSignIn(email));
    expect(new Set(signIns.map((signIn) => signIn.code)).size).toBeGreaterThan(1);
    // What a wrong code looks like, from an address with no sign-in at all.
    const reference = shapeOf(await verify({ email: freshEmail('reference'), code: '000000' }));
    for (const older of signIns.slice(0, 4)) {
      if (older.code === signIns[4]!.code) continue; // the same six digits as the newest: that one is live
      expect(shapeOf(await verify({ email, code: older.code }))).toEqual(reference);
    }
    const newest = await verify({ email, code: signIns[4]!.code });
    expect(newest.status).toBe(200);
    // The older links still sign in: a link cannot be guessed.
    expect((await verify({ token: signIns[0]!.token })).status).toBe(200);
  });

  it('answers a right code that cannot sign in (another browser, used, expired) as a wrong code, and counts each', async () => {
    const email = freshEmail('not-a-hint');
    const reference = shapeOf(await verify({ email: freshEmail('reference'), code: '000000' }));
    // Expired: the main deployment's links live a minute. Waited out first, so that every entry this
    // test counts falls within seconds of the others, in one clock hour's window.
    const expiring = await requestSignIn(email);
    await new Promise((resolve) => setTimeout(resolve, 61_000));
    expect(shapeOf(await verify({ email, code: expiring.code }))).toEqual(reference);
    // Bound to a browser: the right code without its verifier, or with another.
    const browser = pkce();
    const bound = await requestSignIn(email, browser.challenge);
    expect(shapeOf(await verify({ email, code: bound.code }))).toEqual(reference);
    expect(shapeOf(await verify({ email, code: bound.code, code_verifier: pkce().verifier }))).toEqual(reference);
    // Used, by its link.
    expect((await verify({ token: bound.token, code_verifier: browser.verifier })).status).toBe(200);
    expect(shapeOf(await verify({ email, code: bound.code, code_verifier: browser.verifier }))).toEqual(reference);
    // Four entries counted: one more wrong code spends the address's budget of 5, so even a live code is refused.
    expect(shapeOf(await verify({ email, code: bound.code === '000000' ? '000001' : '000000' }))).toEqual(reference);
    const live = await requestSignIn(email);
    expectError(await verify({ email, code: live.code }), 'magic_link_code_attempts_exceeded');
    expect((await verify({ token: live.token })).status).toBe(200);
  }, 120_000);

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
    // A losing link hears that it was used; a losing code is a wrong code (counted, so past 5 the budget answers).
    responses.forEach((response, i) => {
      if (response.status === 200) return;
      if (i % 2 === 0) expectError(response, 'magic_link_already_used');
      else expect({ status: response.status, error: response.body?.error ?? response.rawBody }).toEqual({ status: expect.any(Number), error: expect.stringMatching(/^magic_link_code_(invalid|attempts_exceeded)$/) });
    });
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
  // Source networks are set by invoking the verify function directly, as API Gateway would (the
  // emulator's gateway reports every caller as 127.0.0.1).
  it("five wrong codes from one network leave the right code working from another; the address's ceiling holds across networks", async () => {
    const entry = (network: string, email: string, code: string) => invokeAs(network, 'Verify', { path: '/v1/auth/verify', body: { email, code } });
    const email = freshEmail('shared');
    const { code } = await requestSignIn(email);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const first = [];
    for (let i = 0; i < 6; i++) first.push((await entry('198.51.100.21', email, wrong)).body.error);
    expect(first).toEqual([...Array(5).fill('magic_link_code_invalid'), 'magic_link_code_attempts_exceeded']);
    // That network's share is spent: even the right code is refused from it, and works from another.
    expect((await entry('198.51.100.21', email, code)).body.error).toBe('magic_link_code_attempts_exceeded');
    expect((await entry('198.51.100.22', email, code)).status).toBe(200);

    // The ceiling: four networks' shares spend the address's 20, then a fifth network is refused too.
    const target = freshEmail('ceiling');
    const live = await requestSignIn(target);
    const other = String((Number(live.code) + 1) % 1_000_000).padStart(6, '0');
    const answers: string[] = [];
    for (const network of ['198.51.100.31', '198.51.100.32', '198.51.100.33', '198.51.100.34']) {
      for (let i = 0; i < SETTINGS.codeAttemptsPerHour.default; i++) answers.push((await entry(network, target, other)).body.error);
    }
    expect(answers).toEqual(Array(SETTINGS.inboxCodeAttemptsPerHour.default).fill('magic_link_code_invalid'));
    expect((await entry('198.51.100.35', target, live.code)).body.error).toBe('magic_link_code_attempts_exceeded');
  }, 60_000);
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
    expect(signedIn.body.data.user).toEqual({ id: expect.stringMatching(USER_ID_SHAPE), email });
  });

  it('signs in a bound sign-in by its code with the verifier; a mismatch is a wrong code that does not consume it', async () => {
    const email = freshEmail('bound-code');
    const browser = pkce();
    const { code } = await requestSignIn(email, browser.challenge);
    for (let i = 0; i < 4; i++) expectError(await verify({ email, code }), 'magic_link_code_invalid');
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

describe('wrong codes per network, across addresses (the ipLimited deployment: the default cap, spent only here)', () => {
  it('answers 30 wrong codes across 30 addresses from one network with 401 up to the cap, then 429', async () => {
    const cap = SETTINGS.ipCodeAttemptsPerHour.default;
    const hour = () => Math.floor(Date.now() / 3_600_000);
    const started = hour();
    const responses = [];
    for (let i = 0; i < 30; i++) {
      responses.push(await call('POST', '/v1/auth/verify', { body: { email: freshEmail('spread'), code: '000000' }, stack: 'ipLimited' }));
    }
    // Counters are per clock hour: a run that crossed one would count from zero again mid-way.
    expect(hour()).toBe(started);
    responses.slice(0, cap).forEach((response) => expectError(response, 'magic_link_code_invalid'));
    responses.slice(cap).forEach((response) => expectError(response, 'magic_link_code_ip_limit_exceeded'));
    expect(responses.slice(cap)[0]!.headers['retry-after']).toBe('3600');
  });
});
