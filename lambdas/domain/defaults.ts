/**
 * Product defaults, shared by the CDK construct (which passes them to the functions) and the docs.
 */
export const DEFAULTS = {
  /** A magic link works for 15 minutes. */
  linkTtlSeconds: 15 * 60,
  /** A session lasts 7 days. */
  sessionTtlSeconds: 7 * 24 * 3600,
  /** Magic-link requests per source IP (IPv6: per /64) per hour. */
  ipLimitPerHour: 50,
  /** Magic-link requests per email address per hour. */
  emailLimitPerHour: 5,
  /** Where `doc_url` points. */
  docsBaseUrl: 'https://docs.asterwise.com',
} as const;

/** Accepted ranges, checked both at synth time (CDK props) and at function start (environment). */
export const LIMITS = {
  linkTtlSeconds: { min: 60, max: 24 * 3600 },
  sessionTtlSeconds: { min: 5 * 60, max: 365 * 24 * 3600 },
  perHourLimit: { min: 1, max: 1_000_000 },
} as const;
