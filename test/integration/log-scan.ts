import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { appendFileSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { emulatorAwsEnv } from '../../scripts/local/deploy';
import { ROOT } from '../../scripts/local/emulator';
import { codeIn, magicLinkIn, readMailbox } from '../../scripts/local/mailbox';
import { logGroupLines } from './function-logs';

/**
 * What the deployed functions must never log: every address, verifier, challenge, session token and
 * access token the suite's requests carried or got back (recorded by `call`, one file per worker),
 * every link token and code the service mailed (read from the captured mail), and any private key
 * (the signing keys' never leave KMS). Global teardown reads every log line the functions wrote and
 * fails the run if any holds one of them.
 */
const DIR = path.join(ROOT, '.local', 'it-secrets');

export function resetSecrets(): void {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
}

/** Records values no log line may contain (called from the test workers). */
export function rememberSecrets(values: readonly unknown[]): void {
  const strings = values.filter((value): value is string => typeof value === 'string' && value.length >= 6);
  if (strings.length > 0) appendFileSync(path.join(DIR, `${process.pid}.txt`), `${strings.join('\n')}\n`);
}

/** The secrets a request and its answer carry (a JSON body or an OAuth form, the envelope or OAuth's own JSON). */
export function secretsOf(body: unknown, response: unknown): unknown[] {
  const request = (typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : (body ?? {})) as Record<string, unknown>;
  const answer = ((response as { data?: unknown } | undefined)?.data ?? {}) as { session?: { token?: string }; access_token?: { token?: string }; continue_to?: string };
  const session = answer.session?.token;
  // An access token's signature is what makes it work: it counts alone too (its header and claims are public).
  const access = answer.access_token?.token;
  const code = answer.continue_to === undefined ? undefined : new URL(answer.continue_to).searchParams.get('code');
  return [
    request.email,
    request.code_verifier,
    request.code_challenge,
    request.token,
    session,
    ...(session ? session.split('.') : []),
    access,
    access?.split('.')[2],
    code,
    ...oauthSecretsOf(request, response),
  ];
}

/**
 * The OpenID Connect secrets: authorization codes, refresh tokens (and their secret half), ID and
 * access tokens (and their signatures), client secrets, sent in a token request or answered by one.
 */
export function oauthSecretsOf(request: Record<string, unknown>, response: unknown): unknown[] {
  const answer = (response ?? {}) as { access_token?: unknown; refresh_token?: unknown; id_token?: unknown };
  // `code` is an authorization code only in a token request: in a verify body it is the 6-digit sign-in code, which
  // the scan looks for standing alone (from the mails), not as a substring of any longer number.
  const authorizationCode = request.grant_type === 'authorization_code' ? request.code : undefined;
  const tokens = [authorizationCode, request.refresh_token, request.client_secret, answer.access_token, answer.refresh_token, answer.id_token].filter((value): value is string => typeof value === 'string');
  return [...tokens, ...tokens.flatMap((token) => token.split('.').slice(1))];
}

/** Every log group's name, every page of them. */
async function logGroupNames(endpoint: string): Promise<string[]> {
  const env = emulatorAwsEnv(endpoint);
  const client = new CloudWatchLogsClient({ endpoint, region: env.AWS_REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const names: string[] = [];
  try {
    let nextToken: string | undefined;
    do {
      const page = await client.send(new DescribeLogGroupsCommand({ nextToken }));
      names.push(...(page.logGroups ?? []).map((group) => group.logGroupName!));
      nextToken = page.nextToken;
    } while (nextToken);
  } finally {
    client.destroy();
  }
  return names;
}

/**
 * Every line of every group, read stream by stream to the end of each (GetLogEvents), not with
 * FilterLogEvents, which an emulator may stop short (MiniStack stopped at 10,000 events with no next page).
 */
async function logLines(endpoint: string, groups?: readonly string[]): Promise<string[]> {
  const lines: string[] = [];
  for (const group of groups ?? (await logGroupNames(endpoint))) lines.push(...(await logGroupLines(endpoint, group)));
  return lines;
}

/** Counts a response a function wrote (it carries the request id every function sets): one invocation, so one REPORT line at least. */
export function rememberInvocation(): void {
  appendFileSync(path.join(DIR, `${process.pid}.invocations`), '1\n');
}

function invocationsMade(): number {
  return readdirSync(DIR)
    .filter((file) => file.endsWith('.invocations'))
    .reduce((sum, file) => sum + readFileSync(path.join(DIR, file), 'utf8').split('\n').filter(Boolean).length, 0);
}

/** Lines holding a secret (or a private key, or a code standing alone), each with where. */
export function leaksIn(lines: readonly string[], secrets: ReadonlySet<string>, codes: ReadonlySet<string> = new Set()): string[] {
  const leaks: string[] = [];
  lines.forEach((line, index) => {
    const lower = line.toLowerCase();
    for (const secret of secrets) if (lower.includes(secret.toLowerCase())) leaks.push(`${secret} in line ${index + 1}: ${line.slice(0, 300)}`);
    if (/PRIVATE KEY|"d":"[\w-]{40,}/.test(line)) leaks.push(`a private key in line ${index + 1}: ${line.slice(0, 300)}`);
    // Six digits standing alone (not part of a longer number or an id).
    for (const code of codes) if (new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`).test(line)) leaks.push(`code ${code} in line ${index + 1}: ${line.slice(0, 300)}`);
  });
  return leaks;
}

/** Scans the given groups (default: all) of the emulator for `secrets`: what the scanner test plants a leak into. */
export async function scanGroups(endpoint: string, secrets: ReadonlySet<string>, groups?: readonly string[]): Promise<{ leaks: string[]; lines: number }> {
  const lines = await logLines(endpoint, groups);
  return { leaks: leaksIn(lines, secrets), lines: lines.length };
}

/** Every secret found in a log line, with the line; empty when the logs are clean. Also how much was read. */
export async function scanLogs(endpoint: string): Promise<{ leaks: string[]; lines: number; secrets: number; reports: number; invocations: number }> {
  const secrets = new Set<string>();
  for (const file of readdirSync(DIR)) {
    if (!file.endsWith('.txt')) continue;
    for (const line of readFileSync(path.join(DIR, file), 'utf8').split('\n')) if (line) secrets.add(line);
  }
  const codes = new Set<string>();
  for (const mail of await readMailbox(endpoint)) {
    const link = magicLinkIn(mail);
    if (link) secrets.add(link.token);
    const code = codeIn(mail);
    if (code) codes.add(code);
    for (const to of mail.to) secrets.add(to.toLowerCase());
  }
  const lines = await logLines(endpoint);
  const reports = lines.filter((line) => line.startsWith('REPORT RequestId:')).length;
  return { leaks: leaksIn(lines, secrets, codes), lines: lines.length, secrets: secrets.size + codes.size, reports, invocations: invocationsMade() };
}
