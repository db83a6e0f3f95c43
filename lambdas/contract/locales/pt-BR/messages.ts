import { somethingWentWrong, type MessageStrings } from '../messages';

export const messages: MessageStrings = {
  locale: 'pt-BR',
  ...somethingWentWrong('Algo deu errado. Tente novamente mais tarde.'),
  validation_failed: 'Algumas das informações enviadas não são válidas. Confira e tente novamente.',
  'validation_failed.email': 'Digite um endereço de e-mail válido.',
  'validation_failed.code': 'Digite o código de 6 dígitos do e-mail.',
  'validation_failed.token': 'Este link de acesso está incompleto. Abra o link inteiro do seu e-mail ou peça um novo.',
  magic_link_ip_limit_exceeded: 'Muitos pedidos de acesso vindos da sua rede. Tente novamente em {minutes}.',
  magic_link_email_limit_exceeded:
    'Foram pedidos muitos links de acesso para este endereço de e-mail. Confira sua caixa de entrada (e a pasta de spam) ou tente novamente em {minutes}.',
  magic_link_capacity_exceeded: 'O envio de e-mails de acesso está pausado por um tempo devido a uma demanda incomumente alta. Tente novamente em {minutes}.',
  magic_link_challenge_required: 'O login está sobrecarregado no momento. Tente novamente em instantes.',
  magic_link_not_found: 'Este link de acesso não é válido. Verifique se você abriu o link inteiro do seu e-mail mais recente ou peça um novo.',
  magic_link_expired: 'Este link de acesso expirou. Peça um novo link.',
  magic_link_already_used: 'Este link de acesso já foi usado. Se você já entrou em outro lugar, use essa sessão. Caso contrário, peça um novo link.',
  magic_link_device_mismatch:
    'Este acesso foi pedido em outro dispositivo ou navegador. Abra o link nele ou digite o código de 6 dígitos do e-mail no dispositivo em que você pediu para entrar.',
  magic_link_code_invalid: 'Esse código não está certo. Confira o código de 6 dígitos do seu e-mail de acesso mais recente e tente novamente.',
  magic_link_code_attempts_exceeded:
    'Foram digitados muitos códigos errados para este endereço de e-mail. Use o link do e-mail ou tente novamente em {minutes}.',
  magic_link_code_ip_limit_exceeded: 'Foram digitados muitos códigos errados a partir desta rede. Use o link do e-mail ou tente novamente em {minutes}.',
  sign_in_not_allowed:
    'Este endereço de e-mail não pode ser usado para entrar aqui. Use outro endereço ou peça aos responsáveis pelo serviço que o liberem.',
  session_invalid: 'Sua sessão terminou. Entre novamente.',
  email_delivery_failed: 'Não conseguimos enviar o e-mail de acesso. Confira o endereço e tente novamente em instantes.',
  service_unavailable: 'O serviço está sobrecarregado no momento. Tente novamente em {seconds}.',
};
