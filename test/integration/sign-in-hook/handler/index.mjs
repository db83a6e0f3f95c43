/**
 * A `beforeSignIn` function for the tests, answering by the address's local part: `refuse` refuses,
 * `throw` throws, `slow` answers after 4 s (past the policy stack's 1 s timeout), `malformed` answers
 * another shape, `onverify` refuses only at verify (a link mailed while it was allowed); anything else
 * is allowed. It logs nothing: the suite's log scan holds every function to never logging an address.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export const handler = async (event) => {
  const local = String(event.email).split('@')[0];
  if (local.includes('throw')) throw new Error('the team function failed');
  if (local.includes('slow')) await sleep(4000);
  if (local.includes('malformed')) return { ok: true };
  if (local.includes('refuse')) return { allow: false };
  if (local.includes('onverify')) return { allow: event.trigger !== 'verify' };
  return { allow: true };
};
