import type { Browser, Request } from 'playwright-core';
import { codeIn, mailTo, waitForMail } from '../../scripts/local/mailbox';
import { solve } from '../fixtures/proof-of-work';
import { expectVisible, launchChromium } from './browser';
import { call, deployment, freshEmail, invokeAs } from './client';

/**
 * The mail budget under pressure, through the deployed `pressure` stack (40 an hour: 10 kept for
 * returning addresses, a proof of work once 10 are spent, 2 for any one network). The emulator reports
 * every HTTP caller as 127.0.0.1, so the flood's networks are set by invoking the function directly,
 * as API Gateway would with other source addresses. The steps run in order: each leaves the hour's
 * budget where the next needs it.
 */
jest.setTimeout(180_000);

const STACK = 'pressure' as const;
const PATH = '/v1/auth/magic-link';
let networks = 0;
/** A network of its own (a /32), never used before in this file. */
const network = () => `198.18.${Math.floor(++networks / 250)}.${networks % 250}`;

/** A solved challenge from the deployment's challenge route. */
async function proof(): Promise<ReturnType<typeof solve>> {
  const issued = await call('GET', '/v1/auth/challenge', { stack: STACK });
  expect(issued.status).toBe(200);
  expect(issued.body.data).toMatchObject({ algorithm: 'SHA-256', maxnumber: 100_000 });
  return solve(issued.body.data);
}

const ask = (email: string, from: string, extra: object = {}) => invokeAs(from, 'RequestMagicLink', { path: PATH, body: { email, ...extra } }, STACK);
const endpoint = () => deployment(STACK).endpoint;
/** An answer as a caller can compare it: all but the request's own id and time. */
const comparable = ({ status, body }: { status: number; body: Record<string, unknown> }) => ({ status, body: { ...body, request_id: undefined, timestamp: undefined } });

describe('the mail budget under pressure (40 an hour: 10 for returning addresses, a proof of work past 10, 2 a network)', () => {
  const returning = freshEmail('returning');
  let browser: Browser | undefined;
  afterAll(async () => browser?.close());

  it('a person signs in before any pressure: a returning address from then on', async () => {
    expect((await ask(returning, network())).status).toBe(202);
    const [mail] = await waitForMail(endpoint(), returning);
    const verified = await call('POST', '/v1/auth/verify', { body: { email: returning, code: codeIn(mail!) }, stack: STACK });
    expect(verified.status).toBe(200);
  });

  it('past the threshold, a request without a solved challenge gets magic_link_challenge_required, a returning address exactly as a new one', async () => {
    // The first 10 mails of the hour need no proof, one a shard (the sign-in above took one): spend the
    // rest. A request tries three shards, so some are asked for a proof before every shard's part is spent.
    const answers: number[] = [];
    for (let i = 0; answers.filter((status) => status === 202).length < 9 && i < 200; i++) answers.push((await ask(freshEmail(`open${i}`), network())).status);
    expect(answers.filter((status) => status === 202)).toHaveLength(9);
    expect(answers.filter((status) => status !== 202 && status !== 428)).toEqual([]);

    const fresh = await ask(freshEmail('bare'), network());
    const known = await ask(returning, network());
    expect(fresh).toMatchObject({ status: 428, body: { success: false, error: 'magic_link_challenge_required', retry_after: null, message: expect.stringContaining('GET /v1/auth/challenge') } });
    expect(comparable(known)).toEqual(comparable(fresh));
  });

  it('the hosted page signs a new person in under pressure, solving the challenge without them doing anything', async () => {
    browser = await launchChromium();
    const page = await (await browser.newContext()).newPage();
    const email = freshEmail('page');
    let challenged = 0;
    let retried: Request | undefined;
    let retriedAt = 0;
    page.on('response', (response) => {
      if (response.url().endsWith('/v1/auth/challenge')) challenged = Date.now();
    });
    page.on('request', (request) => {
      if (request.method() !== 'POST' || !request.url().endsWith(PATH) || challenged === 0 || retried) return;
      retried = request;
      retriedAt = Date.now();
    });
    const started = Date.now();
    await page.goto(`${deployment(STACK).apiBaseUrl}/sign-in`);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await expectVisible(page, 'h1', 'Check your email');
    const solvedAt = Date.now();
    expect(retried).toBeDefined();
    expect(JSON.parse(retried!.postData()!)).toMatchObject({ email, proof_of_work: { algorithm: 'SHA-256', number: expect.any(Number) } });
    // From the challenge's arrival to the solved request leaving: the solve, in this browser.
    console.log(`the hosted page solved the proof-of-work challenge (maxnumber 100000) in ${retriedAt - challenged} ms; ${solvedAt - started} ms from opening the page to "Check your email"`);

    const [mail] = await waitForMail(endpoint(), email);
    await page.getByLabel('6-digit code').fill(codeIn(mail!)!);
    await page.getByRole('button', { name: 'Sign in with code' }).click();
    await expectVisible(page, 'h1', "You're signed in");
  });

  it('past the threshold, a new address with a solved challenge gets 202 and its mail; the solution works once', async () => {
    const email = freshEmail('solved');
    const proofOfWork = await proof();
    expect((await ask(email, network(), { proof_of_work: proofOfWork })).status).toBe(202);
    expect(await waitForMail(endpoint(), email)).toHaveLength(1);
    const again = await ask(freshEmail('reused'), network(), { proof_of_work: proofOfWork });
    expect(again).toMatchObject({ status: 400, body: { error: 'validation_failed', details: [{ field: 'proof_of_work', issue: expect.stringContaining('already used') }] } });
  });

  it('one network cannot take more than its share (2 of 40)', async () => {
    const from = network();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await ask(freshEmail(`share${i}`), from, { proof_of_work: await proof() })).status);
    expect(statuses).toEqual([202, 202, 429]);
  });

  it('after new addresses from 30 networks spend the budget, a returning address still gets 202 and its mail; a new one the same 202 and no mail', async () => {
    // Each of the 30 networks takes its whole share: 60 requests for the 30 shared mails and what is left of them.
    const flood = [];
    for (let i = 0; i < 30; i++) {
      const from = network();
      for (let j = 0; j < 2; j++) flood.push(await ask(freshEmail(`flood${i}-${j}`), from, { proof_of_work: await proof() }));
    }
    expect(flood.map((answer) => answer.status)).toEqual(Array(60).fill(202));
    expect(new Set(flood.map((answer) => JSON.stringify(comparable(answer)))).size).toBe(1);

    const known = await ask(returning, network(), { proof_of_work: await proof() });
    const freshEmailAddress = freshEmail('late');
    const fresh = await ask(freshEmailAddress, network(), { proof_of_work: await proof() });
    expect(known.status).toBe(202);
    expect(comparable(known)).toEqual(comparable(fresh));
    // The returning address's second mail (the first signed it in); the new one's is held back.
    expect(await waitForMail(endpoint(), returning, 2)).toHaveLength(2);
    expect(await mailTo(endpoint(), freshEmailAddress)).toEqual([]);
  });
});
