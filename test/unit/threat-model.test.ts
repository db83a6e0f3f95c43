import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SETTINGS, SETTING_NAMES, type SettingName, type SettingSpec } from '../../lambdas/settings';
import {
  API_PAGE_BLOCK_END,
  API_PAGE_BLOCK_START,
  API_PAGE_PATH,
  BOTNET_NETWORKS,
  THREAT_MODEL_PATH,
  defaultInputs,
  renderThreatModel,
  renderThreatModelFiles,
} from '../../scripts/docs/threat-model';

const root = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const page = () => read(THREAT_MODEL_PATH);
const spec = (name: SettingName) => SETTINGS[name] as SettingSpec<unknown>;
const defaultOf = (name: SettingName) => spec(name).default as number;
const described = (name: SettingName) => spec(name).kind.describe(spec(name).default);
const grouped = (n: number) => n.toLocaleString('en-US');

/** The page's summary row for one attacker: [per hour, per day]. */
function summaryRow(text: string, attacker: string): [string, string] {
  const row = text.split('\n').find((line) => line.startsWith(`| ${attacker} |`));
  if (!row) throw new Error(`no summary row for "${attacker}"`);
  const cells = row.split('|').map((cell) => cell.trim());
  return [cells[2]!, cells[3]!];
}

describe('the threat model page', () => {
  it('and the API page\'s paragraph are exactly what `npm run docs` writes', () => {
    const stale = [...renderThreatModelFiles(read(API_PAGE_PATH))].filter(([file, content]) => read(file) !== content).map(([file]) => file);
    expect(stale).toEqual([]);
  });

  it('quotes every setting it names at its current default', () => {
    const text = page();
    const quoted = new Map([...text.matchAll(/^\| `(\w+)` \| (.+) \|$/gm)].map((match) => [match[1]!, match[2]!]));
    expect(quoted.size).toBeGreaterThan(0);
    for (const [name, value] of quoted) {
      expect(SETTING_NAMES).toContain(name);
      expect([name, value]).toEqual([name, described(name as SettingName)]);
    }
    const named = new Set([...text.matchAll(/`(\w+)`/g)].map((match) => match[1]!).filter((word) => (SETTING_NAMES as string[]).includes(word)));
    expect([...named].sort()).toEqual([...quoted.keys()].sort());
  });

  it('works its guessing figures out from the current defaults', () => {
    const text = page();
    // One network's share of an address, and the address's ceiling across networks.
    const share = defaultOf('codeAttemptsPerHour');
    const perAddress = defaultOf('inboxCodeAttemptsPerHour');
    const perNetwork = defaultOf('ipCodeAttemptsPerHour');
    expect(summaryRow(text, 'One network, one target address')).toEqual([grouped(share), grouped(24 * share)]);
    expect(summaryRow(text, `${grouped(BOTNET_NETWORKS)} networks, one target address`)).toEqual([grouped(perAddress), grouped(24 * perAddress)]);
    expect(summaryRow(text, 'One network, any addresses')).toEqual([grouped(perNetwork), grouped(24 * perNetwork)]);
    // A botnet is held by the mail budget: each mailed code meets at most two clock hours' worth of its address's ceiling.
    const botnetHour = Math.min(BOTNET_NETWORKS * perNetwork, 2 * perAddress * defaultOf('mailBudgetPerHour'));
    expect(summaryRow(text, `${grouped(BOTNET_NETWORKS)} networks, any addresses`)).toEqual([grouped(botnetHour), grouped(24 * botnetHour)]);
  });

  it('follows a changed setting rather than repeating typed numbers', () => {
    const doubled = renderThreatModel({ ...defaultInputs(), codeAttemptsPerHour: 2 * defaultOf('codeAttemptsPerHour') });
    expect(summaryRow(doubled, 'One network, one target address')).toEqual([grouped(2 * defaultOf('codeAttemptsPerHour')), grouped(48 * defaultOf('codeAttemptsPerHour'))]);
    expect(doubled).not.toEqual(renderThreatModel());
  });
});

describe('the API page', () => {
  it('states the per-network cap at its default, with the same per-day figures as the page', () => {
    const apiPage = read(API_PAGE_PATH);
    const block = apiPage.slice(apiPage.indexOf(API_PAGE_BLOCK_START), apiPage.indexOf(API_PAGE_BLOCK_END));
    expect(block).toContain(`\`ipCodeAttemptsPerHour\` (default ${defaultOf('ipCodeAttemptsPerHour')})`);
    const text = page();
    for (const attacker of ['One network, any addresses', `${grouped(BOTNET_NETWORKS)} networks, any addresses`, 'One network, one target address']) {
      expect(block).toMatch(new RegExp(` ${summaryRow(text, attacker)[1]}( guesses)? a day`));
    }
    // The link is relative to the page it is in.
    expect(block).toContain(`](${path.posix.relative(path.posix.dirname(API_PAGE_PATH), THREAT_MODEL_PATH)})`);
  });
});
