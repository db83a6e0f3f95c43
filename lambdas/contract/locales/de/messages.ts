import { somethingWentWrong, type MessageStrings } from '../messages';

export const messages: MessageStrings = {
  locale: 'de',
  ...somethingWentWrong('Etwas ist schiefgelaufen. Bitte versuchen Sie es später erneut.'),
  validation_failed: 'Einige der gesendeten Angaben sind ungültig. Bitte prüfen Sie sie und versuchen Sie es erneut.',
  'validation_failed.email': 'Bitte geben Sie eine gültige E-Mail-Adresse ein.',
  'validation_failed.code': 'Bitte geben Sie den 6-stelligen Code aus der E-Mail ein.',
  'validation_failed.token': 'Dieser Anmeldelink ist unvollständig. Öffnen Sie den ganzen Link aus Ihrer E-Mail oder fordern Sie einen neuen an.',
  magic_link_ip_limit_exceeded: 'Zu viele Anmeldeanfragen aus Ihrem Netzwerk. Bitte versuchen Sie es in {minutes} erneut.',
  magic_link_email_limit_exceeded:
    'Für diese E-Mail-Adresse wurden zu viele Anmeldelinks angefordert. Bitte sehen Sie in Ihrem Posteingang (und im Spam-Ordner) nach oder versuchen Sie es in {minutes} erneut.',
  magic_link_capacity_exceeded: 'Wegen ungewöhnlich hoher Nachfrage werden vorübergehend keine Anmelde-E-Mails verschickt. Bitte versuchen Sie es in {minutes} erneut.',
  magic_link_challenge_required: 'Die Anmeldung ist gerade stark ausgelastet. Bitte versuchen Sie es gleich noch einmal.',
  magic_link_not_found:
    'Dieser Anmeldelink ist ungültig. Achten Sie darauf, den ganzen Link aus Ihrer neuesten E-Mail zu öffnen, oder fordern Sie einen neuen an.',
  magic_link_expired: 'Dieser Anmeldelink ist abgelaufen. Bitte fordern Sie einen neuen Link an.',
  magic_link_already_used:
    'Dieser Anmeldelink wurde bereits verwendet. Wenn Sie anderswo schon angemeldet sind, nutzen Sie diese Sitzung. Andernfalls fordern Sie einen neuen Link an.',
  magic_link_device_mismatch:
    'Diese Anmeldung wurde auf einem anderen Gerät oder in einem anderen Browser angefordert. Öffnen Sie den Link dort oder geben Sie den 6-stelligen Code aus der E-Mail auf dem Gerät ein, auf dem Sie die Anmeldung angefordert haben.',
  magic_link_code_invalid: 'Dieser Code stimmt nicht. Prüfen Sie den 6-stelligen Code in Ihrer neuesten Anmelde-E-Mail und versuchen Sie es erneut.',
  magic_link_code_attempts_exceeded:
    'Für diese E-Mail-Adresse wurden zu viele falsche Codes eingegeben. Bitte verwenden Sie den Link in der E-Mail oder versuchen Sie es in {minutes} erneut.',
  magic_link_code_ip_limit_exceeded:
    'Aus diesem Netzwerk wurden zu viele falsche Codes eingegeben. Bitte verwenden Sie den Link in der E-Mail oder versuchen Sie es in {minutes} erneut.',
  sign_in_not_allowed:
    'Mit dieser E-Mail-Adresse ist hier keine Anmeldung möglich. Bitte verwenden Sie eine andere Adresse oder bitten Sie die Betreiber des Dienstes, diese freizuschalten.',
  session_invalid: 'Ihre Sitzung ist beendet. Bitte melden Sie sich erneut an.',
  email_delivery_failed: 'Die Anmelde-E-Mail konnte nicht gesendet werden. Bitte prüfen Sie die Adresse und versuchen Sie es gleich noch einmal.',
  service_unavailable: 'Der Dienst ist gerade stark ausgelastet. Bitte versuchen Sie es in {seconds} erneut.',
};
