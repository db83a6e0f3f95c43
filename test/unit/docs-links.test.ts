import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { REPOSITORY_ROOT, documentationFiles } from '../fixtures/documentation';

/**
 * A newcomer reads the README in a few minutes and follows its links into docs/: the README stays
 * short, and no link in it or in any page under docs/ leads nowhere (a missing file, a heading that
 * was renamed, a source file that moved).
 */
const README_LIMIT_BYTES = 8192;
/** The repository's source folders: a code span naming a path under one of them names a real file. */
const SOURCE_DIRS = ['bin', 'client', 'docs', 'examples', 'lambdas', 'lib', 'scripts', 'test'];

const relative = (file: string) => path.relative(REPOSITORY_ROOT, file);

/** The text outside fenced code blocks (a `#` comment in a shell block is not a heading). */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const slugs = new Set<string>();
  for (const [, text] of prose(markdown).matchAll(/^#{1,6} +(.+?) *#* *$/gm)) {
    const base = text!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

/** Every link target outside code: `[text](target)`, ignoring what code spans quote. */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown).replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)].map((match) => match[1]!);
}

/** The problems with one relative link from `file`, or none. */
function brokenLink(file: string, target: string): string | undefined {
  const [pathPart, anchor] = target.split('#') as [string, string | undefined];
  const destination = pathPart === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(pathPart));
  if (!existsSync(destination)) return `${target}: no such file`;
  if (anchor === undefined || !destination.endsWith('.md') || statSync(destination).isDirectory()) return undefined;
  return anchors(readFileSync(destination, 'utf8')).has(anchor) ? undefined : `${target}: no heading with this anchor`;
}

describe('the documentation', () => {
  const files = documentationFiles();

  it('has a README under 8 KB', () => {
    expect(readFileSync(path.join(REPOSITORY_ROOT, 'README.md')).byteLength).toBeLessThan(README_LIMIT_BYTES);
  });

  it('links from the README to the pages under docs/', () => {
    const targets = linkTargets(readFileSync(path.join(REPOSITORY_ROOT, 'README.md'), 'utf8'));
    for (const page of ['api.md', 'construct.md', 'operations.md', 'local.md', 'testing.md', 'layout.md', 'security.md']) {
      expect(targets).toContain(`docs/${page}`);
    }
  });

  it.each(files.map(relative))('%s: every relative link resolves, anchors included', (file) => {
    const full = path.join(REPOSITORY_ROOT, file);
    const local = linkTargets(readFileSync(full, 'utf8')).filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
    expect(local.map((target) => brokenLink(full, target)).filter(Boolean)).toEqual([]);
  });

  it.each(files.map(relative))('%s: every source path it names exists', (file) => {
    const spans = [...prose(readFileSync(path.join(REPOSITORY_ROOT, file), 'utf8')).matchAll(/`([\w.-]+\/[\w./-]*)`/g)].map((match) => match[1]!);
    const paths = spans.filter((span) => SOURCE_DIRS.includes(span.split('/')[0]!));
    expect(paths.filter((name) => !existsSync(path.join(REPOSITORY_ROOT, name)))).toEqual([]);
  });

  it('checks anchors as GitHub makes them', () => {
    expect([...anchors('# The API\n## Who may sign in\n```sh\n# not a heading\n```\n## `npm start`: what it does\n## Who may sign in\n')]).toEqual([
      'the-api',
      'who-may-sign-in',
      'npm-start-what-it-does',
      'who-may-sign-in-1',
    ]);
  });
});
