import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MagicLinkAuth, type MagicLinkAuthProps } from '../../lib/magic-link-auth';
import { BRAND_FIXTURE, TEMPLATE_FIXTURES } from '../fixtures/mail-templates';

/**
 * The team's templates and brand are checked when the stack is built: a mail that could not sign
 * anyone in, or could not be rendered, or a button colour that is hard to read, fails `cdk synth`
 * with the locale and the problem named, instead of reaching a reader.
 */
const required: MagicLinkAuthProps = { senderAddress: 'no-reply@example.com', appName: 'Example App', signInUrl: 'https://app.example.com/sign-in' };
let count = 0;
const synth = (props: Partial<MagicLinkAuthProps>) => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, `Templates${count++}`);
  new MagicLinkAuth(stack, 'Auth', { ...required, ...props });
  return Template.fromStack(stack);
};
const templates = (mailTemplates: unknown) => () => synth({ mailTemplates: mailTemplates as MagicLinkAuthProps['mailTemplates'], brand: BRAND_FIXTURE });
const body = '<p><a href="{{link}}">Sign in</a> {{code}}</p>';

describe('mailTemplates at synth', () => {
  it.each([
    [{ de: { html: '<a href="{{link}}">Anmelden</a>' } }, 'MagicLinkAuth: mailTemplates["de"].html must contain {{code}}: without it the mail cannot sign anyone in'],
    [{ fr: { text: 'Code : {{code}}' } }, 'MagicLinkAuth: mailTemplates["fr"].text must contain {{link}}: without it the mail cannot sign anyone in'],
    [{ 'pt-BR': { text: 'Entre: {{link}} {{code}} {{nome}}' } }, 'MagicLinkAuth: mailTemplates["pt-BR"].text uses the unknown placeholder {{nome}} (known: {{link}}, {{code}}, {{expires}}, {{appName}}, {{supportUrl}})'],
    [{ es: { subject: 'Hola {{ appName }}' } }, 'MagicLinkAuth: mailTemplates["es"].subject uses the unknown placeholder {{ appName }}'],
    [{ ja: { html: `${body} {{code` } }, 'MagicLinkAuth: mailTemplates["ja"].html has an unclosed "{{" at character 48'],
    [{ en: { text: '{{link}} {{code}} }} done' } }, 'MagicLinkAuth: mailTemplates["en"].text has "}}" without an opening "{{" at character 19'],
    [{ en: { subject: '' } }, 'MagicLinkAuth: mailTemplates["en"].subject must be a non-empty string'],
    [{ en: { subject: 'Two\nlines' } }, 'MagicLinkAuth: mailTemplates["en"].subject must be one line'],
    [{ pt: { subject: 'Entrar' } }, 'MagicLinkAuth: mailTemplates["pt"]: "pt" is not a locale the service speaks (en, de, fr, es, pt-BR, ja, ar)'],
    [{ en: { body: body } }, 'MagicLinkAuth: mailTemplates["en"] has no part "body" (parts: subject, text, html)'],
  ])('refuses %j, naming the locale and the problem', (given, message) => {
    expect(templates(given)).toThrow(message);
  });

  it('refuses {{supportUrl}} when the brand names no support address or page', () => {
    expect(() => synth({ mailTemplates: { en: { html: `${body} <a href="{{supportUrl}}">Help</a>` } } })).toThrow(
      'MagicLinkAuth: mailTemplates["en"].html uses {{supportUrl}}, but brand.support is not set',
    );
  });

  it.each(Object.keys(TEMPLATE_FIXTURES))('accepts the %s fixture and hands it to the request function only', (name) => {
    const template = synth({ mailTemplates: TEMPLATE_FIXTURES[name], brand: BRAND_FIXTURE });
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).map((fn) => fn.Properties.Environment.Variables as Record<string, string>);
    const carrying = functions.filter((variables) => variables.MAIL_TEMPLATES !== undefined);
    expect(carrying).toHaveLength(1);
    expect(JSON.parse(carrying[0]!.MAIL_TEMPLATES!)).toEqual(TEMPLATE_FIXTURES[name]);
  });

  it('refuses templates that would take the request function past Lambda\'s 4 KB of environment, with their size', () => {
    const html = `<!doctype html><html lang="en" dir="ltr"><body>${body}${'<p style="margin:0 0 12px 0;color:#333333">Welcome back.</p>'.repeat(60)}</body></html>`;
    expect(() => synth({ mailTemplates: { en: { html } } })).toThrow(/^MagicLinkAuth: mailTemplates take \d{4} bytes of the request function's environment, which would then hold about \d{4} bytes; Lambda allows 4096 in all/);
  });
});

describe('brand at synth', () => {
  it('refuses a primary colour under WCAG AA contrast with the white button text, with the measured ratio', () => {
    expect(() => synth({ brand: { primaryColor: '#4f9dff' } })).toThrow(
      'MagicLinkAuth: brand primaryColor #4f9dff has a contrast ratio of 2.76:1 with the button text (#ffffff); WCAG AA needs at least 4.5:1, so choose a darker colour',
    );
  });

  it('hands a checked brand to the functions', () => {
    const template = synth({ brand: { ...BRAND_FIXTURE, primaryColor: '#1A56DB' } });
    const variables = Object.values(template.findResources('AWS::Lambda::Function'))[0]!.Properties.Environment.Variables as Record<string, string>;
    expect(JSON.parse(variables.BRAND!)).toEqual({ ...BRAND_FIXTURE, primaryColor: '#1a56db' });
  });
});
