/**
 * `npm test`: runs a tool of node_modules/.bin (jest) on the functions' Node major (22), whatever Node
 * runs npm, and says which Node that is. On a machine whose Node is another major, the pinned Node is
 * installed into .local/node on first use (scripts/local/lambda-node.ts). The tests then run on the
 * runtime the functions are deployed to, the emulator's Lambdas too (they run on the `node` on PATH),
 * and the AWS SDK has no Node version to warn about.
 *
 * Usage: tsx scripts/on-lambda-node.ts <tool> [arguments...]
 */
import { runOnLambdaNode } from './local/lambda-node';

async function main(): Promise<void> {
  const [tool, ...args] = process.argv.slice(2);
  if (!tool) throw new Error('usage: tsx scripts/on-lambda-node.ts <tool in node_modules/.bin> [arguments...]');
  const log = (line: string) => process.stderr.write(`[node] ${line}\n`);
  const run = runOnLambdaNode(tool, args, log);
  log(`${tool} runs on ${run.node}`);
  process.exitCode = await run.exited;
}

main().catch((error: Error) => {
  process.stderr.write(`[node] ${error.message}\n`);
  process.exitCode = 1;
});
