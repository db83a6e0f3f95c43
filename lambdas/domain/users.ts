import { ULID_SOURCE, ulid } from './ulid';

/**
 * A user's id: `usr_` and a ULID. Opaque and never derived from the address, so it can outlive a
 * change of address. The one place this shape is written.
 */
export const USER_ID_SOURCE = `usr_${ULID_SOURCE}`;
export const USER_ID_PATTERN = new RegExp(`^${USER_ID_SOURCE}$`);

/**
 * A new user id, drawn for every completed sign-in: the store keeps the first one drawn for an address
 * and hands that back to every later sign-in.
 */
export function newUserId(now: Date): string {
  return `usr_${ulid(now)}`;
}
