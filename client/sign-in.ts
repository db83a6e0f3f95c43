/**
 * The sign-in steps as a drop-in ES module for a page of your own (the hosted page uses it too).
 * No framework and no runtime dependency; no inline script or `innerHTML`, so it runs under a strict
 * Content-Security-Policy with Trusted Types.
 *
 * - Request: the address, sent with a fresh `code_challenge` (the verifier stays in this browser's
 *   `localStorage`, so a new tab of the same browser finds it when the link is opened). Another email
 *   to an address waits at least 60 seconds, also after "Use a different email"; a 429 is shown, never retried.
 * - Confirm (the page a link opens): the token is read from `#token=` and removed from the address bar
 *   and history at once. Nothing is sent until a person clicks "Sign in": a mail scanner that runs the
 *   page does not use the link up.
 * - Code: the 6-digit code from the email, for a person who reads the mail on another device.
 *
 * On success the session goes to `onSignedIn`; this module never stores the session token itself.
 */
import { formatUnit } from '../lambdas/contract/locales';
import { page as ENGLISH } from '../lambdas/contract/locales/en/page';
import { fill, type Language } from '../lambdas/contract/locales/page';
import { MagicLinkClient, codeChallengeFor, createPkcePair, userMessage, type ErrorCode, type Failure, type SignedIn } from './index';

export type { Language, PageStrings } from '../lambdas/contract/locales/page';

export interface SignedInSession {
  /** Send as `Authorization: Bearer <token>`. */
  readonly token: string;
  readonly expiresAt: string;
  /** The user's stable id (`usr_` and a ULID), the same at every sign-in of this address: key your data on it. */
  readonly userId: string;
  readonly email: string;
  /**
   * A short-lived RS256 JWT for your own backend (verify it against `<API URL>/.well-known/jwks.json`),
   * and when it expires; `MagicLinkClient.refreshAccessToken` gets a new one while the session lives.
   */
  readonly accessToken: { readonly token: string; readonly expiresAt: string };
  /** The allowlisted `redirect_to` the sign-in was requested with, if any. */
  readonly redirectTo?: string;
  /** For a sign-in requested with an `authorizationRequest`: where to send the browser (the client's redirect URI with its code). */
  readonly continueTo?: string;
}

export interface SignInOptions {
  /** The API's base URL. */
  readonly baseUrl: string;
  /** Called once with the new session. Store it as your app needs; the module does not. */
  readonly onSignedIn: (session: SignedInSession) => void;
  /** Asks the hosted page to send the person here after sign-in (must be allowlisted by the deployment). */
  readonly redirectTo?: string;
  /** An OpenID Connect authorization request (the hosted page's `/oauth2/authorize`), sent with the link request. */
  readonly authorizationRequest?: NonNullable<Parameters<MagicLinkClient['requestMagicLink']>[1]>['authorizationRequest'];
  /** The app the person signs in to: the headings say "Sign in to <appName>". */
  readonly appName?: string;
  /** What a signed-in person without a redirect is told to do next. @default the language's `nextStep` ("You can close this tab and go back to the app.") */
  readonly nextStep?: string;
  /**
   * The language to speak: its tag (sent with the link request, so the mail is written in it too), the
   * module's words (`lambdas/contract/locales/<tag>/page.ts`) and the error sentences (`…/messages.ts`).
   * The hosted page gets one from `<API>/sign-in/language.js?locale=<tag>`. @default English
   */
  readonly language?: Language;
  /** Seconds before "Send another email" is offered. @default 60 */
  readonly resendAfterSeconds?: number;
  /** Where the pending sign-in's verifier and address are kept. @default localStorage */
  readonly storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
}

const PENDING_KEY = 'magic-link-auth:pending';
/** When a link was last sent to each address: the resend hold-off outlives "Use a different email". */
const SENT_KEY = 'magic-link-auth:sent';

interface Pending {
  readonly email: string;
  readonly verifier: string;
}

type Child = Node | string | false | undefined;

/** A tiny element builder: attributes as properties or attributes, children as nodes or text. */
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string | boolean> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

