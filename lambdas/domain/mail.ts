/**
 * The sign-in email's words and parts. What is loaded on every request stays here (small); the
 * renderers, the team's templates and each locale's words are loaded when a mail is written
 * (`mail-templates.ts`, `contract/locales/<tag>/mail.ts`).
 */
export interface MagicLinkEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * One locale's words for the sign-in email. `{appName}`, `{duration}` and `{support}` are filled in
 * where they appear; nothing else is. A locale missing a string does not compile.
 */
export interface MailStrings {
  /** "Sign in to {appName}". */
  readonly subject: string;
  /** The first line, naming `{appName}`, leading to the link. */
  readonly intro: string;
  /** The button's label. */
  readonly button: string;
  /** Before the link written out, for mail readers that show no button. */
  readonly copyLink: string;
  /** Before the 6-digit code. */
  readonly codeIntro: string;
  /** When both stop working, and that either works once: `{duration}` is the link's lifetime in the locale's words ("15 minutes"). */
  readonly expiry: string;
  /** For a reader who did not ask. */
  readonly ignore: string;
  /**
   * The footer, when the brand names a support address or page: `{support}` is it. No punctuation
   * right after it: a mail client would take a full stop for part of the URL.
   */
  readonly support: string;
}

/** "15 minutes", "1 hour", "7 days", "90 seconds": a lifetime as a person reads it (English, for docs and messages). */
export function describeDuration(seconds: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (seconds % 86_400 === 0) return unit(seconds / 86_400, 'day');
  if (seconds % 3600 === 0) return unit(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return unit(seconds / 60, 'minute');
  return unit(seconds, 'second');
}

/** The link that goes in the email. The token rides in the fragment, which browsers never send to a server. */
export function magicLinkUrl(signInUrl: string, token: string): string {
  return `${signInUrl}#token=${token}`;
}
