import { createServer, type Server } from 'node:http';
import * as client from 'openid-client';
import type { Browser } from 'playwright-core';
import { magicLinkIn, waitForMail } from '../../scripts/local/mailbox';
import { rememberSecrets } from './log-scan';
import { expectVisible, launchChromium, screenshot } from './browser';
import { deployment, freshEmail } from './client';
import { OIDC_CLIENTS } from './settings';

/**
 * A relying party on `openid-client` (the OpenID-certified RP library by the `jose` author) signs a
 * person in through the deployed stack's `/oauth2/authorize` in headless Chromium: the hosted page,
 * the mailed link clicked in the browser, the code delivered to a loopback redirect URI, then the
 * exchange, the ID token's checks, UserInfo, one refresh, and the rotated refresh token refused.
 */
let browser: Browser;
let callback: Server;
const received: string[] = [];
const REDIRECT_URI = OIDC_CLIENTS.public.redirectUris[0];

beforeAll(async () => {
  browser = await launchChromium();
  const { port, hostname } = new URL(REDIRECT_URI);
  callback = createServer((request, response) => {
    received.push(`http://${hostname}:${port}${request.url}`);
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Signed in</title><h1>Back at the app</h1>');
  });
  await new Promise<void>((resolve, reject) => {
    callback.once('error', reject);
    callback.listen(Number(port), hostname, resolve);
  });
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => callback?.close(resolve));
});

describe('OpenID Connect sign-in in a browser, driven by openid-client', () => {
  it('authorize, click the mailed link, get the code at the redirect URI, exchange it, check the ID token, call UserInfo, refresh once, and see the rotated refresh token refused', async () => {
    // The RP's view of the provider: discovery from the issuer, a public client (PKCE, no secret). The
    // emulator's gateway is http on loopback, which the library allows only when told to.
    const config = await client.discovery(new URL(deployment().issuer), OIDC_CLIENTS.public.clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid email',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    expect(authorizationUrl.href.startsWith(`${deployment().issuer}/oauth2/authorize?`)).toBe(true);

    const email = freshEmail('oidc-browser');
    const page = await (await browser.newContext()).newPage();
    await page.goto(authorizationUrl.href);
    await expectVisible(page, 'h1', OIDC_CLIENTS.public.name);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await expectVisible(page, 'h1', 'Check your email');
    await screenshot(page, 'oidc-1-check-email');

    // The person opens the mailed link in the same browser and confirms.
    const [mail] = await waitForMail(deployment().endpoint, email, 1);
    const tab = await page.context().newPage();
    await tab.goto(`${deployment().apiBaseUrl}/sign-in#token=${magicLinkIn(mail!)!.token}`);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.waitForURL((url) => url.href.startsWith(REDIRECT_URI), { timeout: 15_000 });
    await expectVisible(tab, 'h1', 'Back at the app');
    await screenshot(tab, 'oidc-2-back-at-the-app');

    const [callbackUrl] = received;
    const params = new URL(callbackUrl!).searchParams;
    expect(params.get('state')).toBe(state);
    expect(params.get('iss')).toBe(deployment().issuer);
    expect(callbackUrl).not.toContain('session');

    const tokens = await client.authorizationCodeGrant(config, new URL(callbackUrl!), { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce });
    rememberSecrets([tokens.access_token, tokens.id_token, tokens.refresh_token, params.get('code')]);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: deployment().issuer, aud: OIDC_CLIENTS.public.clientId, nonce, email, email_verified: true });
    expect(claims.sub).toMatch(/^usr_/);
    expect(tokens.token_type.toLowerCase()).toBe('bearer');

    expect(await client.fetchUserInfo(config, tokens.access_token, claims.sub)).toMatchObject({ sub: claims.sub, email, email_verified: true });

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    rememberSecrets([refreshed.access_token, refreshed.id_token, refreshed.refresh_token]);
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    // The rotated refresh token, used again: refused, and the family with it.
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  }, 90_000);
});
