/**
 * `npm run bench:secret`: what the code secret costs a cold start, in the two functions that read it.
 *
 * 1. Module load: a bundle with the DynamoDB document client and Secrets Manager's, against one with the
 *    DynamoDB client alone (minified like the functions), each required in a fresh Node process,
 *    interleaved, median of 15 each.
 * 2. The first read: a fresh process creates the client and calls GetSecretValue once (what a cold
 *    container pays on its first code request), against the emulator; median of 15. Later requests
 *    read the kept value: no call.
 * Against the local emulator, so the network part is loopback; on AWS add one Secrets Manager round
 * trip (single-digit to tens of milliseconds in-region).
 */
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { buildSync } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { emulatorAwsEnv } from './local/deploy';
import { ROOT, startEmulator } from './local/emulator';

const RUNS = 15;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const dir = mkdtempSync(path.join(tmpdir(), 'bench-secret-'));

function bundle(name: string, source: string): string {
  const entry = path.join(dir, `${name}.ts`);
  writeFileSync(entry, source);
  const out = path.join(dir, `${name}.js`);
  buildSync({ entryPoints: [entry], bundle: true, minify: true, platform: 'node', target: 'node22', format: 'cjs', outfile: out, nodePaths: [path.join(ROOT, 'node_modules')], logLevel: 'silent' });
  return out;
}

/** Milliseconds a fresh Node process spends in `script` (timed inside it, so process start is excluded). */
function timed(script: string, env: Record<string, string> = {}): number {
  const output = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, NODE_NO_WARNINGS: '1', ...env }, encoding: 'utf8' });
  return Number(output.trim().split('\n').pop());
}

async function main(): Promise<void> {
  const dynamo = bundle('dynamo', "import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'; export const c = DynamoDBDocumentClient.from(new DynamoDBClient({}));");
  const both = bundle(
    'both',
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'; import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager'; export const c = [DynamoDBDocumentClient.from(new DynamoDBClient({})), new SecretsManagerClient({}), GetSecretValueCommand];",
  );
  const load = (file: string) => `const t = performance.now(); require(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const loads = { dynamo: [] as number[], both: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    loads.dynamo.push(timed(load(dynamo), { AWS_REGION: 'us-east-1' }));
    loads.both.push(timed(load(both), { AWS_REGION: 'us-east-1' }));
  }

  const emulator = await startEmulator({ log: () => undefined });
  try {
    const env = emulatorAwsEnv(emulator.endpoint);
    const admin = new SecretsManagerClient({ endpoint: emulator.endpoint, region: env.AWS_REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const { ARN } = await admin.send(new CreateSecretCommand({ Name: `bench-${Date.now()}`, SecretString: 'x'.repeat(64) }));
    admin.destroy();
    // The client's code is loaded before the clock starts: this times creating the client and the call.
    const read = `const { SecretsManagerClient, GetSecretValueCommand } = require(${JSON.stringify(path.join(ROOT, 'node_modules', '@aws-sdk', 'client-secrets-manager'))});
      const t = performance.now();
      new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: ${JSON.stringify(ARN)} })).then(() => console.log(performance.now() - t));`;
    const reads: number[] = [];
    for (let i = 0; i < RUNS; i++) reads.push(timed(read, env));

    const fmt = (values: number[]) => `median ${median(values).toFixed(1)} ms (min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)})`;
    console.log(`module load, DynamoDB client only:        ${fmt(loads.dynamo)}`);
    console.log(`module load, DynamoDB + Secrets Manager:  ${fmt(loads.both)}`);
    console.log(`  the Secrets Manager client adds         ${(median(loads.both) - median(loads.dynamo)).toFixed(1)} ms (difference of medians)`);
    console.log(`first GetSecretValue in a fresh process:  ${fmt(reads)} (client creation, credentials, one loopback call)`);
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
