import type { ErrorDoc } from '../error-doc';

export default {
  code: 'method_not_allowed',
  title: 'Method Not Allowed',
  summary: 'The path exists, but not with this HTTP method. The `Allow` header lists the methods it accepts.',
  whatItMeans: [
    'The request used a path the API serves, but with the wrong HTTP method, for example `GET` where the route expects `POST`. The response carries an `Allow` header listing the methods the path does accept (such as `Allow: POST, OPTIONS`). Nothing was done.',
  ],
  whenYoullSeeThis: [
    'Someone opened `/v1/auth/magic-link` or `/v1/auth/verify` in a browser tab, which sends a `GET`; both routes take `POST`.',
    'The deployment\'s sign-in URL points at the API\'s verify route instead of your app\'s sign-in page, so clicking the emailed link sends a `GET` to the API.',
    'Sign-out was wired as a plain link (`<a href>`), which sends `GET`; `/v1/auth/sign-out` takes `POST`.',
    'The client sent `POST` to `/v1/auth/session`, which takes `GET`.',
  ],
  learnMore: [
    'Each sign-in route accepts one method: `POST` for magic-link, verify and sign-out, because they change something (send an email, consume a link, end a session), and `GET` for session, because it only reads. Keeping state changes off `GET` means a link preview, a prefetch or a crawler can never sign anyone in or out by following a URL.',
    '`OPTIONS` is listed in `Allow` because browsers send it as a CORS preflight before cross-origin calls; you don\'t call it yourself. If the path itself were wrong, you would get `route_not_found` instead.',
  ],
  quickFix: [
    'Read the `Allow` header in the response and resend with that method.',
    'Use `POST` for `/v1/auth/magic-link`, `/v1/auth/verify` and `/v1/auth/sign-out`, and `GET` for `/v1/auth/session`.',
    'If an emailed link opens the API instead of your app, ask whoever deployed the service to set the sign-in URL to your app\'s sign-in page.',
  ],
  recovery:
    'This is a code or configuration bug, so don\'t retry the same request. Define each route\'s method next to its path in your client, and log the method, path and `request_id` when this error appears; the `Allow` header tells you the fix.',
  avoid: [
    'Keep each route\'s method and path together as one constant in your client.',
    'Implement sign-out as a button that sends `POST`, not as a link.',
    'Leave the deployment\'s sign-in URL on the hosted page (`GET /sign-in`), or point it at a page in your app that reads the token and posts it to `/v1/auth/verify` only when the person clicks to confirm, as the drop-in module `client/sign-in.ts` does.',
  ],
} satisfies ErrorDoc;
