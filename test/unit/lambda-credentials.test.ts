import { defaultProvider } from '../../lambdas/adapters/lambda-credentials';

/**
 * The bundles' credential provider (aliased for the SDK's default chain): the role's credentials from
 * Lambda's environment, read once and kept, as the chain it replaces keeps them.
 */
describe('the functions’ credential provider', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  const setCredentials = (id: string, expiration?: Date) => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: `secret-${id}`, AWS_SESSION_TOKEN: `token-${id}` });
    if (expiration) process.env.AWS_CREDENTIAL_EXPIRATION = expiration.toISOString();
    else delete process.env.AWS_CREDENTIAL_EXPIRATION;
  };

  it('reads the environment on the first request only', async () => {
    setCredentials('first');
    const provider = defaultProvider();
    expect(await provider()).toMatchObject({ accessKeyId: 'first', secretAccessKey: 'secret-first', sessionToken: 'token-first' });
    setCredentials('second');
    expect((await provider()).accessKeyId).toBe('first');
  });

  it('reads them again when they are about to expire', async () => {
    setCredentials('expiring', new Date(Date.now() + 60_000));
    const provider = defaultProvider();
    expect((await provider()).accessKeyId).toBe('expiring');
    setCredentials('renewed', new Date(Date.now() + 3_600_000));
    expect((await provider()).accessKeyId).toBe('renewed');
    setCredentials('third', new Date(Date.now() + 3_600_000));
    expect((await provider()).accessKeyId).toBe('renewed');
  });

  it('fails clearly without credentials in the environment', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    await expect(defaultProvider()()).rejects.toThrow(/credentials/i);
  });
});
