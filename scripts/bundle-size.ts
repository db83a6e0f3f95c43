/**
 * `npm run bench:bundle`: synthesizes the stack and prints each function's bundle size
 * (minified JS, and the zip Lambda receives).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';

const root = path.resolve(__dirname, '..');
const out = mkdtempSync(path.join(tmpdir(), 'magic-link-synth-'));
try {
  execFileSync(path.join(root, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--output', out], { cwd: root, stdio: 'ignore' });
  const template = JSON.parse(readFileSync(path.join(out, 'MagicLinkAuth.template.json'), 'utf8'));
  for (const [id, resource] of Object.entries<{ Type: string; Properties: { Code?: { S3Key?: string } } }>(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const asset = resource.Properties.Code!.S3Key!.replace(/\.zip$/, '');
    const dir = path.join(out, `asset.${asset}`);
    const js = statSync(path.join(dir, 'index.js')).size;
    const compressed = readdirSync(dir).reduce((sum, file) => sum + deflateRawSync(readFileSync(path.join(dir, file))).length, 0);
    console.log(`${id.replace(/^MagicLinkAuth/, '').replace(/[0-9A-F]{8}$/, '').padEnd(18)} index.js ${(js / 1024).toFixed(1)} KiB  zipped (with source map) ~${(compressed / 1024).toFixed(1)} KiB`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
