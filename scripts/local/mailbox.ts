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
