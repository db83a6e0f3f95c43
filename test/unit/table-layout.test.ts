import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { emailHash } from '../../lambdas/domain/codes';
import { rateLimitWindow } from '../../lambdas/domain/limits';
import { ATTR, RECORD_ATTRIBUTES, requestItemKeys } from '../../lambdas/table-layout';
import { ATTRIBUTES_BY_KEY, KEY_SHAPES, buildersMatching } from '../fixtures/table-layout';

/** The rows of the layout table in table-layout.ts's header: each key shape and the attributes it lists. */
function headerRows(): { shape: string; attributes: string[] }[] {
  const source = readFileSync(path.join(__dirname, '../../lambdas/table-layout.ts'), 'utf8');
  const header = source.slice(0, source.indexOf('*/'));
  return header
    .split('\n')
    .filter((line) => line.startsWith(' * | `'))
    .map((line) => {
      const cells = line.split('|').map((cell) => cell.trim());
      const ticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
      return { shape: ticked(cells[1]!)[0]!, attributes: ticked(cells[3]!) };
    });
}

describe('the layout table in table-layout.ts', () => {
  const rows = headerRows();

  it('lists every key the builders make, and no other', () => {
    expect(rows.map((row) => row.shape).sort()).toEqual(Object.values(KEY_SHAPES).sort());
  });

  it('lists, for each key, the attributes its item kind may have (the key `pk` aside)', () => {
    for (const row of rows) {
      const [builder] = buildersMatching(row.shape);
      expect([ATTR.pk, ...row.attributes].sort()).toEqual([...ATTRIBUTES_BY_KEY[builder!]].sort());
    }
  });

  it('names every attribute of the layout in some item kind', () => {
    expect(new Set(Object.values(RECORD_ATTRIBUTES).flat())).toEqual(new Set(Object.values(ATTR)));
  });

  it('has keys that each match exactly one builder', () => {
    for (const shape of Object.values(KEY_SHAPES)) expect(buildersMatching(shape)).toHaveLength(1);
  });
});

describe('request counter keys', () => {
  it('keep this network\'s share of an address apart from the address\'s inbox and from other networks', () => {
    const window = rateLimitWindow(1_800_000_000);
    const hash = emailHash('deployment-secret', 'ada@example.com');
    const keysFrom = (ipKey: string) => requestItemKeys({ ipKey, emailHash: hash, window, mailBudget: { shard: 0 }, link: { id: 'link', userHash: 'user' } });
    const mine = keysFrom('v4:198.51.100.7');
    const stranger = keysFrom('v4:203.0.113.9');
    expect(mine.inbox).toBe(stranger.inbox);
    expect(mine.email).not.toBe(stranger.email);
    expect(new Set([mine.ip, mine.email, mine.inbox]).size).toBe(3);
    expect(JSON.stringify(mine)).not.toContain('ada@example.com');
  });
});
