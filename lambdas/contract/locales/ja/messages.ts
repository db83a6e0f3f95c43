import { somethingWentWrong, type MessageStrings } from '../messages';

export const messages: MessageStrings = {
  locale: 'ja',
  ...somethingWentWrong('問題が発生しました。しばらくしてからもう一度お試しください。'),
  validation_failed: '送信された情報の一部が正しくありません。内容を確認して、もう一度お試しください。',
  'validation_failed.email': '有効なメールアドレスを入力してください。',
  'validation_failed.code': 'メールに記載された 6 桁のコードを入力してください。',
  'validation_failed.token': 'このサインインリンクは不完全です。メールにあるリンクを最後まで開くか、新しいリンクをリクエストしてください。',
  magic_link_ip_limit_exceeded: 'お使いのネットワークからのサインインリクエストが多すぎます。{minutes}後にもう一度お試しください。',
  magic_link_email_limit_exceeded:
    'このメールアドレスへのサインインリンクのリクエストが多すぎます。受信トレイ（と迷惑メールフォルダ）を確認するか、{minutes}後にもう一度お試しください。',
  magic_link_capacity_exceeded: 'リクエストが集中しているため、サインインメールの送信を一時的に停止しています。{minutes}後にもう一度お試しください。',
  magic_link_challenge_required: 'ただいまサインインが混み合っています。しばらくしてからもう一度お試しください。',
  magic_link_not_found: 'このサインインリンクは無効です。最新のメールにあるリンクを最後まで開いたか確認するか、新しいリンクをリクエストしてください。',
  magic_link_expired: 'このサインインリンクは有効期限が切れています。新しいリンクをリクエストしてください。',
  magic_link_already_used:
    'このサインインリンクはすでに使用されています。別の場所でサインイン済みの場合は、そのセッションをお使いください。そうでない場合は、新しいリンクをリクエストしてください。',
  magic_link_device_mismatch:
    'このサインインは別のデバイスまたはブラウザでリクエストされました。そちらでリンクを開くか、サインインをリクエストしたデバイスでメールに記載された 6 桁のコードを入力してください。',
  magic_link_code_invalid: 'コードが正しくありません。最新のサインインメールに記載された 6 桁のコードを確認して、もう一度お試しください。',
  magic_link_code_attempts_exceeded: 'このメールアドレスに対して誤ったコードが何度も入力されました。メールのリンクを使うか、{minutes}後にもう一度お試しください。',
  magic_link_code_ip_limit_exceeded: 'このネットワークから誤ったコードが何度も入力されました。メールのリンクを使うか、{minutes}後にもう一度お試しください。',
  sign_in_not_allowed: 'このメールアドレスではここにサインインできません。別のアドレスを使うか、サービスの運営者にこのアドレスの許可を依頼してください。',
  session_invalid: 'セッションが終了しました。もう一度サインインしてください。',
  email_delivery_failed: 'サインインメールを送信できませんでした。アドレスを確認して、少し待ってからもう一度お試しください。',
  service_unavailable: 'ただいまサービスが混み合っています。{seconds}後にもう一度お試しください。',
};
