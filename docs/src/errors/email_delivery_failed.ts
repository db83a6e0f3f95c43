import type { ErrorDoc } from '../error-doc';

export default {
  code: 'email_delivery_failed',
  title: 'Email Delivery Failed',
  summary: 'The sign-in email could not be sent, so no link went out. Try again; if it keeps failing, the email setup needs attention.',
  whatItMeans: [
    'The request was accepted and a sign-in link was prepared, but the email service (Amazon SES) refused or failed to send the email, so no link reached the inbox. Before answering, the service undid the request: the link and its code were deleted, so they can never sign in, and the request was given back to the hourly limits for the network and the address.',
  ],
  whenYoullSeeThis: [
    'The deployment\'s SES account is still in the SES sandbox, where it can only send to verified addresses, and the user\'s address is not one of them.',
    'The sender address or domain has not been verified in SES yet, or its verification lapsed.',
    'SES has paused or suspended sending for the account, for example after too many bounces or complaints.',
    'SES failed on its side while handling this one message.',
  ],
  learnMore: [
    'Sending the email is the last step of `POST /v1/auth/magic-link`: the service first checks the limits and stores the new link, then hands the message to SES. This error means that last hand-off failed. If SES only asks the service to slow down, you get `service_unavailable` instead, with `retry_after`.',
    'The opposite is not guaranteed: a 202 response means SES accepted the email, not that it arrived. If the recipient\'s mail server later bounces it or files it as spam, the API has already answered and reports nothing. The error message is deliberately generic; the exact reason is in the operator\'s logs, under this response\'s `request_id`.',
  ],
  quickFix: [
    'Try again once. If it was a one-off failure, the next email will go out.',
    'Check that the email address is spelled correctly.',
    'If it keeps failing, tell whoever runs the service and give them the `request_id` from the error: the usual causes are in their email setup, not your request.',
  ],
  recovery:
    'Show "We couldn\'t send the email, please try again" and let the user retry by hand; don\'t retry in a loop: a failed attempt costs no quota, but a setup problem fails every time and each attempt is another refused send on the SES account. If the error persists or hits many users, look up the `request_id` in the function logs: the log line for the request names the SES error (for example `MessageRejected` or `SendingPausedException`), which points at the fix in SES.',
  avoid: [
    'Before real users sign in, move the SES account out of the sandbox and verify the sender address or domain.',
    'Set up SPF, DKIM and DMARC for the sender\'s domain so mail is accepted and lands in the inbox.',
    'Watch bounces and complaints for the sender, so SES does not pause sending for the account.',
    'Alert on this error code in the logs: a burst of it almost always means a setup problem that affects every user.',
  ],
} satisfies ErrorDoc;
