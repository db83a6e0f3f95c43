import { createServer, type Server } from 'node:http';
import { MAILBOX_PATH, answerMailbox, readMailbox } from '../../scripts/local/mailbox';

/**
 * `npm start`'s mailbox page: every captured mail rendered (its HTML part) beside its text part, so a
 * team can look at its templates before deploying. Served by the same code `npm start` runs, reading
 * an emulator's captured mail (here a stand-in for MiniStack's endpoint).
 */
const MAILS = [
  { To: ['ada@example.com'], Subject: 'Sign in to Example App', BodyText: 'Use this link:\n\nhttps://x/#token=T\n\n012345\n', BodyHtml: '<!doctype html><html lang="en" dir="ltr"><body><a href="https://x/#token=T">Sign in</a><script>alert(1)</script></body></html>' },
  { To: ['bea@example.com'], Subject: 'تسجيل الدخول إلى <Example>', BodyText: 'Code <b>:\n\n654321\n', BodyHtml: '<!doctype html><html lang="ar" dir="rtl"><body>654 321</body></html>' },
];

const listen = (server: Server) => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));

let emulator: Server;
let local: Server;
let origin: string;
beforeAll(async () => {
  emulator = createServer((req, res) => {
    if (req.url === '/_ministack/ses/messages') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages: { 'no-reply@example.com': MAILS } }));
    else res.writeHead(404).end();
  });
  const endpoint = await listen(emulator);
  local = createServer((req, res) => {
    answerMailbox(req, res, () => readMailbox(endpoint)).then((answered) => answered || res.writeHead(418).end('forwarded'));
  });
  origin = await listen(local);
});
afterAll(() => {
  emulator.close();
  local.close();
});

describe('the local mailbox page', () => {
  it('shows every mail, newest first, its HTML part rendered in a frame beside its text part', async () => {
    const response = await fetch(`${origin}${MAILBOX_PATH}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await response.text();
    expect(page.indexOf('تسجيل الدخول إلى &lt;Example&gt;')).toBeLessThan(page.indexOf('Sign in to Example App'));
    expect(page).toContain(`<iframe title="Sign in to Example App (HTML)" src="${MAILBOX_PATH}/1.html"></iframe>`);
    expect(page).toContain(`src="${MAILBOX_PATH}/2.html"`);
    // The text part as text: escaped, the code on its own line.
    expect(page).toContain('<pre>Code &lt;b&gt;:\n\n654321\n</pre>');
    expect(page).toContain('to ada@example.com');
  });

  it('serves each HTML part as it was sent, sandboxed so nothing in it runs', async () => {
    const response = await fetch(`${origin}${MAILBOX_PATH}/1.html`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(MAILS[0]!.BodyHtml);
    expect(response.headers.get('content-security-policy')).toMatch(/^sandbox [^;]*; default-src 'none'; img-src https: data:; style-src 'unsafe-inline'$/);
    expect(response.headers.get('content-security-policy')).not.toContain('allow-scripts');
  });

  it('serves each text part, and answers 404 for a mail it does not have', async () => {
    const text = await fetch(`${origin}${MAILBOX_PATH}/2.txt`);
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await text.text()).toBe(MAILS[1]!.BodyText);
    expect((await fetch(`${origin}${MAILBOX_PATH}/3.html`)).status).toBe(404);
    expect((await fetch(`${origin}${MAILBOX_PATH}/1.exe`)).status).toBe(404);
  });

  it('leaves every other path to the API', async () => {
    expect((await fetch(`${origin}/v1/auth/magic-link`)).status).toBe(418);
    expect((await fetch(`${origin}/_local/mailbox`)).status).toBe(418);
  });
});
