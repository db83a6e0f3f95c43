import { acceptedLanguages, negotiateLocale, textDirection, type Locale } from '../contract/locales';
import { fill, type PageStrings } from '../contract/locales/page';
import { ROUTES } from '../contract/routes';
import { DEFAULT_PRIMARY_COLOR, supportHref, type Brand } from '../domain/brand';
import { loadOnce } from '../domain/load-once';
import { FAVICON_PATH } from './favicon';
import { languageModule, pageStrings } from './strings';

/**
 * The hosted sign-in page: HTML, its stylesheet (the brand's colour in it), its module (built from
 * client/ by `npm run docs`) and the words of one language for the module. No inline script or style,
 * so the page runs under the chain's strict CSP.
 */
/** Text for HTML: the five characters that could end an element or an attribute, escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** What a hosted page shows of the deployment: its name, its look and the language it falls back to. */
export interface PageConfig {
  readonly appName: string;
  readonly brand: Brand;
  readonly defaultLocale: Locale;
}

/** The language a server-rendered page is written in: the reader's `Accept-Language`, else the deployment's default. */
export function pageLocale(config: PageConfig, acceptLanguage: string | undefined): Locale {
  return negotiateLocale({ preferences: acceptedLanguages(acceptLanguage ?? '') }, config.defaultLocale);
}

/** A page's title that says which app it belongs to. */
export function titleWithApp(title: string, appName: string): string {
  return `${title} · ${appName}`;
}

/**
 * A page of the hosted sign-in: its assets are found relative to the page (`base`: `` for `/sign-in`,
 * `../` for `/oauth2/authorize`), since the API may be served under a path prefix (the emulator's).
 * The brand's logo (an `img-src` the CSP names) above the content, its support link below.
 */
export function html(options: { base: string; locale: Locale; strings: PageStrings; config: PageConfig; title: string; main: string }): string {
  const { brand, appName } = options.config;
  const logo = brand.logoUrl === undefined ? '' : `<header class="mla-brand"><img src="${escapeHtml(brand.logoUrl)}" alt="${escapeHtml(appName)}"></header>\n`;
  const support = brand.support === undefined ? '' : `\n<footer class="mla-footer"><a id="mla-support" href="${escapeHtml(supportHref(brand.support))}">${escapeHtml(options.strings.support)}</a></footer>`;
  return `<!doctype html>
<html lang="${options.locale}" dir="${textDirection(options.locale)}">
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
${logo}${options.main}${support}
</body>
</html>
`;
}

/**
 * The element the module mounts the sign-in on, with what it needs to know of the deployment: the app's
 * name for the heading and the language to fall back to (the module picks from the browser's languages).
 */
export function signInMain(options: { config: PageConfig; strings: PageStrings; clientName?: string }): string {
  const client = options.clientName === undefined ? '' : ` data-client-name="${escapeHtml(options.clientName)}"`;
  return `<main id="sign-in" class="mla" data-app-name="${escapeHtml(options.config.appName)}" data-default-locale="${options.config.defaultLocale}"${client}><noscript><p>${escapeHtml(options.strings.needsJavaScript)}</p></noscript></main>`;
}

