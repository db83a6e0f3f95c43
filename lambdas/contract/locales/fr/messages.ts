import { somethingWentWrong, type MessageStrings } from '../messages';

export const messages: MessageStrings = {
  locale: 'fr',
  ...somethingWentWrong('Une erreur s’est produite. Veuillez réessayer plus tard.'),
  validation_failed: 'Certaines des informations envoyées ne sont pas valides. Vérifiez-les et réessayez.',
  'validation_failed.email': 'Veuillez saisir une adresse e-mail valide.',
  'validation_failed.code': 'Veuillez saisir le code à 6 chiffres reçu par e-mail.',
  'validation_failed.token': 'Ce lien de connexion est incomplet. Ouvrez le lien entier de votre e-mail, ou demandez-en un nouveau.',
  magic_link_ip_limit_exceeded: 'Trop de demandes de connexion depuis votre réseau. Veuillez réessayer dans {minutes}.',
  magic_link_email_limit_exceeded:
    'Trop de liens de connexion ont été demandés pour cette adresse e-mail. Consultez votre boîte de réception (et vos courriers indésirables), ou réessayez dans {minutes}.',
  magic_link_capacity_exceeded:
    'Les e-mails de connexion sont suspendus pour un moment en raison d’une demande exceptionnellement forte. Veuillez réessayer dans {minutes}.',
  magic_link_challenge_required: 'La connexion est très sollicitée en ce moment. Veuillez réessayer dans un instant.',
  magic_link_not_found:
    'Ce lien de connexion n’est pas valide. Vérifiez que vous avez ouvert le lien entier de votre e-mail le plus récent, ou demandez-en un nouveau.',
  magic_link_expired: 'Ce lien de connexion a expiré. Veuillez demander un nouveau lien.',
  magic_link_already_used:
    'Ce lien de connexion a déjà été utilisé. Si vous êtes déjà connecté ailleurs, utilisez cette session. Sinon, demandez un nouveau lien.',
  magic_link_device_mismatch:
    'Cette connexion a été demandée sur un autre appareil ou navigateur. Ouvrez le lien sur celui-ci, ou saisissez le code à 6 chiffres de l’e-mail sur l’appareil où vous avez demandé à vous connecter.',
  magic_link_code_invalid: 'Ce code n’est pas le bon. Vérifiez le code à 6 chiffres de votre dernier e-mail de connexion et réessayez.',
  magic_link_code_attempts_exceeded:
    'Trop de codes erronés ont été saisis pour cette adresse e-mail. Utilisez le lien de l’e-mail, ou réessayez dans {minutes}.',
  magic_link_code_ip_limit_exceeded: 'Trop de codes erronés ont été saisis depuis ce réseau. Utilisez le lien de l’e-mail, ou réessayez dans {minutes}.',
  sign_in_not_allowed:
    'Cette adresse e-mail ne permet pas de se connecter ici. Utilisez une autre adresse, ou demandez aux responsables du service de l’autoriser.',
  session_invalid: 'Votre session a pris fin. Veuillez vous reconnecter.',
  email_delivery_failed: 'Nous n’avons pas pu envoyer l’e-mail de connexion. Vérifiez l’adresse et réessayez dans un instant.',
  service_unavailable: 'Le service est très sollicité en ce moment. Veuillez réessayer dans {seconds}.',
};
