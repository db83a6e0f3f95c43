import type { MailStrings } from '../mail';

export const mail: MailStrings = {
  subject: 'Se connecter à {appName}',
  intro: 'Utilisez ce lien pour vous connecter à {appName}\u00a0:',
  button: 'Se connecter',
  copyLink: 'Ou copiez cette adresse dans votre navigateur\u00a0:',
  codeIntro: 'Ou saisissez ce code là où vous avez demandé à vous connecter\u00a0:',
  expiry: 'Le lien et le code expirent dans {duration}. Ils ne servent qu’une fois\u00a0: dès que l’un des deux vous a connecté, aucun ne fonctionne plus.',
  ignore: 'Vous n’êtes pas à l’origine de cette demande\u00a0? Vous pouvez ignorer cet e-mail sans crainte\u00a0: personne ne peut se connecter sans le lien ou le code.',
  support: 'Besoin d’aide\u00a0? Contactez {support}',
};
