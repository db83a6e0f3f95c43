import type { MailStrings } from '../mail';

export const mail: MailStrings = {
  subject: 'Bei {appName} anmelden',
  intro: 'Mit diesem Link melden Sie sich bei {appName} an:',
  button: 'Anmelden',
  copyLink: 'Oder kopieren Sie diese Adresse in Ihren Browser:',
  codeIntro: 'Oder geben Sie diesen Code dort ein, wo Sie die Anmeldung angefordert haben:',
  expiry: 'Link und Code laufen in {duration} ab. Beide gelten nur einmal: Sobald Sie sich mit einem davon angemeldet haben, funktionieren beide nicht mehr.',
  ignore: 'Sie haben das nicht angefordert? Dann können Sie diese E-Mail einfach ignorieren: Ohne den Link oder den Code kann sich niemand anmelden.',
  support: 'Brauchen Sie Hilfe? Wenden Sie sich an {support}',
};
