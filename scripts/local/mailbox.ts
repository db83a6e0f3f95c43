import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml } from '../../lambdas/domain/mail-templates';
import { TOKEN_SOURCE } from '../../lambdas/domain/tokens';

/**
 * Reads the mail an emulator captured instead of sending: MiniStack at `GET /_ministack/ses/messages`,
 * LocalStack at `GET /_aws/ses`. One shape for both.
 */
export interface CapturedMail {
  readonly to: string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

interface MiniStackMessage { To?: string[]; Subject?: string; BodyText?: string; BodyHtml?: string }
interface LocalStackMessage {
  Destination?: { ToAddresses?: string[] };
  Subject?: string;
  Body?: { text_part?: string | null; html_part?: string | null };
}

export async function readMailbox(endpoint: string): Promise<CapturedMail[]> {
  const ministack = await fetch(`${endpoint}/_ministack/ses/messages`);
  if (ministack.ok) {
    const body = (await ministack.json()) as { messages?: Record<string, MiniStackMessage[]> };
    return Object.values(body.messages ?? {})
      .flat()
      .map((m) => ({ to: m.To ?? [], subject: m.Subject ?? '', text: m.BodyText ?? '', html: m.BodyHtml ?? '' }));
  }
  const localstack = await fetch(`${endpoint}/_aws/ses`);
  if (localstack.ok) {
    const body = (await localstack.json()) as { messages?: LocalStackMessage[] };
    return (body.messages ?? []).map((m) => ({
      to: m.Destination?.ToAddresses ?? [],
      subject: m.Subject ?? '',
      text: m.Body?.text_part ?? '',
      html: m.Body?.html_part ?? '',
    }));
  }
  throw new Error(`${endpoint} exposes neither MiniStack's nor LocalStack's captured-mail endpoint`);
}

const MAGIC_LINK = new RegExp(`(\\S+#token=(${TOKEN_SOURCE}))`);

/** The magic link in a message, if it has one. */
export function magicLinkIn(mail: CapturedMail): { url: string; token: string } | null {
  const match = MAGIC_LINK.exec(mail.text);
  return match ? { url: match[1]!, token: match[2]! } : null;
}

/** The one-time code in a message: the plain-text line that holds only six digits. */
export function codeIn(mail: CapturedMail): string | null {
  return mail.text.split(/\r?\n/).find((line) => /^[0-9]{6}$/.test(line)) ?? null;
}

/** Messages addressed to `to`, oldest first. */
export async function mailTo(endpoint: string, to: string): Promise<CapturedMail[]> {
  return (await readMailbox(endpoint)).filter((mail) => mail.to.includes(to));
}

/** Waits until `count` messages to `to` have arrived, and returns them. */
export async function waitForMail(endpoint: string, to: string, count = 1, timeoutMs = 15_000): Promise<CapturedMail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await mailTo(endpoint, to);
    if (mails.length >= count || Date.now() > deadline) return mails;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Where `npm start` shows the captured mail: every mail rendered and as text, and each part on its own. */
export const MAILBOX_PATH = '/_local/mail';

/** The n-th captured mail's parts (1 is the oldest): `…/1.html`, `…/1.txt`. */
export const mailPartPath = (n: number, part: 'html' | 'txt') => `${MAILBOX_PATH}/${n}.${part}`;

/**
 * Answers `GET /_local/mail` (the mailbox page: newest first, each mail's HTML part rendered in a
 * sandboxed frame beside its text part) and each part on its own; false for any other path. Nothing a
 * mail holds can run: the HTML part is served sandboxed, without scripts.
 */
export async function answerMailbox(req: IncomingMessage, res: ServerResponse, read: () => Promise<CapturedMail[]>): Promise<boolean> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/$/, '');
  if (path !== MAILBOX_PATH && !path.startsWith(`${MAILBOX_PATH}/`)) return false;
  const mails = await read();
  if (path === MAILBOX_PATH) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; frame-src 'self'; style-src 'unsafe-inline'" });
    res.end(mailboxPage(mails));
    return true;
  }
  const part = /^\/(\d+)\.(html|txt)$/.exec(path.slice(MAILBOX_PATH.length));
  const mail = part ? mails[Number(part[1]) - 1] : undefined;
  if (!part || mail === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`no such mail: ${path} (see ${MAILBOX_PATH})\n`);
  } else if (part[2] === 'html') {
    // As a reader's mail client would show it: styles and https images, no scripts, no forms.
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "sandbox allow-popups allow-top-navigation-by-user-activation; default-src 'none'; img-src https: data:; style-src 'unsafe-inline'" });
    res.end(mail.html);
  } else {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(mail.text);
  }
  return true;
}

function mailboxPage(mails: readonly CapturedMail[]): string {
  const entries = mails
    .map((mail, index) => ({ mail, n: index + 1 }))
    .reverse()
    .map(
      ({ mail, n }) => `<section>
<h2>${escapeHtml(mail.subject)}</h2>
<p>to ${escapeHtml(mail.to.join(', '))} · <a href="${mailPartPath(n, 'html')}">HTML</a> · <a href="${mailPartPath(n, 'txt')}">text</a></p>
<div class="parts"><iframe title="${escapeHtml(mail.subject)} (HTML)" src="${mailPartPath(n, 'html')}"></iframe><pre>${escapeHtml(mail.text)}</pre></div>
</section>`,
    );
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Mailbox (${mails.length})</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}.parts{display:flex;gap:1rem;flex-wrap:wrap}iframe{width:38rem;height:34rem;border:1px solid #ccc}pre{flex:1;min-width:20rem;white-space:pre-wrap;background:#f6f6f6;padding:1rem;margin:0}</style></head>
<body>
<h1>Mail sent by this deployment, newest first</h1>
${entries.length === 0 ? '<p>No mail yet: request a sign-in link.</p>' : entries.join('\n')}
</body>
</html>
`;
}
