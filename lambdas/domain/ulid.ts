import { randomBytes } from 'node:crypto';

/** A ULID's 26 characters: 48 bits of milliseconds, then 80 random bits, in Crockford's base32. */
export const ULID_SOURCE = '[0-9A-HJKMNP-TV-Z]{26}';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID for `now`, the one generator of the service's ids (users, requests). The random part comes
 * from the operating system's CSPRNG in one draw; ids of one millisecond are unique, not ordered.
 */
export function ulid(now: Date): string {
  // 80 random bits as two 40-bit halves, each exact in a double.
  const random = randomBytes(10);
  return `${base32(now.getTime(), 10)}${base32(random.readUIntBE(0, 5), 8)}${base32(random.readUIntBE(5, 5), 8)}`;
}

/** `value` as `length` Crockford base32 characters, most significant first. */
function base32(value: number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++, value = Math.floor(value / 32)) out = CROCKFORD[value % 32]! + out;
  return out;
}