/** The page's stylesheet, its buttons and links in the brand's colour (AA against white text, checked at synth). */
function css(brand: Brand): string {
  return `:root{color-scheme:light dark;font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;line-height:1.5;--mla-primary:${brand.primaryColor ?? DEFAULT_PRIMARY_COLOR}}
body{margin:0;display:flex;flex-direction:column;align-items:center;padding:10vh 1rem}
.mla{width:100%;max-width:24rem}
.mla-brand{width:100%;max-width:24rem}
.mla-brand img{display:block;max-height:3rem;max-width:12rem;margin:0 0 1.5rem}
.mla-footer{width:100%;max-width:24rem;margin-top:2rem;font-size:.9rem}
.mla-footer a{color:inherit}
.mla h1{font-size:1.5rem;margin:0 0 .75rem}
.mla h1:focus{outline:none}
.mla label{display:block;font-weight:600;margin:1rem 0 .25rem}
.mla input{box-sizing:border-box;width:100%;font:inherit;padding:.6rem .7rem;border:1px solid #888;border-radius:6px}
.mla #mla-code{font-size:1.5rem;letter-spacing:.3em;font-family:ui-monospace,Menlo,Consolas,monospace}
.mla button{font:inherit;font-weight:600;margin-top:1rem;padding:.6rem 1.1rem;border:0;border-radius:6px;background:var(--mla-primary);color:#fff;cursor:pointer}
.mla button:disabled{background:#9aa5b8;cursor:not-allowed}
.mla button:focus-visible,.mla input:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.mla .mla-secondary{background:transparent;color:var(--mla-primary);border:1px solid var(--mla-primary)}
.mla .mla-secondary:disabled{color:#7b8496;border-color:#9aa5b8;background:transparent}
.mla .mla-link{background:transparent;color:var(--mla-primary);text-decoration:underline;padding:.6rem 0}
.mla .mla-status{min-height:1.5em;margin:.75rem 0 0}
.mla .mla-error{color:#b42318;font-weight:600}
@media (prefers-color-scheme:dark){.mla .mla-secondary:enabled,.mla .mla-link{color:inherit;border-color:currentColor}.mla .mla-error{color:#f97066}}
`;
}

/** What a hosted route's body is made from: the deployment's settings and the request. */
export interface PageRequest {
  readonly config: PageConfig;
  readonly query: URLSearchParams;
  readonly acceptLanguage: string | undefined;
}

/** Made once per configuration (a container has one) and key: the settings do not change while it runs. */
const cached = new WeakMap<PageConfig, Map<string, Promise<string> | string>>();
const once = (config: PageConfig, key: string, make: () => Promise<string> | string) => {
  const made = cached.get(config) ?? new Map<string, Promise<string> | string>();
  cached.set(config, made);
  if (!made.has(key)) made.set(key, make());
  return made.get(key)!;
};

async function signInPage(request: PageRequest): Promise<string> {
  const locale = pageLocale(request.config, request.acceptLanguage);
  const strings = await pageStrings(locale);
  return html({ base: '', locale, strings, config: request.config, title: fill(strings.signInTo, { appName: request.config.appName }), main: signInMain({ config: request.config, strings }) });
}

const loadApp = loadOnce(() => import('./app.generated'));

const BODIES: Record<string, (request: PageRequest) => string | Promise<string>> = {
  '/sign-in': (request) => once(request.config, `html ${pageLocale(request.config, request.acceptLanguage)}`, () => signInPage(request)),
  // Imported on the module's own first request: a cold start that serves the HTML does not load it.
  '/sign-in/app.js': async () => (await loadApp()).SIGN_IN_APP_JS,
  '/sign-in/app.css': (request) => once(request.config, 'css', () => css(request.config.brand)),
  // The language the module picked, asked for by tag: the default's when the deployment does not speak it.
  '/sign-in/language.js': (request) => {
    const locale = negotiateLocale({ locale: request.query.get('locale') ?? undefined }, request.config.defaultLocale);
    return once(request.config, `language ${locale}`, () => languageModule(locale));
  },
};

/** Each hosted route's body and media type, by route key (the routes and their media types come from ROUTES). */
export const HOSTED_PAGE: Readonly<Record<string, { readonly body: (request: PageRequest) => string | Promise<string>; readonly contentType: string }>> = Object.fromEntries(
  ROUTES.filter((route) => route.handler === 'sign-in-page' && !('oauth' in route)).map((route) => [
    `${route.method} ${route.path}`,
    { body: BODIES[route.path]!, contentType: `${'media' in route ? route.media : 'text/plain'}; charset=utf-8` },
  ]),
);
