import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { ERROR_CATALOG, ERROR_CODES, isErrorCode, type ErrorCode } from '../../lambdas/contract/errors';
import { ERRORS_DIR, EXAMPLE_DETAILS, renderAll } from '../../scripts/docs/render';
import { resetAws, scenarios } from '../fixtures/error-scenarios';
import { REQUEST_ID, TIMESTAMP } from '../fixtures/assertions';

const root = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

function pageOf(code: ErrorCode) {
  const page = read(`${ERRORS_DIR}/${code}.md`);
  const http = /```http\n([\s\S]*?)\n```/.exec(page)![1]!.split('\n');
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(http[0]!)![1]);
  const headers = Object.fromEntries(http.slice(1).map((line) => line.split(': ') as [string, string]));
  const json = /```json\n([\s\S]*?)\n```/.exec(page)![1]!;
  return { page, status, headers, json, example: JSON.parse(json) };
}

describe('error reference pages', () => {
  it('exist for every catalogued code, and only for those', () => {
    const pages = readdirSync(path.join(root, ERRORS_DIR)).filter((name) => name !== 'README.md').map((name) => name.replace(/\.md$/, ''));
    expect(pages.sort()).toEqual([...ERROR_CODES].sort());
    expect(pages.every(isErrorCode)).toBe(true);
  });

  it('are exactly what `npm run docs` writes (pages, index, OpenAPI document, client types)', () => {
    const stale = [...renderAll()].filter(([file, content]) => read(file) !== content).map(([file]) => file);
    expect(stale).toEqual([]);
  });

  it('list every code in the index, linked to its page', () => {
    const index = read(`${ERRORS_DIR}/README.md`);
    for (const code of ERROR_CODES) expect(index).toContain(`| [\`${code}\`](${code}.md) | ${ERROR_CATALOG[code].status} |`);
  });

  it.each(ERROR_CODES)('%s: has every section of the published pages', (code) => {
    const { page } = pageOf(code);
    for (const heading of ['## What this means', "## When you'll see this", '## Learn more about how this works', '## Example response', '## Quick fix', '## Recovery pattern', '## Avoid this error by']) {
      expect(page).toContain(heading);
    }
    expect(page).toContain('```ts');
    expect(page).toContain('```python');
  });

  describe('example responses match what the handlers really return', () => {
    beforeEach(resetAws);

    it.each(ERROR_CODES)('%s', async (code) => {
      const { status, headers, example } = pageOf(code);
      const real = await scenarios[code]();

      expect(status).toBe(real.status);
      expect(Object.keys(example)).toEqual(Object.keys(real.body));
      expect(example.error).toBe(real.body.error);
      expect(example.message).toBe(real.body.message);
      expect(example.retry_after).toBe(real.body.retry_after);
      expect(example.doc_url).toBe(real.body.doc_url);
      expect(example.success).toBe(false);
      expect(example.request_id).toMatch(REQUEST_ID);
      expect(example.timestamp).toMatch(TIMESTAMP);
      expect(example.details).toEqual(EXAMPLE_DETAILS[code] ?? []);
      expect(real.body.details).toEqual(EXAMPLE_DETAILS[code] ?? []);
      expect(headers['retry-after']).toBe(real.headers['retry-after']);
      expect(headers['content-type']).toBe(real.headers['content-type']);
      if (code === 'method_not_allowed') expect(real.headers.allow).toBeDefined();
    });
  });
});
