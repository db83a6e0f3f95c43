export interface MagicLinkEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** "15 minutes", "1 hour", "7 days", "90 seconds": a lifetime as a person reads it. */
export function describeDuration(seconds: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (seconds % 86_400 === 0) return unit(seconds / 86_400, 'day');
  if (seconds % 3600 === 0) return unit(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return unit(seconds / 60, 'minute');
  return unit(seconds, 'second');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Three digits, a space, three digits: easier to read and to type back. The plain-text part keeps the digits alone on a line. */
export function groupCode(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}

/**
 * The sign-in email: a plain-text part and an HTML part that say the same thing. The link and the
 * code are two ways to finish one sign-in; the code works on any device, typed where the person asked.
 */
export function renderMagicLinkEmail(link: string, code: string, lifetimeSeconds: number): MagicLinkEmail {
  const lifetime = describeDuration(lifetimeSeconds);
  const subject = 'Your sign-in link';
  const text = [
    'Use this link to sign in:',
    '',
    link,
    '',
    'Or type this code where you asked to sign in:',
    '',
    code,
    '',
    `The link and the code expire in ${lifetime}. This link and code work once: either one signs you in, then both stop working.`,
    '',
    "Didn't ask for this? You can safely ignore this email: nobody can sign in without the link or the code.",
    '',
  ].join('\n');
  const href = escapeHtml(link);
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${subject}</title></head>
<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;line-height:1.5;color:#111">
<p>Use this link to sign in:</p>
<p><a href="${href}" style="display:inline-block;padding:10px 18px;background:#111;color:#fff;text-decoration:none;border-radius:6px">Sign in</a></p>
<p style="font-size:13px;color:#555">Or copy this address into your browser:<br><span style="word-break:break-all">${href}</span></p>
<p>Or type this code where you asked to sign in:</p>
<p style="font-size:28px;font-weight:600;letter-spacing:4px;font-family:ui-monospace,Menlo,Consolas,monospace">${escapeHtml(groupCode(code))}</p>
<p>The link and the code expire in ${escapeHtml(lifetime)}. This link and code work once: either one signs you in, then both stop working.</p>
<p style="font-size:13px;color:#555">Didn't ask for this? You can safely ignore this email: nobody can sign in without the link or the code.</p>
</body>
</html>
`;
  return { subject, text, html };
}

/** The link that goes in the email. The token rides in the fragment, which browsers never send to a server. */
export function magicLinkUrl(signInUrl: string, token: string): string {
  return `${signInUrl}#token=${token}`;
}
