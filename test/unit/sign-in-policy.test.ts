import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { Duration } from 'aws-cdk-lib';
import { LambdaSignInHook } from '../../lambdas/adapters/lambda-sign-in-hook';
import { AccessTokens } from '../../lambdas/domain/access-tokens';
import { MagicLinkService, SignInService } from '../../lambdas/domain/auth-service';
import { codeHash } from '../../lambdas/domain/codes';
import { normalizeEmail } from '../../lambdas/domain/email';
import { RefusedError, SignInHookError, SignInNotAllowedError } from '../../lambdas/domain/errors';
import type { AuthStore, SignInAttempt, SignInHook } from '../../lambdas/domain/ports';
import { SignInPolicy } from '../../lambdas/domain/sign-in-policy';
import { SETTINGS } from '../../lambdas/settings';
import { resolveSettings } from '../../lib/settings';
import { authSettings } from '../fixtures/auth-settings';

const allowed = (domains: readonly string[]) => {
  const checked = SETTINGS.allowedEmailDomains.kind.check(domains);
  if (!checked.ok) throw new Error(checked.problem);
  return checked.value;
};
/** An address as the API hands it to the domain: normalized. */
const address = (raw: string) => {
  const checked = normalizeEmail(raw);
  if (!checked.ok) throw new Error(checked.issue);
  return checked.email;
};
const request = (email: string) => ({ trigger: 'request' as const, email: address(email), sourceIp: '198.51.100.7' });

