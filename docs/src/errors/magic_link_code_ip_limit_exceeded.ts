import { CODE_BUDGET_ADVICE } from '../code-budgets';
import type { ErrorDoc } from '../error-doc';

export default {
  code: 'magic_link_code_ip_limit_exceeded',
  title: 'Magic Link Code IP Limit Exceeded',
  summary: 'Too many wrong codes were entered from this network. Use the link in the email, or wait 1 hour.',
  whatItMeans: [
    'The network the request came from (an IPv4 address, or an IPv6 /64) has used up its budget of wrong codes for the current hour, across every email address, so code entry from it is refused until the hour ends, even with the right code. The `retry_after` field and the `Retry-After` header say how many seconds to wait (3600 by contract). Links are not affected: each still signs in once, until its own lifetime runs out.',
  ],
  whenYoullSeeThis: [
    'Someone on this network is guessing codes, spread over many addresses so that no one address\'s budget stops them.',
    'Many people behind one shared address (an office, a campus, a carrier\'s NAT) mistyped codes in the same hour.',
    'A client or script retried failed codes in a loop.',
  ],
  learnMore: [
    'Each address has its own budget of wrong codes (`magic_link_code_attempts_exceeded`), but one network guessing across many addresses would never meet it. This budget caps what one network can try per clock hour, whatever the addresses (20 by default, configurable as `ipCodeAttemptsPerHour`); `docs/threat-model.md` shows what it lets an attacker with one network, or with many, reach per day.',
    'Every code entry that does not sign in counts against both budgets and gets the same answer, whether the code was wrong, or right for a sign-in that is used, expired, bound to another browser or signed out, so a guess learns nothing. Both budgets are checked before a right code signs in, so this answer is given whether the code was right or not.',
  ],
  ...CODE_BUDGET_ADVICE,
  avoid: [
    'Never resend a rejected code automatically: each retry uses the budget of everyone on the network.',
    'If many of your users share one public address, raise `ipCodeAttemptsPerHour` rather than retrying.',
  ],
} satisfies ErrorDoc;
