import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { userMessage } from '../../client';
import { ERROR_CATALOG, ERROR_CODES, type ErrorCode, type FieldIssue } from '../../lambdas/contract/errors';
import { ERRORS_DIR, exampleEnvelope } from '../../scripts/docs/render';

/**
 * Every error page's Python recovery function, run with python3 against a stand-in `httpx` that
 * answers with the page's own example (and other waits and fields): its `user_message` is the
 * client's English `userMessage` for the same answer, and for the seeds' codes the seeds' sentence.
 */
const root = path.resolve(__dirname, '..', '..');

const STUB_HTTPX = `
class Response:
    def __init__(self, status, body):
        self.status_code, self._body = status, body
    def json(self):
        return self._body
    def raise_for_status(self):
        if self.status_code >= 400:
            raise RuntimeError(f"HTTP {self.status_code}")

ANSWER = None

def request(method, url, **kwargs):
    return Response(*ANSWER)
`;

/** Calls each case's function with the answer set, and prints what each returned, as JSON. */
const DRIVER = `
import importlib, inspect, json, sys
import httpx
results = []
for case in json.load(sys.stdin):
    httpx.ANSWER = (case["status"], case["body"])
    module = importlib.import_module(case["module"])
    function = next(f for _, f in inspect.getmembers(module, inspect.isfunction) if f.__module__ == module.__name__)
    args = {name: "https://auth.example.com" if name == "base_url" else {} if name == "headers" else "x" for name in inspect.signature(function).parameters}
    results.append(function(**args))
print(json.dumps(results))
`;

interface Case {
  readonly code: ErrorCode;
  readonly retryAfter: number | null;
  readonly details: readonly FieldIssue[];
}

function cases(code: ErrorCode): Case[] {
  const example = exampleEnvelope(code);
  const own: Case = { code, retryAfter: example.retry_after, details: example.details };
  if (ERROR_CATALOG[code].retryAfter !== null) return [own, ...[1800, 125, 61, 60, 30, 1, null].map((retryAfter) => ({ code, retryAfter, details: [] }))];
  if (code === 'validation_failed') {
    return [own, ...[[{ field: 'code', issue: 'x' }], [{ field: 'token', issue: 'x' }], [{ field: 'redirect_to', issue: 'x' }], []].map((details) => ({ code, retryAfter: null, details }))];
  }
  return [own];
}

let work: string;
let results: Map<Case, { ok: boolean; error: string; user_message: string }>;
const all = ERROR_CODES.flatMap(cases);

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'python-recovery-'));
  writeFileSync(path.join(work, 'httpx.py'), STUB_HTTPX);
  for (const code of ERROR_CODES) {
    const page = readFileSync(path.join(root, ERRORS_DIR, `${code}.md`), 'utf8');
    writeFileSync(path.join(work, `page_${code}.py`), /```python\n([\s\S]*?)\n```/.exec(page)![1]!);
  }
  const input = all.map((c) => ({
    module: `page_${c.code}`,
    status: ERROR_CATALOG[c.code].status,
    body: { ...exampleEnvelope(c.code), retry_after: c.retryAfter, details: c.details },
  }));
  const output = execFileSync('python3', ['-c', DRIVER], { cwd: work, input: JSON.stringify(input), encoding: 'utf8', env: { ...process.env, PYTHONPATH: work, PYTHONDONTWRITEBYTECODE: '1' } });
  const returned = JSON.parse(output);
  results = new Map(all.map((c, i) => [c, returned[i]]));
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the error pages\' Python recovery functions', () => {
  it.each(ERROR_CODES)('%s: returns the client\'s English userMessage for the page\'s answer, and for other waits and fields', (code) => {
    for (const c of all.filter((c) => c.code === code)) {
      expect({ retryAfter: c.retryAfter, details: c.details, ...results.get(c) }).toMatchObject({
        retryAfter: c.retryAfter,
        details: c.details,
        ok: false,
        error: code,
        user_message: userMessage(code, c.retryAfter, c.details),
      });
    }
  });

  it("prints the seeds' own sentences", () => {
    const example = (code: ErrorCode) => results.get(all.find((c) => c.code === code)!)!;
    expect(exampleEnvelope('magic_link_ip_limit_exceeded').retry_after).toBe(3600);
    expect(example('magic_link_ip_limit_exceeded').user_message).toBe('Too many sign-in requests from your network. Please try again in 60 minutes.');
    expect(example('magic_link_already_used').user_message).toBe(
      "This sign-in link was already used. If you're already signed in elsewhere, use that session. Otherwise, request a fresh link.",
    );
  });
});