/** A hook that answers `answer` (or throws it) and records what it was asked. */
function hook(answer: boolean | Error): SignInHook & { asked: SignInAttempt[] } {
  const asked: SignInAttempt[] = [];
  return {
    asked,
    allows: async (attempt) => {
      asked.push(attempt);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

describe('allowedEmailDomains', () => {
  it('keeps exact domains in lower case and punycode, the form addresses are kept in', () => {
    expect(allowed(['Example.COM', 'bücher.example', 'xn--caf-dma.example'])).toEqual(['example.com', 'xn--bcher-kva.example', 'xn--caf-dma.example']);
    expect(SETTINGS.allowedEmailDomains.kind.fromText('example.com, Bücher.example')).toEqual({ ok: true, value: ['example.com', 'xn--bcher-kva.example'] });
  });

  it.each(['@example.com', 'ada@example.com', '*.example.com', 'example', 'exa mple.com', '.example.com', ''])('refuses %j, and synth fails naming the prop', (domain) => {
    expect(SETTINGS.allowedEmailDomains.kind.check([domain]).ok).toBe(false);
    expect(() => resolveSettings({ senderAddress: 'no-reply@example.com', appName: 'Example App', allowedEmailDomains: [domain] }, { hostedSignInUrl: 'https://x.example/sign-in', apiUrl: 'https://x.example' })).toThrow(
      /^MagicLinkAuth: allowedEmailDomains must list mail domains/,
    );
  });

  it('takes beforeSignInTimeout from 1 to 5 seconds, and beforeSignInOnError as refuse or allow', () => {
    const facts = { hostedSignInUrl: 'https://x.example/sign-in', apiUrl: 'https://x.example' };
    const env = (props: object) => resolveSettings({ senderAddress: 'no-reply@example.com', appName: 'Example App', ...props }, facts).environment;
    expect(env({})).toMatchObject({ ALLOWED_EMAIL_DOMAINS: '', BEFORE_SIGN_IN_TIMEOUT_SECONDS: '2', BEFORE_SIGN_IN_ON_ERROR: 'refuse' });
    expect(env({ beforeSignInTimeout: Duration.seconds(5), beforeSignInOnError: 'allow' })).toMatchObject({ BEFORE_SIGN_IN_TIMEOUT_SECONDS: '5', BEFORE_SIGN_IN_ON_ERROR: 'allow' });
    expect(() => env({ beforeSignInTimeout: Duration.seconds(6) })).toThrow('MagicLinkAuth: beforeSignInTimeout must be a whole number from 1 to 5 seconds');
    expect(() => env({ beforeSignInOnError: 'ignore' })).toThrow('MagicLinkAuth: beforeSignInOnError must be one of "refuse", "allow"');
  });
});

describe('SignInPolicy', () => {
  it('admits everyone with no domains and no hook', async () => {
    expect(await SignInPolicy.OPEN.decide(request('eve@anywhere.test'))).toEqual({ allowed: true });
  });

  it('admits exactly the listed domains, whatever the case or script of the address', async () => {
    const policy = new SignInPolicy({ allowedEmailDomains: allowed(['example.com', 'Bücher.example']), beforeSignInOnError: 'refuse' });
    for (const email of ['ada@example.com', 'Ada@EXAMPLE.com', 'ada@BÜCHER.example', 'ada@xn--bcher-kva.example']) {
      expect(await policy.decide(request(email))).toEqual({ allowed: true });
    }
    for (const email of ['ada@eu.example.com', 'ada@example.com.evil.test', 'ada@example.org', 'ada@bucher.example']) {
      expect(await policy.decide(request(email))).toEqual({ allowed: false, reason: 'domain_not_allowed' });
    }
  });

  it('asks the hook only about addresses the domains admit, with the domain it checked', async () => {
    const asked = hook(true);
    const policy = new SignInPolicy({ allowedEmailDomains: ['example.com'], beforeSignInOnError: 'refuse' }, asked);
    expect(await policy.decide(request('eve@other.test'))).toEqual({ allowed: false, reason: 'domain_not_allowed' });
    expect(asked.asked).toEqual([]);
    expect(await policy.decide({ trigger: 'verify', email: 'ada@example.com', method: 'link' })).toEqual({ allowed: true });
    expect(asked.asked).toEqual([{ trigger: 'verify', email: 'ada@example.com', domain: 'example.com', method: 'link' }]);
  });

  it("follows the hook's answer", async () => {
    expect(await new SignInPolicy({ allowedEmailDomains: [], beforeSignInOnError: 'allow' }, hook(false)).decide(request('ada@example.com'))).toEqual({ allowed: false, reason: 'hook_refused' });
    expect(await new SignInPolicy({ allowedEmailDomains: [], beforeSignInOnError: 'refuse' }, hook(true)).decide(request('ada@example.com'))).toEqual({ allowed: true });
  });

  it.each([
    ['timeout', new SignInHookError('timeout')],
    ['function_error', new SignInHookError('function_error')],
    ['malformed_answer', new SignInHookError('malformed_answer')],
    ['invoke_failed', new Error('socket hang up')],
  ] as const)('rules a hook failure (%s) by beforeSignInOnError: refuse fails closed, allow lets in', async (kind, error) => {
    const refuse = new SignInPolicy({ allowedEmailDomains: [], beforeSignInOnError: 'refuse' }, hook(error));
    const allow = new SignInPolicy({ allowedEmailDomains: [], beforeSignInOnError: 'allow' }, hook(error));
    expect(await refuse.decide(request('ada@example.com'))).toEqual({ allowed: false, reason: 'hook_failed', hookFailure: kind });
    expect(await allow.decide(request('ada@example.com'))).toEqual({ allowed: true, hookFailure: kind });
  });
});

describe('LambdaSignInHook', () => {
  const lambda = mockClient(LambdaClient);
  const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:before-sign-in';
  /** The invoke's output, its payload as the SDK hands it over (bytes). */
  const output = (payload: string, extra: object = {}) => ({ StatusCode: 200, Payload: new TextEncoder().encode(payload) as never, ...extra });
  const answer = (payload: unknown, extra: object = {}) => output(JSON.stringify(payload), extra);
  const adapter = (timeoutMs = 2000) => new LambdaSignInHook({ functionArn: ARN, timeoutMs, client: new LambdaClient({ region: 'eu-west-1' }) });
  const attempt: SignInAttempt = { trigger: 'request', email: 'ada@xn--bcher-kva.example', domain: 'xn--bcher-kva.example', sourceIp: '198.51.100.7' };
  beforeEach(() => lambda.reset());

  it('invokes the function synchronously with the contract\'s event and reads its answer', async () => {
    lambda.on(InvokeCommand).resolves(answer({ allow: true }));
    expect(await adapter().allows(attempt)).toBe(true);
    const input = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ FunctionName: ARN, InvocationType: 'RequestResponse' });
    expect(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))).toEqual({
      version: 1,
      trigger: 'request',
      email: 'ada@xn--bcher-kva.example',
      domain: 'xn--bcher-kva.example',
      source_ip: '198.51.100.7',
    });
    lambda.on(InvokeCommand).resolves(answer({ allow: false, reason: 'not invited' }));
    expect(await adapter().allows({ trigger: 'verify', email: 'ada@example.com', domain: 'example.com', method: 'code' })).toBe(false);
  });

  it('fails as function_error when the function threw (FunctionError set), whatever its payload', async () => {
    lambda.on(InvokeCommand).resolves(answer({ errorType: 'Error', errorMessage: 'boom', allow: true }, { FunctionError: 'Unhandled' }));
    await expect(adapter().allows(attempt)).rejects.toEqual(new SignInHookError('function_error'));
  });

  it.each([[{ allow: 'yes' }], [{}], [[true]], [null], ['allow']])('fails as malformed_answer on %j', async (payload) => {
    lambda.on(InvokeCommand).resolves(answer(payload));
    await expect(adapter().allows(attempt)).rejects.toEqual(new SignInHookError('malformed_answer'));
  });

  it('fails as malformed_answer on a payload that is not JSON', async () => {
    lambda.on(InvokeCommand).resolves(output('{allow: true'));
    await expect(adapter().allows(attempt)).rejects.toEqual(new SignInHookError('malformed_answer'));
  });

  it('fails as invoke_failed when the call fails (throttled, not allowed, not found)', async () => {
    lambda.on(InvokeCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    await expect(adapter().allows(attempt)).rejects.toEqual(new SignInHookError('invoke_failed'));
  });

  it('gives up at its timeout, aborting the call, however long the function would take', async () => {
    let signal: AbortSignal | undefined;
    let slow: ReturnType<typeof setTimeout> | undefined;
    lambda.on(InvokeCommand).callsFake(() => new Promise((resolve) => (slow = setTimeout(() => resolve(answer({ allow: true })), 5000))));
    const client = new LambdaClient({ region: 'eu-west-1' });
    const send = client.send.bind(client);
    jest.spyOn(client, 'send').mockImplementation(((command: InvokeCommand, options: { abortSignal?: AbortSignal }) => ((signal = options.abortSignal), send(command, options))) as never);
    const started = Date.now();
    await expect(new LambdaSignInHook({ functionArn: ARN, timeoutMs: 100, client }).allows(attempt)).rejects.toEqual(new SignInHookError('timeout'));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(signal?.aborted).toBe(true);
    clearTimeout(slow);
  });
});

