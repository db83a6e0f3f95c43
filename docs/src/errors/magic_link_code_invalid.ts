import type { ErrorDoc } from '../error-doc';

export default {
  code: 'magic_link_code_invalid',
  title: 'Magic Link Code Invalid',
  summary: 'No live sign-in for this email address has this code. Check the code in the latest email and try again.',
  whatItMeans: [
    'The request to `POST /v1/auth/verify` carried an email address and a 6-digit code, and no sign-in requested for that address has that code. Nothing was signed in. The wrong code counts against the address\'s budget of wrong codes for the current clock hour.',
  ],
  whenYoullSeeThis: [
    'The person mistyped a digit, or swapped two.',
    'The code came from an email sent to another address, or from one so old that its sign-in is no longer on record.',
    'The address was typed differently from the one the link was requested for (addresses are trimmed and lower-cased, so only a different address matters).',
    'Nobody ever requested a link for this address. The answer is the same, so this error never reveals whether an address is known.',
  ],
  learnMore: [
    'Every magic-link email also carries a 6-digit code. The link and its code are two keys to one single-use sign-in with the same lifetime: whichever is used first signs in, and then both stop working. The code lets a person finish on the device where they asked even when they read the email elsewhere. A right code whose sign-in was already used or has expired reports `magic_link_already_used` or `magic_link_expired` instead, for as long as the service keeps that sign-in on record (about a day), and does not count as a wrong code.',
    'Six digits are only a million possibilities, so guessing is bounded: each address has a budget of wrong codes per clock hour (5 by default, configurable as `codeAttemptsPerHour`), and requesting a new link does not reset it. Past it, code entry for that address answers `magic_link_code_attempts_exceeded`. The codes are stored only as a keyed hash, so a copy of the table reveals none of them.',
  ],
  quickFix: [
    'Check the code in the most recent sign-in email and type it again, all six digits.',
    'Make sure the email address is the one you asked the link for.',
    'Or click the link in the email instead.',
  ],
  recovery:
    'UI-layer handling: show that the code is not right and let the person try again, keeping what they typed in the address field. Don\'t retry by yourself: each wrong code uses up the address\'s budget. After a few failures, point to the link in the email: a new email brings a new code, but not a fresh budget.',
  avoid: [
    'Accept pasted codes with spaces (the email shows `123 456`): strip everything but digits before sending.',
    'Use `autocomplete="one-time-code"` and `inputmode="numeric"` on the field so devices offer the code.',
    'Send the address exactly as the person entered it when they asked for the link.',
  ],
} satisfies ErrorDoc;
