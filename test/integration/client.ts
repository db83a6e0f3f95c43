import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Deployment } from '../../scripts/local/deploy';
import { ENV_KEY } from './settings';

export function deployment(): Deployment {
  const raw = process.env[ENV_KEY];
  if (!raw) throw new Error('integration global setup did not run');
  return JSON.parse(raw) as Deployment;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly rawBody: string;
}

export interface CallOptions {
  readonly body?: string | object;
  readonly headers?: Record<string, string>;
  /**
   * The loopback address to call from (127.0.0.0/8): API Gateway reports it as the source IP, so each
   * test gets its own per-IP quota. Ignored for a non-loopback API.
   */
  readonly from?: string;
}

/** Calls the deployed API over real HTTP, through the emulator's API Gateway. */
export function call(method: string, path: string, options: CallOptions = {}): Promise<HttpResponse> {
  const url = new URL(`${deployment().apiBaseUrl}${path}`);
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...options.headers,
  };
  const loopback = ['127.0.0.1', 'localhost'].includes(url.hostname);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method, headers, ...(loopback && options.from ? { localAddress: options.from } : {}), timeout: 60_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const rawBody = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = rawBody ? JSON.parse(rawBody) : undefined;
          } catch {
            parsed = undefined;
          }
          const flat: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) flat[name] = String(value);
          resolve({ status: res.statusCode ?? 0, headers: flat, body: parsed, rawBody });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

let nextHost = Math.floor(Math.random() * 200);
/** A loopback source address no other test in this run uses. */
export function freshSourceIp(): string {
  nextHost += 1;
  return `127.${10 + (process.pid % 200)}.${Math.floor(nextHost / 250) % 250}.${(nextHost % 250) + 1}`;
}

let sequence = 0;
/** An address nobody has used in this deployment. */
export function freshEmail(label: string): string {
  sequence += 1;
  return `${label}.${process.pid}.${Date.now()}.${sequence}@example.com`;
}
