import type { MailStrings } from '../mail';

export const mail: MailStrings = {
  subject: '{appName} にサインイン',
  intro: '次のリンクから {appName} にサインインしてください：',
  button: 'サインイン',
  copyLink: 'または、このアドレスをブラウザに貼り付けてください：',
  codeIntro: 'または、サインインを求めた画面でこのコードを入力してください：',
  expiry: 'リンクとコードの有効期限は {duration} です。どちらも一度しか使えません。どちらか一方でサインインすると、両方とも無効になります。',
  ignore: 'お心当たりがない場合は、このメールを無視してください。リンクかコードがなければ、誰もサインインできません。',
  support: 'お困りの場合は {support} までお問い合わせください。',
};