describe('the sign-in policy in the use cases', () => {
  const SECRET = 'x'.repeat(64);
  const refusing = new SignInPolicy({ allowedEmailDomains: ['example.com'], beforeSignInOnError: 'refuse' });
  const calls: string[] = [];
  const store = new Proxy({} as AuthStore, {
    get: (_target, method: string) => async (arg: { email?: string }) => {
      calls.push(method);
      if (method === 'countLinkRequest') return 'counted';
      if (method === 'consumeLink') return { outcome: 'consumed', email: 'eve@other.test', userHash: 'u' };
      if (method === 'findCode') return { signInId: 'sid', codeHash: codeHash(SECRET, 'eve@other.test', '123456'), linkExpiresAt: 4_000_000_000 };
      if (method === 'countWrongCode') return 'counted';
      return arg;
    },
  });
  const mailed: unknown[] = [];
  beforeEach(() => (calls.splice(0), mailed.splice(0)));

  it('answers a refused request as any other, counts it against the limits only, and mails nothing', async () => {
    const service = new MagicLinkService(store, { send: async (mail) => void mailed.push(mail) }, { get: async () => SECRET }, authSettings(), refusing);
    const result = await service.requestMagicLink('eve@other.test', '198.51.100.7', new Date());
    expect(result).toEqual({ expiresIn: 900, decision: { allowed: false, reason: 'domain_not_allowed' } });
    expect(calls).toEqual(['countLinkRequest']);
    expect(mailed).toEqual([]);
  });

  it('answers a refused request over a limit with that limit, as an allowed one would be', async () => {
    const limited = { ...store, countLinkRequest: async () => 'ip_limit_exceeded' } as unknown as AuthStore;
    const service = new MagicLinkService(limited, { send: async (mail) => void mailed.push(mail) }, { get: async () => SECRET }, authSettings(), refusing);
    await expect(service.requestMagicLink('eve@other.test', '198.51.100.7', new Date())).rejects.toEqual(new RefusedError('ip_limit_exceeded'));
  });

  const signIn = () => new SignInService(store, { get: async () => SECRET }, authSettings(), new AccessTokens({ keyId: 'k', sign: async () => ({ signature: Buffer.alloc(256) }) }, { accessTokenLifetimeSeconds: 600, issuer: 'https://auth.example.com', audience: 'a' }), refusing);

  it('ends a link sign-in of a now-refused address right after the consume: no user, no session, no token', async () => {
    const refused = signIn().verify('q3Jv1kQm7oZ0s0cV8h9cXo3m2n1b0v9c8x7z6a5s4d3', new Date());
    await expect(refused).rejects.toEqual(new SignInNotAllowedError('domain_not_allowed'));
    await expect(refused).rejects.toMatchObject({ reason: 'sign_in_not_allowed' });
    expect(calls).toEqual(['consumeLink', 'endSignIn']);
  });

  it('refuses the right code of a now-refused address before consuming anything; a wrong one stays a wrong code', async () => {
    await expect(signIn().verifyCode('eve@other.test', '123456', '198.51.100.7', new Date())).rejects.toEqual(new SignInNotAllowedError('domain_not_allowed'));
    expect(calls).toEqual(['findCode']);
    calls.splice(0);
    await expect(signIn().verifyCode('eve@other.test', '654321', '198.51.100.7', new Date())).rejects.toEqual(new RefusedError('code_invalid'));
    expect(calls).toEqual(['findCode', 'countWrongCode']);
  });
});
