import type { MailStrings } from '../mail';

export const mail: MailStrings = {
  subject: 'Entrar em {appName}',
  intro: 'Use este link para entrar em {appName}:',
  button: 'Entrar',
  copyLink: 'Ou copie este endereço no seu navegador:',
  codeIntro: 'Ou digite este código onde você pediu para entrar:',
  expiry: 'O link e o código expiram em {duration}. Eles só funcionam uma vez: assim que você entrar com um deles, os dois deixam de funcionar.',
  ignore: 'Não foi você que pediu? Pode ignorar este e-mail com segurança: ninguém consegue entrar sem o link ou o código.',
  support: 'Precisa de ajuda? Fale com {support}',
};
