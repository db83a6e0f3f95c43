import { ROUTES } from '../contract/routes';
import { FAVICON_PATH } from './favicon';

/**
 * The hosted sign-in page: static HTML, its stylesheet and its module (built from client/ by
 * `npm run docs`). No inline script or style, so the page runs under the chain's strict CSP.
 */
/** Text for HTML: the five characters that could end an element or an attribute, escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * A page of the hosted sign-in: its assets are found relative to the page (`base`: `` for `/sign-in`,
 * `../` for `/oauth2/authorize`), since the API may be served under a path prefix (the emulator's).
 */
export function html(options: { base: string; title: string; main: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="${options.base}sign-in/app.css">
<link rel="icon" href="${options.base}${FAVICON_PATH.slice(1)}">
${options.main.includes('id="sign-in"') ? `<script type="module" src="${options.base}sign-in/app.js"></script>\n` : ''}</head>
<body>
${options.main}
</body>
</html>
`;
}

const HTML = html({ base: '', title: 'Sign in', main: '<main id="sign-in" class="mla"><noscript><p>This sign-in page needs JavaScript.</p></noscript></main>' });

const CSS = `:root{color-scheme:light dark;font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;line-height:1.5}
body{margin:0;display:flex;justify-content:center;padding:10vh 1rem}
.mla{width:100%;max-width:24rem}
.mla h1{font-size:1.5rem;margin:0 0 .75rem}
.mla h1:focus{outline:none}
.mla label{display:block;font-weight:600;margin:1rem 0 .25rem}
.mla input{box-sizing:border-box;width:100%;font:inherit;padding:.6rem .7rem;border:1px solid #888;border-radius:6px}
.mla #mla-code{font-size:1.5rem;letter-spacing:.3em;font-family:ui-monospace,Menlo,Consolas,monospace}
.mla button{font:inherit;font-weight:600;margin-top:1rem;padding:.6rem 1.1rem;border:0;border-radius:6px;background:#1a56db;color:#fff;cursor:pointer}
.mla button:disabled{background:#9aa5b8;cursor:not-allowed}
.mla button:focus-visible,.mla input:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.mla .mla-secondary{background:transparent;color:#1a56db;border:1px solid #1a56db}
.mla .mla-secondary:disabled{color:#7b8496;border-color:#9aa5b8;background:transparent}
.mla .mla-link{background:transparent;color:#1a56db;text-decoration:underline;padding:.6rem 0}
.mla .mla-status{min-height:1.5em;margin:.75rem 0 0}
.mla .mla-error{color:#b42318;font-weight:600}
`;

const BODIES: Record<string, () => string | Promise<string>> = {
  '/sign-in': () => HTML,
  // Imported on the module's own first request: a cold start that serves the HTML does not load it.
  '/sign-in/app.js': async () => (await import('./app.generated')).SIGN_IN_APP_JS,
  '/sign-in/app.css': () => CSS,
};

/** Each hosted route's body and media type, by route key (the routes and their media types come from ROUTES). */
export const HOSTED_PAGE: Readonly<Record<string, { readonly body: () => string | Promise<string>; readonly contentType: string }>> = Object.fromEntries(
  ROUTES.filter((route) => route.handler === 'sign-in-page' && !('oauth' in route)).map((route) => [
    `${route.method} ${route.path}`,
    { body: BODIES[route.path]!, contentType: `${'media' in route ? route.media : 'text/plain'}; charset=utf-8` },
  ]),
);
