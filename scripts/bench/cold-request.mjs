// One cold start of one function, for `npm run bench` (run.ts): a fresh Node process imports the
// bundle and handles its first requests. Plain JavaScript, so no loader sits between Node and the
// bundle. Usage: node cold-request.mjs <bundle> <file with { context, events }>; prints
// { load, requests } in ms.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

// The local endpoints are http://, so the SDK imports node:http on its first request, and node:http's
// ES module namespace loads Node's bundled undici (about 20 ms on Node 22). On AWS the endpoints are
// https://: node:https is one of the bundle's own imports (timed as module load) and node:http is
// never imported. So it is loaded here, before any clock starts.
await import('node:http');

const [bundle, eventsFile] = process.argv.slice(2);
const { context: fields, events } = JSON.parse(readFileSync(eventsFile, 'utf8'));
const context = { ...fields, getRemainingTimeInMillis: () => fields.remainingMs };
const report = process.stdout.write.bind(process.stdout);
// The functions' log lines: formatting them is timed, printing them is not.
process.stdout.write = () => true;

const started = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const load = performance.now() - started;
const requests = [];
for (const event of events) {
  const before = performance.now();
  const response = await handler(event, context);
  requests.push(performance.now() - before);
  if (response.statusCode >= 300) {
    report(`${JSON.stringify({ error: `${response.statusCode}: ${response.body}` })}\n`);
    process.exit(1);
  }
}
report(`${JSON.stringify({ load, requests })}\n`);
