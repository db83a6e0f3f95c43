import type { MailStrings } from '../mail';

export const mail: MailStrings = {
  subject: 'Sign in to {appName}',
  intro: 'Use this link to sign in to {appName}:',
  button: 'Sign in',
  copyLink: 'Or copy this address into your browser:',
  codeIntro: 'Or type this code where you asked to sign in:',
  expiry: 'The link and the code expire in {duration}. This link and code work once: either one signs you in, then both stop working.',
  ignore: "Didn't ask for this? You can safely ignore this email: nobody can sign in without the link or the code.",
  support: 'Need help? Contact {support}',
};
