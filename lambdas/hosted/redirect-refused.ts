/**
 * The hosted page opened with a `redirect_to` the deployment does not allow: the app's mistake, said
 * on a page of its own before any address is asked for, in the reader's language. Its function imports
 * this module only for a page URL that names a `redirect_to`.
 */
import type { ServiceConfig } from '../config';
import { allowedRedirect } from '../domain/redirects';
import { escapeHtml, html, pageLocale, titleWithApp } from './page';
import { pageStrings } from './strings';

export async function refusedRedirectPage(
  config: ServiceConfig,
  redirectTo: string,
  acceptLanguage: string | undefined,
): Promise<{ readonly body: string; readonly contentType: string } | undefined> {
  if (allowedRedirect(config.redirectUrls, redirectTo) !== undefined) return undefined;
  const locale = pageLocale(config, acceptLanguage);
  const strings = await pageStrings(locale);
  return {
    body: html({
      base: '',
      locale,
      strings,
      config,
      title: titleWithApp(strings.redirectRefusedTitle, config.appName),
      main: `<main class="mla"><h1>${escapeHtml(strings.redirectRefusedHeading)}</h1><p>${escapeHtml(strings.redirectRefusedText)}</p></main>`,
    }),
    contentType: 'text/html; charset=utf-8',
  };
}
