import type { ErrorDoc } from '../error-doc';

export default {
  code: 'magic_link_challenge_required',
  title: 'Magic Link Challenge Required',
  summary: 'The deployment is under pressure: get a challenge from `GET /v1/auth/challenge`, solve it, and send the request again with the solution as `proof_of_work`.',
  whatItMeans: [
    'More of this hour\'s mail budget has been spent than the deployment lets go without a proof of work (`challengeThresholdPercent`, half by default). Until the hour ends, every link request, whatever its address, must carry a solved challenge: about 50,000 SHA-256 hashes at the default difficulty, a fraction of a second in a browser. Nothing was written and nothing sent.',
    'The challenge is ALTCHA\'s open shape: `GET /v1/auth/challenge` answers `algorithm` (`SHA-256`), `challenge`, `maxnumber`, `salt` and `signature`. Find the number from 0 to `maxnumber` for which the SHA-256 (hex) of `salt` followed by the number in decimal is `challenge`, and send `{"algorithm", "challenge", "number", "salt", "signature"}` as `proof_of_work` in the request body. A challenge works once and for five minutes.',
  ],
  whenYoullSeeThis: [
    'Someone is requesting links for many addresses from many networks, and this hour\'s budget is past its threshold.',
    'A real surge of sign-ins (a launch, a mass sign-out) is spending the budget faster than usual.',
  ],
  learnMore: [
    'The challenge makes every request past the threshold cost the sender work; it is asked of every address alike, so the answer never tells whether an address has signed in before. The limits that hold however much work a sender does are the per-network share of the budget (`networkBudgetPercent`) and the reserve only addresses with a completed sign-in draw on (`mailBudgetReservePercent`). A solution that is not one, has expired or was used before answers `validation_failed` with `proof_of_work` in `details`.',
    'It is a 428 (Precondition Required), not a 429: waiting does not help within the hour, and the same request with a solved challenge succeeds at once, so it carries no `retry_after`.',
  ],
  quickFix: [
    'Fetch `GET /v1/auth/challenge`, solve it and send the request again with `proof_of_work`. The hosted sign-in page and the sign-in module do this by themselves.',
    'With the typed client, `requestMagicLink` does it by itself (one retry); or call `getChallenge()`, `solveChallenge()` and `requestMagicLink(email, { proofOfWork })` yourself.',
  ],
  recovery:
    'Solve and retry once, without asking the person to do anything; show the `userMessage` only if the retry fails too. Never request challenges in a loop: one per link request is enough.',
  avoid: [
    'Handle it wherever you call `POST /v1/auth/magic-link` yourself: any deployment can come under pressure.',
    'Size `mailBudgetPerHour` so that a normal busy hour stays under `challengeThresholdPercent` of it.',
  ],
} satisfies ErrorDoc;
