import { somethingWentWrong, type MessageStrings } from '../messages';

export const messages: MessageStrings = {
  locale: 'es',
  ...somethingWentWrong('Algo salió mal. Inténtalo de nuevo más tarde.'),
  validation_failed: 'Parte de la información enviada no es válida. Revísala e inténtalo de nuevo.',
  'validation_failed.email': 'Introduce una dirección de correo electrónico válida.',
  'validation_failed.code': 'Introduce el código de 6 dígitos del correo.',
  'validation_failed.token': 'Este enlace de inicio de sesión está incompleto. Abre el enlace completo de tu correo o solicita uno nuevo.',
  magic_link_ip_limit_exceeded: 'Demasiadas solicitudes de inicio de sesión desde tu red. Inténtalo de nuevo dentro de {minutes}.',
  magic_link_email_limit_exceeded:
    'Se han solicitado demasiados enlaces de inicio de sesión para esta dirección de correo. Revisa tu bandeja de entrada (y la carpeta de spam) o inténtalo de nuevo dentro de {minutes}.',
  magic_link_capacity_exceeded:
    'El envío de correos de inicio de sesión está en pausa por una demanda inusualmente alta. Inténtalo de nuevo dentro de {minutes}.',
  magic_link_challenge_required: 'El inicio de sesión está muy ocupado en este momento. Inténtalo de nuevo en un momento.',
  magic_link_not_found:
    'Este enlace de inicio de sesión no es válido. Asegúrate de abrir el enlace completo de tu correo más reciente o solicita uno nuevo.',
  magic_link_expired: 'Este enlace de inicio de sesión ha caducado. Solicita un enlace nuevo.',
  magic_link_already_used:
    'Este enlace de inicio de sesión ya se ha usado. Si ya has iniciado sesión en otro lugar, usa esa sesión. Si no, solicita un enlace nuevo.',
  magic_link_device_mismatch:
    'Este inicio de sesión se solicitó en otro dispositivo o navegador. Abre el enlace allí o escribe el código de 6 dígitos del correo en el dispositivo donde pediste iniciar sesión.',
  magic_link_code_invalid: 'Ese código no es correcto. Comprueba el código de 6 dígitos de tu correo de inicio de sesión más reciente e inténtalo de nuevo.',
  magic_link_code_attempts_exceeded:
    'Se han introducido demasiados códigos incorrectos para esta dirección de correo. Usa el enlace del correo o inténtalo de nuevo dentro de {minutes}.',
  magic_link_code_ip_limit_exceeded:
    'Se han introducido demasiados códigos incorrectos desde esta red. Usa el enlace del correo o inténtalo de nuevo dentro de {minutes}.',
  sign_in_not_allowed:
    'Esta dirección de correo no se puede usar para iniciar sesión aquí. Usa otra dirección o pide a los responsables del servicio que la admitan.',
  session_invalid: 'Tu sesión ha terminado. Vuelve a iniciar sesión.',
  email_delivery_failed: 'No pudimos enviar el correo de inicio de sesión. Comprueba la dirección e inténtalo de nuevo en un momento.',
  service_unavailable: 'El servicio está muy ocupado en este momento. Inténtalo de nuevo dentro de {seconds}.',
};