export function mountSignIn(root: HTMLElement, options: SignInOptions): { destroy(): void } {
  const client = new MagicLinkClient({ baseUrl: options.baseUrl, ...(options.language ? { messages: options.language.messages } : {}) });
  const storage = options.storage ?? window.localStorage;
  const resendAfter = Math.max(60, options.resendAfterSeconds ?? 60);
  const timers = new Set<ReturnType<typeof setInterval>>();
  const locale = options.language?.locale ?? 'en';
  const t = options.language?.page ?? ENGLISH;
  /**
   * A catalog string with `{email}` as an emphasised element (text nodes only: no markup is parsed),
   * isolated left to right so an address keeps its order inside right-to-left text.
   */
  const withEmail = (template: string, email: string): Child[] => template.split('{email}').flatMap((part, index) => (index === 0 ? [part] : [h('strong', { dir: 'ltr' }, email), part]));

  const readPending = (): Pending | null => {
    try {
      const value = JSON.parse(storage.getItem(PENDING_KEY) ?? 'null') as Pending | null;
      return value && typeof value.verifier === 'string' && typeof value.email === 'string' ? value : null;
    } catch {
      return null;
    }
  };

  const readSent = (): Record<string, number> => {
    try {
      return (JSON.parse(storage.getItem(SENT_KEY) ?? '{}') as Record<string, number>) ?? {};
    } catch {
      return {};
    }
  };
  /** Seconds before another email may go to `email` (0: now). */
  const waitFor = (email: string) => Math.max(0, Math.ceil(((readSent()[email] ?? 0) + resendAfter * 1000 - Date.now()) / 1000));

  /** Replaces the step shown, and moves focus to its heading so screen readers announce it. */
  const show = (...children: Node[]) => {
    for (const timer of timers) clearInterval(timer);
    timers.clear();
    root.replaceChildren(...children);
    root.querySelector<HTMLElement>('h1')?.focus();
  };
  const heading = (text: string) => h('h1', { tabindex: '-1' }, text);
  const status = (id = '') => h('p', { role: 'status', 'aria-live': 'polite', class: 'mla-status', id: id || false });
  /** A field in error points at the text that says why. */
  const invalid = (input: HTMLInputElement, region: HTMLElement, yes: boolean) => {
    if (!yes) return input.removeAttribute('aria-invalid');
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', region.id);
  };
  const say = (region: HTMLElement, text: string, kind: 'info' | 'error' = 'info') => {
    region.textContent = text;
    region.className = `mla-status mla-${kind}`;
  };
  /** Disables `button` for `seconds`, saying so in `region`; "Try again" only when the wait is over. */
  const holdOff = (button: HTMLButtonElement, region: HTMLElement, seconds: number, message: (left: number) => string, kind: 'info' | 'error' = 'info') => {
    const until = Date.now() + seconds * 1000;
    button.disabled = true;
    const tick = () => {
      const left = Math.ceil((until - Date.now()) / 1000);
      if (left > 0) return say(region, message(left), kind);
      clearInterval(timer);
      timers.delete(timer);
      button.disabled = false;
      say(region, '');
    };
    const timer = setInterval(tick, 1000);
    timers.add(timer);
    tick();
  };

  const finish = (session: SignedInSession) => {
    storage.removeItem(PENDING_KEY);
    storage.removeItem(SENT_KEY);
    const leaving = session.continueTo !== undefined || session.redirectTo !== undefined;
    show(
      heading(t.signedIn),
      h('p', {}, ...withEmail(t.signedInAs, session.email)),
      // Never a dead end: either the page is about to leave, or the person is told what to do now.
      h('p', {}, leaving ? t.takingYouBack : (options.nextStep ?? t.nextStep)),
    );
    options.onSignedIn(session);
  };
  const sessionOf = (data: SignedIn): SignedInSession => ({
    token: data.session.token,
    expiresAt: data.session.expires_at,
    userId: data.user.id,
    email: data.user.email,
    accessToken: { token: data.access_token.token, expiresAt: data.access_token.expires_at },
    ...(data.redirect_to === undefined ? {} : { redirectTo: data.redirect_to }),
    ...(data.continue_to === undefined ? {} : { continueTo: data.continue_to }),
  });

  const requestStep = (email = '') => {
    const input = h('input', { id: 'mla-email', type: 'email', name: 'email', autocomplete: 'email', required: true, value: email });
    const button = h('button', { type: 'submit' }, t.sendLink);
    const region = status('mla-email-error');
    const form = h('form', { novalidate: false }, h('label', { for: 'mla-email' }, t.emailLabel), input, button, region);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const address = input.value.trim();
      // Within the hold-off, this address's email is on its way: back to its code step, nothing sent.
      if (waitFor(address) > 0) return codeStep(address);
      void send(address, button, region, input);
    });
    show(heading(options.appName ? fill(t.signInTo, { appName: options.appName }) : t.signIn), h('p', {}, t.intro), form);
  };

  /** Requests a link for `email`, bound to this browser; on success, the code step. Never retried by itself. */
  const send = async (email: string, button: HTMLButtonElement, region: HTMLElement, input?: HTMLInputElement) => {
    button.disabled = true;
    if (input) invalid(input, region, false);
    say(region, t.sending);
    // One verifier while a sign-in is pending, whichever address: every email sent stays bound to this browser.
    const pending = readPending();
    const pair = pending ? null : await createPkcePair();
    const verifier = pair?.verifier ?? pending!.verifier;
    const challenge = pair?.challenge ?? (await codeChallengeFor(verifier));
    storage.setItem(PENDING_KEY, JSON.stringify({ email, verifier } satisfies Pending));
    try {
      const result = await client.requestMagicLink(email, {
        codeChallenge: challenge,
        ...(options.language ? { locale } : {}),
        ...(options.redirectTo ? { redirectTo: options.redirectTo } : {}),
        ...(options.authorizationRequest ? { authorizationRequest: options.authorizationRequest } : {}),
      });
      if (result.ok) {
        const sent = readSent();
        for (const address of Object.keys(sent)) if (waitFor(address) === 0) delete sent[address];
        storage.setItem(SENT_KEY, JSON.stringify({ ...sent, [email]: Date.now() }));
        return codeStep(email);
      }
      refuse(button, region, result);
      if (input && result.error === 'validation_failed') invalid(input, region, true);
    } catch {
      button.disabled = false;
      say(region, t.unreachable, 'error');
    }
  };

  /** Shows why a call was refused; a 429 or 503 keeps the button disabled for as long as the API says. */
  const refuse = (button: HTMLButtonElement, region: HTMLElement, failure: Failure<ErrorCode>) => {
    say(region, failure.userMessage, 'error');
    if (failure.retryAfterSeconds === null) {
      button.disabled = false;
      return;
    }
    const message = failure.userMessage;
    holdOff(button, region, failure.retryAfterSeconds, () => message, 'error');
  };

  const codeStep = (email: string) => {
    const input = h('input', { id: 'mla-code', name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', required: true, maxlength: '12', spellcheck: 'false' });
    const submit = h('button', { type: 'submit' }, t.signInWithCode);
    const region = status('mla-code-error');
    const form = h('form', {}, h('label', { for: 'mla-code' }, t.codeLabel), input, submit, region);
    const resend = h('button', { type: 'button', class: 'mla-secondary' }, t.sendAnother);
    const resendStatus = status();
    const other = h('button', { type: 'button', class: 'mla-link' }, t.useDifferentEmail);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      // Accept what people paste: "123 456", "123-456", a trailing newline.
      const code = input.value.replace(/\D/g, '');
      invalid(input, region, code.length !== 6);
      if (code.length !== 6) return say(region, userMessage('validation_failed', null, [{ field: 'code', issue: '' }], options.language?.messages), 'error');
      void verifyCode(email, code, input, submit, region);
    });
    resend.addEventListener('click', () => {
      void send(email, resend, resendStatus);
    });
    other.addEventListener('click', () => requestStep());
    show(
      heading(t.checkEmail),
      h('p', {}, ...withEmail(t.sentTo, email)),
      form,
      h('p', {}, resend, ' ', other),
      resendStatus,
    );
    holdOff(resend, resendStatus, waitFor(email), (left) => fill(t.resendIn, { duration: formatUnit(left, 'second', locale) }));
  };

  const verifyCode = async (email: string, code: string, input: HTMLInputElement, button: HTMLButtonElement, region: HTMLElement) => {
    button.disabled = true;
    say(region, t.signingIn);
    try {
      const result = await client.verifyCode(email, code, { codeVerifier: readPending()?.verifier });
      if (result.ok) return finish(sessionOf(result.data));
      if (result.error === 'magic_link_code_attempts_exceeded' || result.error === 'magic_link_code_ip_limit_exceeded') {
        input.disabled = true;
        say(region, result.userMessage, 'error');
        return;
      }
      refuse(button, region, result);
      if (result.error === 'magic_link_code_invalid') {
        invalid(input, region, true);
        input.select();
        input.focus();
      }
    } catch {
      button.disabled = false;
      say(region, t.unreachable, 'error');
    }
  };

  const confirmStep = (token: string) => {
    const button = h('button', { type: 'button' }, t.signIn);
    const region = status();
    button.addEventListener('click', () => {
      void (async () => {
        button.disabled = true;
        say(region, t.signingIn);
        try {
          const result = await client.verify(token, { codeVerifier: readPending()?.verifier });
          if (result.ok) return finish(sessionOf(result.data));
          say(region, result.userMessage, 'error');
          if (result.error === 'magic_link_device_mismatch') return; // the link is not used up: nothing more to do here
          if (result.status >= 500) button.disabled = false;
          else {
            const again = h('button', { type: 'button', class: 'mla-secondary' }, t.emailNewLink);
            again.addEventListener('click', () => requestStep(readPending()?.email));
            region.after(h('p', {}, again));
          }
        } catch {
          button.disabled = false;
          say(region, t.unreachable, 'error');
        }
      })();
    });
    show(heading(t.finishSigningIn), h('p', {}, t.clickToSignIn), button, region);
  };

  // A link opens this page with #token=…: take it, and drop it from the address bar and history at once.
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (token) {
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    confirmStep(token);
  } else {
    const pending = readPending();
    requestStep(pending?.email);
  }

  return {
    destroy() {
      for (const timer of timers) clearInterval(timer);
      root.replaceChildren();
    },
  };
}

