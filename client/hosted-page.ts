/**
 * The hosted sign-in page's script: the sign-in module on `<main id="sign-in">`, talking to the API
 * that served the page. Opened as `/oauth2/authorize` by an OpenID Connect client (the server checked
 * the client and put its name on the page), it sends the request from the page's URL with the link
 * request, and after sign-in goes to the client's redirect URI with the code the API returned. Else,
 * after sign-in it sends the person to the allowlisted `redirect_to` (deprecated: the session in the
 * URL fragment); without either, it says what to do next.
 *
 * It speaks the first of the browser's languages the service has (else the deployment's default), whose
 * words it fetches from the API as a module of their own: the page's script carries English only.
 */
import { isLocale, negotiateLocale, textDirection, type Locale } from '../lambdas/contract/locales';
import { messages as englishMessages } from '../lambdas/contract/locales/en/messages';
import { page as englishPage } from '../lambdas/contract/locales/en/page';
import { fill, type Language } from '../lambdas/contract/locales/page';
import { mountSignIn } from './sign-in';

/** What `/oauth2/authorize` was opened with, for the link request (the API checks it again). */
function authorizationRequestOf(query: URLSearchParams) {
  const clientId = query.get('client_id');
  const redirectUri = query.get('redirect_uri');
  if (!clientId || !redirectUri) return undefined;
  const optional = (name: string, field: string) => {
    const value = query.get(name);
    return value === null ? {} : { [field]: value };
  };
  return {
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: query.get('scope') ?? '',
    ...optional('state', 'state'),
    ...optional('nonce', 'nonce'),
    ...optional('code_challenge', 'code_challenge'),
  };
}

const ENGLISH: Language = { locale: 'en', page: englishPage, messages: englishMessages };

/** The chosen language's words, from the module beside this one; English (built in) when it cannot be had. */
async function languageOf(locale: Locale): Promise<Language> {
  if (locale === 'en') return ENGLISH;
  try {
    const url = new URL(`language.js?${new URLSearchParams({ locale })}`, import.meta.url).href;
    return ((await import(url)) as { default: Language }).default;
  } catch {
    return ENGLISH;
  }
}

const root = document.getElementById('sign-in');
if (root) {
  // The page is `<API>/sign-in` or `<API>/oauth2/authorize`, this module `<API>/sign-in/app.js`: the API is two levels up.
  const baseUrl = new URL('..', import.meta.url).href;
  const query = new URLSearchParams(window.location.search);
  const clientName = root.dataset.clientName;
  const appName = clientName ?? root.dataset.appName;
  const authorizationRequest = clientName === undefined ? undefined : authorizationRequestOf(query);
  const redirectTo = query.get('redirect_to') ?? undefined;
  const fallback = root.dataset.defaultLocale ?? '';
  const locale = negotiateLocale({ preferences: navigator.languages }, isLocale(fallback) ? fallback : 'en');
  const language = await languageOf(locale);
  document.documentElement.lang = language.locale;
  document.documentElement.dir = textDirection(language.locale);
  document.title = appName ? fill(language.page.signInTo, { appName }) : language.page.signIn;
  const support = document.getElementById('mla-support');
  if (support) support.textContent = language.page.support;
  mountSignIn(root, {
    baseUrl,
    language,
    ...(appName ? { appName } : {}),
    ...(authorizationRequest ? { authorizationRequest } : {}),
    ...(redirectTo && !authorizationRequest ? { redirectTo } : {}),
    onSignedIn(session) {
      // The client's code, never the session: the client exchanges it at the token endpoint.
      if (session.continueTo) return window.location.replace(session.continueTo);
      if (!session.redirectTo) return;
      const fragment = new URLSearchParams({ session: session.token, expires_at: session.expiresAt });
      window.location.replace(`${session.redirectTo}#${fragment}`);
    },
  });
}
