import { App, Stack } from 'aws-cdk-lib';
import { MagicLinkAuth } from '../../lib/magic-link-auth';
import { settingsFromContext } from '../../lib/settings';

/**
 * `redirect_to` must equal a `redirectUrls` entry exactly, so an entry that reads as a pattern (a
 * wildcard) or carries a fragment (never sent to a server, and the session goes in the fragment)
 * could never be what its author meant: synth refuses it, naming it.
 */
const required = { senderAddress: 'no-reply@example.com', appName: 'Example App' };
const synth = (redirectUrls: string[]) => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  new MagicLinkAuth(new Stack(app, 'Redirects'), 'Auth', { ...required, redirectUrls });
};

describe('redirectUrls at synth', () => {
  it.each([
    ['a wildcard path', 'https://app.example.org/*', 'redirectUrls must be exact URLs, without a wildcard (*) (in "https://app.example.org/*")'],
    ['a wildcard host', 'https://*.example.org/welcome', 'redirectUrls must be exact URLs, without a wildcard (*) (in "https://*.example.org/welcome")'],
    ['a fragment', 'https://app.example.org/welcome#done', 'redirectUrls must not contain a fragment (#) (in "https://app.example.org/welcome#done")'],
  ])('refuses %s and names the entry', (_label, entry, problem) => {
    expect(() => synth(['https://app.example.org/welcome', entry])).toThrow(`MagicLinkAuth: ${problem}`);
    expect(() => settingsFromContext({ tryGetContext: (key) => ({ ...required, redirectUrls: `https://app.example.org/welcome,${entry}` })[key as 'redirectUrls'] })).toThrow(
      `context ${problem}`,
    );
  });

  it('accepts exact URLs, with a path and a query', () => {
    expect(() => synth(['https://app.example.org/welcome', 'https://app.example.org/after?from=sign-in', 'http://127.0.0.1:5173/'])).not.toThrow();
  });
});
