import { randomBytes } from 'node:crypto';

/**
 * A user's id: `usr_` and a ULID (48 bits of milliseconds, then 80 random bits, in Crockford's base32).
 * Opaque and never derived from the address, so it can outlive a change of address. The one place
 * this shape is written.
 */
export const USER_ID_SOURCE = 'usr_[0-9A-HJKMNP-TV-Z]{26}';
export const USER_ID_PATTERN = new RegExp(`^${USER_ID_SOURCE}$`);

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A new user id, drawn for every completed sign-in: the store keeps the first one drawn for an address
 * and hands that back to every later sign-in. The random part comes from the operating system's
 * CSPRNG in one draw (not `ulid`'s per-character one); ids of one millisecond are not ordered.
 */
export function newUserId(now: Date): string {
  // 80 random bits as two 40-bit halves, each exact in a double.
  const random = randomBytes(10);
  return `usr_${base32(now.getTime(), 10)}${base32(random.readUIntBE(0, 5), 8)}${base32(random.readUIntBE(5, 5), 8)}`;
}

/** `value` as `length` Crockford base32 characters, most significant first. */
function base32(value: number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++, value = Math.floor(value / 32)) out = CROCKFORD[value % 32]! + out;
  return out;
}
