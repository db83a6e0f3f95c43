import { formatDuration, isLocale, textDirection, type Locale } from '../contract/locales';
import type { MailLoaders } from '../contract/locales/mail';
import type { Brand } from '../domain/brand';
import type { MailTemplates } from '../domain/mail-templates';
import type { MailSender, Mailer, SignInMail } from '../domain/ports';

export interface SignInMailerOptions {
  readonly appName: string;
  readonly brand: Brand;
  readonly defaultLocale: Locale;
  /** The team's templates by locale (checked at synth). */
  readonly templates: MailTemplates;
  /** The locales' words and the renderer, each loaded on first use. */
  readonly load: MailLoaders;
}

/** Writes the sign-in mail in the reader's language, with the team's name, look and templates, and hands it to the sender. */
export class SignInMailer implements Mailer {
  constructor(
    private readonly sender: MailSender,
    private readonly options: SignInMailerOptions,
  ) {}

  async send(mail: SignInMail): Promise<void> {
    const { appName, brand, defaultLocale, templates, load } = this.options;
    const locale = mail.locale !== undefined && isLocale(mail.locale) ? mail.locale : defaultLocale;
    const [strings, { renderMagicLinkEmail }] = await Promise.all([load.strings[locale](), load.renderer()]);
    const message = renderMagicLinkEmail(
      { link: mail.link, code: mail.code, expires: formatDuration(mail.lifetimeSeconds, locale) },
      { lang: locale, dir: textDirection(locale), strings, appName, brand },
      templates[locale],
    );
    await this.sender.send({ to: mail.to, ...message });
  }
}
