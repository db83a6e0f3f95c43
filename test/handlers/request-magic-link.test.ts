import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { handler } from '../../lambdas/handlers/request-magic-link';
import { apiEvent, invoke } from '../../scripts/local/api-events';
import { expectError, expectSuccess } from '../fixtures/assertions';
import { solve } from '../fixtures/proof-of-work';
import { resolved } from '../fixtures/expressions';
import { awsError, expectedEmailHash, mockAws, transactionCanceled } from '../fixtures/aws';

const aws = mockAws();
const NOW = new Date('2026-11-21T21:10:00Z');
const WINDOW_START = Math.floor(Date.UTC(2026, 10, 21, 21, 0, 0) / 1000);

beforeEach(() => {
  aws.dynamo.reset();
  aws.ses.reset();
  aws.dynamo.on(TransactWriteCommand).resolves({});
  aws.ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask'] });
});
afterEach(() => jest.useRealTimers());

const request = (body: unknown, options: Parameters<typeof apiEvent>[0] = {}) =>
  invoke(handler, apiEvent({ body: body as object, ...options }));

function sentEmail() {
  const calls = aws.ses.commandCalls(SendEmailCommand);
  expect(calls).toHaveLength(1);
  return calls[0]!.args[0].input;
}

function transaction() {
  const calls = aws.dynamo.commandCalls(TransactWriteCommand);
  expect(calls).toHaveLength(1);
  return calls[0]!.args[0].input.TransactItems!;
}

