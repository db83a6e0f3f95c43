import type { ErrorDoc } from '../error-doc';

export default {
  code: 'route_not_found',
  title: 'Route Not Found',
  summary: 'No route matches this path. Check the URL against the routes the API serves.',
  whatItMeans: [
    'The request reached the service, but its path is not one the API serves, under any method. The sign-in routes are `POST /v1/auth/magic-link`, `POST /v1/auth/verify`, `GET /v1/auth/session` and `POST /v1/auth/sign-out`. Nothing was done.',
  ],
  whenYoullSeeThis: [
    'The path has a typo, or a name that is close but not the same, such as `/v1/auth/magiclink` or `/v1/auth/signout`.',
    'The `/v1` prefix is missing, for example `/auth/verify`.',
    'The base URL was joined to the path wrongly, leaving a doubled or missing segment.',
    'The request went to the bare base URL (`/`), which has no route of its own.',
  ],
  learnMore: [
    'Paths must match exactly, including letter case. When a request matches no route, the service still answers in its usual error format, with a `request_id`, rather than a bare "Not Found", so your client can handle it like any other error.',
    'If the path is right but the method is wrong (for example `GET /v1/auth/magic-link`), you get `method_not_allowed` instead, with an `Allow` header listing the methods the path accepts. So this error always means the path itself is wrong.',
  ],
  quickFix: [
    'Compare the URL you called, character by character, with the routes listed above.',
    'Check the base URL: it is the API address of your deployment, and the sign-in route paths start with `/v1/auth/`.',
  ],
  recovery:
    'Treat this as a configuration or code bug, never a transient failure: don\'t retry. Build request URLs from one configured base URL and a fixed set of route constants, and log the full URL with the `request_id` when this error appears.',
  avoid: [
    'Keep the route paths as constants in one place in your client instead of typing them at each call.',
    'Join the base URL and the path with a URL library (or a single helper) so slashes come out right.',
    'Add a smoke test that calls each route after a deployment, so a wrong base URL shows up at once.',
  ],
} satisfies ErrorDoc;
