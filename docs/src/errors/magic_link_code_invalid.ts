import type { ErrorDoc } from '../error-doc';

export default {
  code: 'magic_link_code_invalid',
  title: 'Magic Link Code Invalid',
  summary: 'This code does not sign in. Check the code in the latest email and try again.',
  whatItMeans: [
    'The request to `POST /v1/auth/verify` carried an email address and a 6-digit code that does not sign in: it is not the code of the address\'s latest sign-in, or that sign-in can no longer be signed in to by code (it is used, expired, bound to another browser, or ended by signing out everywhere). Nothing was signed in. Every such entry counts against the address\'s budget of wrong codes and the network\'s for the current clock hour, and all get this same answer.',
  ],
  whenYoullSeeThis: [
    'The person mistyped a digit, or swapped two.',
    'The code came from an older email: each new sign-in email replaces the address\'s code, so only the latest email\'s code works (its link, and older links, still work until they expire).',
    'The code was typed in another browser than the one that asked for the email (a bound sign-in): type it where you asked, or use the link there.',
    'The code came from an email sent to another address, or its sign-in was already used or has expired.',
    'The address was typed differently from the one the link was requested for (addresses are trimmed and lower-cased, so only a different address matters).',
    'Nobody ever requested a link for this address. The answer is the same, so this error never reveals whether an address is known.',
  ],
  learnMore: [
    'Every magic-link email also carries a 6-digit code. The link and its code are two keys to one single-use sign-in with the same lifetime: whichever is used first signs in, and then both stop working. The code lets a person finish on the device where they asked even when they read the email elsewhere. An address has one live code at a time, its latest email\'s, so a guesser never has more than one code to find. A code entry that does not sign in gets this one answer whatever the reason, and counts, so a guess learns nothing; the link, which cannot be guessed, keeps its precise answers (`magic_link_already_used`, `magic_link_expired`, `magic_link_device_mismatch`).',
    'Six digits are only a million possibilities, so guessing is bounded: each address has a budget of wrong codes per clock hour (5 by default, configurable as `codeAttemptsPerHour`), and requesting a new link does not reset it; each network has one across addresses (20 by default, `ipCodeAttemptsPerHour`). Past them, code entry answers `magic_link_code_attempts_exceeded` or `magic_link_code_ip_limit_exceeded`. `docs/threat-model.md` works out what they let a guesser reach. The codes are stored only as a keyed hash, so a copy of the table reveals none of them.',
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
