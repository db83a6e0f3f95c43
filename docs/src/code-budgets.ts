/** What the pages of the two wrong-code budgets (per address, per network) tell a reader to do: the same either way. */
export const CODE_BUDGET_ADVICE = {
  quickFix: [
    'Click the link in the most recent sign-in email: links still work.',
    'Or wait until the time shown, then type the code from a fresh email.',
  ],
  recovery:
    'Rate-limit handling, like the other 429s: never retry in a loop. Show the person the `userMessage`, point them to the link in their email, and disable the code field for `retryAfterSeconds`. The link path (`{"token"}`) is not limited by this budget.',
} as const;
