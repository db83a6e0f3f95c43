import type { ErrorDoc } from '../error-doc';

export default {
  code: 'magic_link_capacity_exceeded',
  title: 'Magic Link Capacity Exceeded',
  summary: 'The service has sent as many sign-in emails as its deployment allows this hour. Wait until `retry_after`, or use a link already sent.',
  whatItMeans: [
    'Every deployment has a ceiling on the sign-in emails it sends per hour, whoever asks for them. It was reached, so this request created no link and sent no email. The ceiling resets at the start of the next clock hour; `retry_after` and the `Retry-After` header say how many seconds are left, so the wait is often shorter than an hour. Links already sent keep working.',
  ],
  whenYoullSeeThis: [
    'Someone is requesting links for many addresses from many networks, for example to flood mailboxes or drive up bounces. The ceiling stops it before the email provider pauses sending for the whole deployment.',
    'A real surge of sign-ins (a launch, a mass sign-out) went past the ceiling the operator set.',
    'The operator set the ceiling low for a test deployment.',
  ],
  learnMore: [
    'Mail to addresses that do not exist bounces, and Amazon SES pauses sending for an account whose bounce rate stays high; then nobody can sign in. The per-network and per-address limits stop one source, but not a flood spread over many networks and addresses. The deployment-wide ceiling (`mailBudgetPerHour`, 1,000 by default) does. It is counted in the same write as the other limits, split over several counters so that a busy service does not queue behind one hot item, and it is never exceeded.',
    'This is a 503, not a 429: the limit is the service\'s, not the caller\'s. Whoever deployed the service can raise the ceiling, and should keep it under the SES account\'s sending quota.',
  ],
  quickFix: [
    'Use a sign-in link you already received, if it has not expired.',
    'Wait the number of seconds in `retry_after`, then request a new link.',
    'If you run this deployment and the demand is real, raise `mailBudgetPerHour` (and your SES sending quota with it).',
  ],
  recovery:
    'Treat it like a 429: show the `userMessage`, disable the request button for `retryAfterSeconds`, and never retry in a loop. Alert on it: one occurrence means the deployment\'s hourly budget is spent, which is either an attack or a ceiling set too low for real traffic.',
  avoid: [
    'Size `mailBudgetPerHour` above your busiest hour of real sign-ins, with room to spare, and below the SES sending quota.',
    'Watch the SES bounce rate: a flood that this ceiling stops still shows there.',
  ],
} satisfies ErrorDoc;