describe('POST /v1/auth/magic-link', () => {
  it('answers 202 with the link lifetime and mails a single-use link', async () => {
    const response = await request({ email: 'Ada@Example.com' });

    expect(expectSuccess(response, 202)).toEqual({ expires_in: 900 });
    const mail = sentEmail();
    expect(mail.FromEmailAddress).toBe('no-reply@example.com');
    expect(mail.Destination?.ToAddresses).toEqual(['ada@example.com']);
    expect(mail.ConfigurationSetName).toBe('magic-link-auth');
    const simple = mail.Content!.Simple!;
    // Says who is asking: the deployment's appName (test/env.ts).
    expect(simple.Subject!.Data).toBe('Sign in to Example App');
    const text = simple.Body!.Text!.Data!;
    expect(text.split('\n')[0]).toBe('Use this link to sign in to Example App:');
    const html = simple.Body!.Html!.Data!;
    const link = /https:\/\/app\.example\.com\/sign-in#token=([A-Za-z0-9_-]{43})/.exec(text);
    expect(link).not.toBeNull();
    expect(html).toContain(`href="${link![0]}"`);
    for (const part of [text, html]) {
      expect(part).toContain('15 minutes');
      expect(part).toContain('This link and code work once');
      expect(part).toMatch(/Didn't ask for this\? You can safely ignore this email/);
    }
  });

  it('writes the mail in the body\'s locale, else the best match of Accept-Language, else the default', async () => {
    const subjectFor = async (body: object, headers: Record<string, string> = {}) => {
      aws.ses.reset();
      aws.ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
      expectSuccess(await request({ email: 'ada@example.com', ...body }, { headers }), 202);
      const simple = sentEmail().Content!.Simple!;
      return { subject: simple.Subject!.Data!, lang: /<html lang="([^"]+)" dir="(ltr|rtl)">/.exec(simple.Body!.Html!.Data!)!.slice(1) };
    };
    expect(await subjectFor({ locale: 'pt-BR' }, { 'accept-language': 'de' })).toEqual({ subject: 'Entrar em Example App', lang: ['pt-BR', 'ltr'] });
    expect(await subjectFor({ locale: 'pt' })).toEqual({ subject: 'Entrar em Example App', lang: ['pt-BR', 'ltr'] });
    expect(await subjectFor({}, { 'accept-language': 'fr-CA,fr;q=0.9' })).toEqual({ subject: 'Se connecter à Example App', lang: ['fr', 'ltr'] });
    expect(await subjectFor({ locale: 'ar-EG' })).toEqual({ subject: 'تسجيل الدخول إلى Example App', lang: ['ar', 'rtl'] });
    // Well-formed but not spoken here: not an error, the default.
    expect(await subjectFor({ locale: 'tlh' }, { 'accept-language': 'sv-SE' })).toEqual({ subject: 'Sign in to Example App', lang: ['en', 'ltr'] });
  });

  it('refuses a locale that is not a BCP 47 tag, sending nothing', async () => {
    expectError(await request({ email: 'ada@example.com', locale: 'en_US<script>' }), 'validation_failed', [{ field: 'locale', issue: 'must be a BCP 47 language tag such as "pt-BR"' }]);
    expectError(await request({ email: 'ada@example.com', locale: `en-${'x'.repeat(40)}` }), 'validation_failed', [{ field: 'locale', issue: 'must be at most 35 characters' }]);
    expect(aws.ses.calls()).toHaveLength(0);
  });

  it('answers a source address that is not an IP (a direct invocation) with a catalogued 400, touching nothing', async () => {
    for (const sourceIp of ['not-an-ip', '', '999.1.1.1', '1.2.3.4, 5.6.7.8']) {
      expectError(await request({ email: 'ada@example.com' }, { sourceIp }), 'validation_failed', [{ field: 'requestContext.http.sourceIp', issue: 'must be an IPv4 or IPv6 address' }]);
    }
    expect(aws.dynamo.calls()).toHaveLength(0);
    expect(aws.ses.calls()).toHaveLength(0);
  });

  it('stores only a hash of the token, never the token itself', async () => {
    await request({ email: 'ada@example.com' });
    const token = /#token=([A-Za-z0-9_-]{43})/.exec(sentEmail().Content!.Simple!.Body!.Text!.Data!)![1]!;
    const items = transaction();
    const stored = JSON.stringify(items);
    expect(stored).not.toContain(token);
    const put = items[2]!.Put!;
    expect(put.Item).toEqual({
      pk: `signin#${createHash('sha256').update(token).digest('base64url')}`,
      email: 'ada@example.com',
      // The keyed hash, for the magic_link.requested event, which carries no address.
      email_hash: expectedEmailHash('ada@example.com'),
      link_expires_at: NOW.getTime() / 1000 + 900,
      created_at: NOW.getTime() / 1000,
      user_hash: createHash('sha256').update('ada@example.com').digest('hex'),
      ttl: NOW.getTime() / 1000 + 900 + 86_400,
    });
    expect(resolved(put).ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('counts the source IP, this network\'s requests for the address, and the address\'s inbox in this hour, in one transaction with the link', async () => {
    await request({ email: ' ADA@example.com ' }, { sourceIp: '198.51.100.7', headers: { 'X-Forwarded-For': '10.9.9.9' } });
    const items = transaction();
    const [ip, inbox] = items;
    const email = items[4];
    const emailHash = expectedEmailHash('ada@example.com');
    expect(emailHash).not.toBe(createHash('sha256').update('ada@example.com').digest('hex'));
    expect(ip!.Update!.Key).toEqual({ pk: `rl#ip#v4:198.51.100.7#${WINDOW_START}` });
    expect(inbox!.Update!.Key).toEqual({ pk: `rl#inbox#${emailHash}#${WINDOW_START}` });
    expect(email!.Update!.Key).toEqual({ pk: `rl#email#v4:198.51.100.7#${emailHash}#${WINDOW_START}` });
    for (const [counter, limit] of [[ip, 50], [email, 5], [inbox, 20]] as const) {
      expect(resolved(counter!.Update)!.ConditionExpression).toBe('attribute_not_exists(cnt) OR cnt < :limit');
      expect(counter!.Update!.ExpressionAttributeValues).toMatchObject({ ':limit': limit, ':ttl': WINDOW_START + 3600 });
    }
  });

  it('mails an internationalized domain at its punycode form', async () => {
    expectSuccess(await request({ email: 'Ada@Bücher.Example' }), 202);
    expect(sentEmail().Destination?.ToAddresses).toEqual(['ada@xn--bcher-kva.example']);
  });

  it('counts IPv6 callers per /64', async () => {
    await request({ email: 'ada@example.com' }, { sourceIp: '2001:db8:85a3:7:8a2e:370:7334:1' });
    await request({ email: 'ada@example.com' }, { sourceIp: '2001:db8:85a3:7::ffff' });
    const keys = aws.dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems![0]!.Update!.Key);
    expect(keys).toEqual([
      { pk: `rl#ip#v6:2001:db8:85a3:7::/64#${WINDOW_START}` },
      { pk: `rl#ip#v6:2001:db8:85a3:7::/64#${WINDOW_START}` },
    ]);
  });

  it('answers a first-time and a repeat address identically (no enumeration)', async () => {
    const first = await request({ email: 'new@example.com' });
    const again = await request({ email: 'new@example.com' });
    expect(first.status).toBe(again.status);
    expect(first.body.data).toEqual(again.body.data);
    expect(Object.keys(first.headers).sort()).toEqual(Object.keys(again.headers).sort());
  });

  it('refuses with magic_link_ip_limit_exceeded, sending nothing, when the IP is over its limit', async () => {
    aws.dynamo.on(TransactWriteCommand).rejects(transactionCanceled(['ConditionalCheckFailed', 'None', 'None']));
    expectError(await request({ email: 'ada@example.com' }), 'magic_link_ip_limit_exceeded');
    expect(aws.ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('refuses with magic_link_email_limit_exceeded, sending nothing, when the address is over its limit', async () => {
    aws.dynamo.on(TransactWriteCommand).rejects(transactionCanceled(['None', 'ConditionalCheckFailed', 'None']));
    expectError(await request({ email: 'ada@example.com' }), 'magic_link_email_limit_exceeded');
    expect(aws.ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('answers the same magic_link_email_limit_exceeded when this network has used its share of the address', async () => {
    aws.dynamo.on(TransactWriteCommand).rejects(transactionCanceled(['None', 'None', 'None', 'None', 'ConditionalCheckFailed']));
    expectError(await request({ email: 'ada@example.com' }), 'magic_link_email_limit_exceeded');
    expect(aws.ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('reports the IP limit first when both limits are exhausted', async () => {
    aws.dynamo
      .on(TransactWriteCommand)
      .rejects(transactionCanceled(['ConditionalCheckFailed', 'ConditionalCheckFailed', 'None']));
    expectError(await request({ email: 'ada@example.com' }), 'magic_link_ip_limit_exceeded');
  });

  it('retries a transaction that lost a race with a concurrent writer', async () => {
    aws.dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(transactionCanceled(['TransactionConflict', 'None', 'None']))
      .rejectsOnce(transactionCanceled(['None', 'TransactionConflict', 'None']))
      .resolves({});
    expectSuccess(await request({ email: 'ada@example.com' }), 202);
    expect(aws.dynamo.commandCalls(TransactWriteCommand)).toHaveLength(3);
    expect(aws.ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('answers service_unavailable when conflicts persist or DynamoDB throttles', async () => {
    aws.dynamo.on(TransactWriteCommand).rejects(transactionCanceled(['TransactionConflict', 'None', 'None']));
    expectError(await request({ email: 'ada@example.com' }), 'service_unavailable');
    expect(aws.dynamo.commandCalls(TransactWriteCommand)).toHaveLength(8);

    aws.dynamo.reset();
    aws.dynamo.on(TransactWriteCommand).rejects(awsError('ProvisionedThroughputExceededException'));
    expectError(await request({ email: 'ada@example.com' }), 'service_unavailable');
    expect(aws.ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it.each([
    ['MessageRejected', 'email_delivery_failed'],
    ['MailFromDomainNotVerifiedException', 'email_delivery_failed'],
    ['AccountSuspendedException', 'email_delivery_failed'],
    ['SendingPausedException', 'email_delivery_failed'],
    ['TooManyRequestsException', 'service_unavailable'],
  ] as const)('maps SES %s to %s', async (name, code) => {
    aws.ses.on(SendEmailCommand).rejects(awsError(name, 'Email address is not verified: secret detail'));
    const response = await request({ email: 'ada@example.com' });
    expectError(response, code);
    expect(response.rawBody).not.toContain('secret detail');
  });

  it.each([
    ['MessageRejected', 'email_delivery_failed'],
    ['TooManyRequestsException', 'service_unavailable'],
  ] as const)("undoes the request when SES answers %s: the address's counts given back, link and code deleted, in one transaction (the network's count and the mail budget kept), then %s", async (name, code) => {
    aws.ses.on(SendEmailCommand).rejects(awsError(name));
    expectError(await request({ email: 'ada@example.com' }), code);
    const [recorded, released] = aws.dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems!);
    expect(released).toBeDefined();
    // Recorded: ip, inbox, link, code, email, mail budget. Released: inbox, link, code, email.
    expect(released).toHaveLength(4);
    // The address's two counters, decremented only while above zero; the network's and the budget's are not touched.
    for (const [releasedIndex, recordedIndex] of [[0, 1], [3, 4]] as const) {
      expect(resolved(released![releasedIndex]!.Update)).toMatchObject({ Key: recorded![recordedIndex]!.Update!.Key, UpdateExpression: 'SET cnt = cnt - :one', ConditionExpression: 'cnt > :zero' });
    }
    const releasedKeys = JSON.stringify(released!.map((item) => (item.Update ?? item.Delete)!.Key));
    expect(releasedKeys).not.toContain(JSON.stringify(recorded![0]!.Update!.Key));
    expect(releasedKeys).not.toContain(JSON.stringify(recorded![5]!.Update!.Key));
    // The link (only while unused) and its code (only while still this sign-in's), deleted.
    expect(resolved(released![1]!.Delete)).toMatchObject({ Key: { pk: recorded![2]!.Put!.Item!.pk }, ConditionExpression: 'attribute_not_exists(used_at)' });
    expect(resolved(released![2]!.Delete)).toMatchObject({
      Key: { pk: recorded![3]!.Put!.Item!.pk },
      ConditionExpression: 'signin = :sign_in',
      ExpressionAttributeValues: { ':sign_in': recorded![2]!.Put!.Item!.pk.replace(/^signin#/, '') },
    });
  });

  it('leaves the code of a newer request that replaced this one\'s meanwhile: the undo is retried without it', async () => {
    aws.ses.on(SendEmailCommand).rejects(awsError('MessageRejected'));
    aws.dynamo
      .on(TransactWriteCommand)
      .resolvesOnce({})
      .rejectsOnce(transactionCanceled(['None', 'None', 'ConditionalCheckFailed', 'None']))
      .resolves({});
    expectError(await request({ email: 'ada@example.com' }), 'email_delivery_failed');
    const [recorded, released, retried] = aws.dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems!);
    expect(retried).toEqual([0, 1, 3].map((index) => released![index]));
    expect(JSON.stringify(retried)).not.toContain(recorded![3]!.Put!.Item!.pk);
  });

  it('without a proof of work, tries other shards of the budget\'s open part, then answers magic_link_challenge_required', async () => {
    aws.dynamo.on(TransactWriteCommand).rejects(transactionCanceled(['None', 'None', 'None', 'None', 'None', 'ConditionalCheckFailed']));
    const response = await request({ email: 'ada@example.com' });
    expectError(response, 'magic_link_challenge_required');
    expect(response.headers['retry-after']).toBeUndefined();
    const shards = aws.dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems!);
    expect(shards.map((items) => items.length)).toEqual([6, 6, 6]);
    expect(new Set(shards.map((items) => items[5]!.Update!.Key!.pk)).size).toBe(3);
    for (const items of shards) {
      expect(items[5]!.Update!.Key!.pk).toMatch(new RegExp(`^rl#mail#${WINDOW_START}#[0-9]$`));
      // The shared 800 over 10 shards is 80 each; the first 500 of the budget need no proof: 50 each.
      expect(items[5]!.Update!.ExpressionAttributeValues).toMatchObject({ ':limit': 50 });
    }
    expect(aws.ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('with a solved challenge, tries the shared part, then the reserve for returning addresses, then answers magic_link_capacity_exceeded with the seconds left in the hour', async () => {
    const issued = expectSuccess(await invoke(handler, apiEvent({ method: 'GET', path: '/v1/auth/challenge', routeKey: 'GET /v1/auth/challenge' })), 200);
    aws.dynamo.on(TransactWriteCommand).rejects(transactionCanceled(['None', 'None', 'None', 'None', 'None', 'ConditionalCheckFailed']));
    const response = await request({ email: 'ada@example.com', proof_of_work: solve(issued as Parameters<typeof solve>[0]) }); // at 21:10, 50 minutes before the window ends
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ error: 'magic_link_capacity_exceeded', retry_after: 3000 });
    expect(response.headers['retry-after']).toBe('3000');
    const tries = aws.dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems!);
    const pk = (item: (typeof tries)[number][number]) => (item.Update ?? item.ConditionCheck)!.Key!.pk as string;
    expect(tries.map((items) => items.length)).toEqual([7, 7, 7, 8, 8, 8]);
    for (const items of tries.slice(0, 3)) {
      expect(pk(items[5]!)).toMatch(new RegExp(`^rl#mail#${WINDOW_START}#[0-9]$`));
      expect(items[5]!.Update!.ExpressionAttributeValues).toMatchObject({ ':limit': 80 });
    }
    for (const items of tries.slice(3)) {
      expect(pk(items[5]!)).toMatch(new RegExp(`^rl#mail#${WINDOW_START}#r[0-9]$`));
      expect(items[5]!.Update!.ExpressionAttributeValues).toMatchObject({ ':limit': 20 }); // 200 kept for returning addresses, over 10 shards
      expect(pk(items[7]!)).toMatch(/^user#/);
    }
    // Every try spends the same solution once, if it commits: its challenge is its key.
    for (const items of tries) expect(pk(items[6]!)).toBe(`rl#pow#${(issued as { challenge: string }).challenge}`);
    expect(new Set(tries.map((items) => pk(items[5]!))).size).toBe(6);
    expect(aws.ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('hides unexpected failures behind internal_error', async () => {
    aws.dynamo.on(TransactWriteCommand).rejects(awsError('ValidationException', 'One or more parameter values were invalid: table magic-link-auth-test'));
    const response = await request({ email: 'ada@example.com' });
    expectError(response, 'internal_error');
    expect(response.rawBody).not.toContain('magic-link-auth-test');
  });

  describe('input', () => {
    it.each([
      ['missing', {}, 'is required'],
      ['null', { email: null }, 'is required'],
      ['blank', { email: '   ' }, 'is required'],
      ['a number', { email: 42 }, 'must be a string'],
      ['without @', { email: 'ada.example.com' }, 'must be a valid email address'],
      ['without a domain dot', { email: 'ada@localhost' }, 'must be a valid email address'],
      ['with a space inside', { email: 'ada lovelace@example.com' }, 'must be a valid email address'],
      ['with a control character', { email: 'ada@example.com\r\nBcc: x@evil.test' }, 'must not contain control characters'],
      ['with an encoded word', { email: '=?utf-8?q?attacker=40evil.test=3e=20?=@victim-corp.com' }, 'must be a valid email address'],
      ['with a percent hack', { email: 'user%evil.test@example.com' }, 'must be a valid email address'],
      ['with a bang path', { email: 'evil.test!user@example.com' }, 'must be a valid email address'],
      ['with a NUL', { email: 'ada\u0000@example.com' }, 'must not contain control characters'],
      ['over 254 characters', { email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com` }, 'must be at most 254 characters'],
    ])('refuses an address %s with validation_failed', async (_label, body, issue) => {
      expectError(await request(body), 'validation_failed', [{ field: 'email', issue }]);
      expect(aws.dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    });

    it('refuses unknown fields and non-object bodies', async () => {
      expectError(await request({ email: 'ada@example.com', emial: 'x' }), 'validation_failed', [
        { field: 'emial', issue: 'is not a recognised field' },
      ]);
      expectError(await request('["ada@example.com"]'), 'validation_failed', [{ field: 'body', issue: 'must be a JSON object' }]);
    });

    it('refuses a redirect_to the deployment does not allow with validation_failed, writing and mailing nothing', async () => {
      expectError(await request({ email: 'ada@example.com', redirect_to: 'https://app.example.com/after' }), 'validation_failed', [
        { field: 'redirect_to', issue: 'must be one of the redirect URLs this deployment allows' },
      ]);
      expect(aws.dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
      expect(aws.ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    });

    it('refuses malformed JSON with invalid_json', async () => {
      expectError(await request('{"email": "ada@example.com"'), 'invalid_json');
      expectError(await invoke(handler, apiEvent({})), 'invalid_json');
    });

    it('refuses other media types with unsupported_media_type', async () => {
      expectError(await request({ email: 'ada@example.com' }, { headers: { 'Content-Type': 'text/plain' } }), 'unsupported_media_type');
      const event = apiEvent({ body: { email: 'ada@example.com' } });
      delete event.headers['Content-Type'];
      expectError(await invoke(handler, event), 'unsupported_media_type');
    });

    it.each(['application/json', 'Application/JSON; charset=UTF-8', 'application/vnd.api+json'])('accepts the JSON media type %s', async (type) => {
      expectSuccess(await request({ email: 'ada@example.com' }, { headers: { 'Content-Type': type } }), 202);
    });

    it.each(['application/jsonp', 'application/json-seq', 'text/json'])('refuses the near miss %s with unsupported_media_type', async (type) => {
      expectError(await request({ email: 'ada@example.com' }, { headers: { 'Content-Type': type } }), 'unsupported_media_type');
    });

    it('accepts JSON with a charset and a base64-encoded body', async () => {
      const body = Buffer.from(JSON.stringify({ email: 'ada@example.com' })).toString('base64');
      const response = await request(body, { headers: { 'content-type': 'application/json; charset=utf-8' }, isBase64Encoded: true });
      expectSuccess(response, 202);
    });

    it('refuses bodies over 8 KiB with payload_too_large before parsing them', async () => {
      const response = await request(JSON.stringify({ email: 'ada@example.com', pad: 'x'.repeat(8192) }));
      expectError(response, 'payload_too_large');
      expectError(await request(`{${'x'.repeat(9000)}`), 'payload_too_large');
    });
  });

  describe('CORS', () => {
    it('adds no CORS headers itself: API Gateway answers for the allowed origins (see the construct tests)', async () => {
      const response = await request({ email: 'ada@example.com' }, { headers: { Origin: 'https://app.example.com' } });
      expect(response.status).toBe(202);
      expect(Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    });
  });
});
