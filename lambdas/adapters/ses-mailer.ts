import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DeliveryFailedError, DependencyUnavailableError } from '../domain/errors';
import type { MailSender, OutgoingEmail } from '../domain/ports';

/** SES answers that mean "slow down", not "no": the dependency is unavailable for a moment. */
const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException', 'LimitExceededException']);

export interface SesMailerOptions {
  readonly from: string;
  readonly configurationSet?: string;
  readonly client?: SESv2Client;
}

export class SesMailer implements MailSender {
  private readonly client: SESv2Client;

  constructor(private readonly options: SesMailerOptions) {
    this.client = options.client ?? new SESv2Client({});
  }

  async send(email: OutgoingEmail): Promise<void> {
    try {
      await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: this.options.from,
          Destination: { ToAddresses: [email.to] },
          ConfigurationSetName: this.options.configurationSet,
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: email.text, Charset: 'UTF-8' },
                Html: { Data: email.html, Charset: 'UTF-8' },
              },
            },
          },
        }),
      );
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (THROTTLED.has(name)) throw new DependencyUnavailableError('mailer', { cause: error });
      throw new DeliveryFailedError({ cause: error });
    }
  }
}
