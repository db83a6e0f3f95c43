/**
 * `npm run bench:latency`: warm request latency through the emulator's API Gateway, per route.
 * Starts MiniStack (or uses AWS_ENDPOINT_URL), deploys the stack, warms each function, then times
 * sequential requests and prints median, p95 and max. Figures, not assertions.
 */
import { deployToEmulator } from '../local/deploy';
import { startEmulator } from '../local/emulator';

const SAMPLES = Number(process.env.SAMPLES ?? 50);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const emulator = await startEmulator({ log: (line) => console.log(`[bench] ${line}`) });
  try {
    const deployment = await deployToEmulator({
      endpoint: emulator.endpoint,
      stackName: 'MagicLinkAuthBench',
      context: { senderAddress: 'no-reply@example.com', signInUrl: 'https://example.com/sign-in', ipLimitPerHour: '1000000', emailLimitPerHour: '1000000', tableRemovalPolicy: 'destroy' },
    });
    console.log(`[bench] bootstrap ${deployment.timings.bootstrapMs} ms, deploy ${deployment.timings.deployMs} ms`);
    const base = deployment.apiBaseUrl;
    const json = { 'content-type': 'application/json' };
    const cases: [string, () => Promise<Response>][] = [
      ['POST /v1/auth/magic-link (202, 1 transaction + SES)', () => fetch(`${base}/v1/auth/magic-link`, { method: 'POST', headers: json, body: JSON.stringify({ email: 'bench@example.com' }) })],
      ['POST /v1/auth/verify (401 not_found, 1 update)', () => fetch(`${base}/v1/auth/verify`, { method: 'POST', headers: json, body: JSON.stringify({ token: 'A'.repeat(43) }) })],
      ['GET /v1/auth/session (401, 1 read)', () => fetch(`${base}/v1/auth/session`, { headers: { authorization: `Bearer ${'A'.repeat(43)}.${'B'.repeat(43)}` } })],
      ['GET /nope (404, no AWS call)', () => fetch(`${base}/nope`)],
    ];
    console.log(`\n${SAMPLES} sequential warm requests each, Node fetch with keep-alive, through ${emulator.endpoint}:\n`);
    for (const [label, send] of cases) {
      for (let i = 0; i < 3; i++) await (await send()).arrayBuffer(); // warm the worker
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const started = performance.now();
        await (await send()).arrayBuffer();
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      console.log(`${label.padEnd(56)} median ${percentile(times, 50).toFixed(1)} ms  p95 ${percentile(times, 95).toFixed(1)} ms  max ${times[times.length - 1]!.toFixed(1)} ms`);
    }
  } finally {
    await emulator.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
