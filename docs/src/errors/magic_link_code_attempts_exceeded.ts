import { CODE_BUDGET_ADVICE } from '../code-budgets';
import type { ErrorDoc } from '../error-doc';

export default {
  code: 'magic_link_code_attempts_exceeded',
  title: 'Magic Link Code Attempts Exceeded',
  summary: 'Too many wrong codes were entered for this email address. Use the link in the email, or wait 1 hour.',
  whatItMeans: [
    'The email address has used up its budget of wrong codes for the current hour, so code entry for it is refused until the hour ends, even with the right code. The `retry_after` field and the `Retry-After` header say how many seconds to wait (3600 by contract). The links already mailed are not affected: each still signs in once, until its own lifetime runs out.',
  ],
  whenYoullSeeThis: [
    'The person mistyped the code several times, or kept typing a code from an email sent to another address.',
    'The person asked for a new email after a few wrong codes and carried on: a new link brings a new code but does not reset the count.',
    'Someone is guessing codes for this address. The budget stops them long before they could find the right one.',
    'A client or script retried a failed code in a loop.',
  ],
  learnMore: [
    'A 6-digit code has a million values, so the service limits wrong guesses per address per clock hour (5 by default, configurable as `codeAttemptsPerHour`), following NIST SP 800-63B-4\'s guidance on throttling. The count is exact under concurrency: of 100 wrong codes sent at once, exactly 5 are checked and the rest get this error.',
    'Requesting a new link does not reset the count, otherwise a guesser could request and guess without end. The same answer is given for every address, known or not. Every code entry that does not sign in counts, whatever the reason (a wrong code, or the right one for a sign-in that is used, expired, bound to another browser or ended by signing out everywhere), and each network has a budget of its own across addresses (`magic_link_code_ip_limit_exceeded`).'
  ],
  ...CODE_BUDGET_ADVICE,
  avoid: [
    'Never resend a rejected code automatically: each retry uses the budget.',
    'Validate the shape on the page (exactly six digits after removing spaces) so typos that cannot be codes are never sent.',
    'Offer the link as the first way to sign in and the code as the second.',
  ],
} satisfies ErrorDoc;
