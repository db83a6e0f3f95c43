/**
 * The hosted page opened with a `redirect_to` the deployment does not allow: the app's mistake, said
 * on a page of its own before any address is asked for. Its function imports this module only for a
 * page URL that names a `redirect_to`.
 */
import { allowedRedirect } from '../domain/redirects';
import { html } from './page';

export function refusedRedirectPage(redirectUrls: readonly string[], redirectTo: string): { readonly body: string; readonly contentType: string } | undefined {
  if (allowedRedirect(redirectUrls, redirectTo) !== undefined) return undefined;
  return {
    body: html({
      base: '',
      title: 'Sign-in link not allowed',
      main: `<main class="mla"><h1>This sign-in link is not allowed here</h1><p>The app that sent you here asked to come back to an address this sign-in service does not allow. It is not something you did: go back to the app and tell its team.</p></main>`,
    }),
    contentType: 'text/html; charset=utf-8',
  };
}
