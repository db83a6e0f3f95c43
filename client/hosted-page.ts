/**
 * The hosted sign-in page's script: the sign-in module on `<main id="sign-in">`, talking to the API
 * that served the page. After sign-in it sends the person to the allowlisted `redirect_to` the
 * sign-in was requested with (as the API returned it), with the session in the URL fragment;
 * without one, the module shows "You're signed in".
 */
import { mountSignIn } from './sign-in';

const root = document.getElementById('sign-in');
if (root) {
  // The page is `<API>/sign-in`, this module `<API>/sign-in/app.js`: the API is two levels up.
  const baseUrl = new URL('..', import.meta.url).href;
  const redirectTo = new URLSearchParams(window.location.search).get('redirect_to') ?? undefined;
  mountSignIn(root, {
    baseUrl,
    ...(redirectTo ? { redirectTo } : {}),
    onSignedIn(session) {
      if (!session.redirectTo) return;
      const fragment = new URLSearchParams({ session: session.token, expires_at: session.expiresAt });
      window.location.replace(`${session.redirectTo}#${fragment}`);
    },
  });
}
