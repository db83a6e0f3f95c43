import type { MailStrings } from '../mail';

export const mail: MailStrings = {
  subject: 'Iniciar sesión en {appName}',
  intro: 'Usa este enlace para iniciar sesión en {appName}:',
  button: 'Iniciar sesión',
  copyLink: 'O copia esta dirección en tu navegador:',
  codeIntro: 'O escribe este código donde pediste iniciar sesión:',
  expiry: 'El enlace y el código caducan en {duration}. Solo sirven una vez: en cuanto uno de los dos inicia tu sesión, ambos dejan de funcionar.',
  ignore: '¿No lo has pedido tú? Puedes ignorar este correo sin problema: nadie puede iniciar sesión sin el enlace o el código.',
  support: '¿Necesitas ayuda? Contacta con {support}',
};
