import { PutItemCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoAuthStore } from '../../lambdas/adapters/dynamo-auth-store';
import { MagicLinkService, type AuthSettings } from '../../lambdas/domain/auth-service';
import type { RefusedError } from '../../lambdas/domain/errors';
import { userHash } from '../../lambdas/domain/tokens';
import { KEYS } from '../../lambdas/table-layout';
import { authSettings } from '../fixtures/auth-settings';
import { solve } from '../fixtures/proof-of-work';
import { expectItemsOnLayout, freshStore } from './engine';

/**
 * The mail budget under pressure against a real engine (DynamoDB Local), through the service and the
 * store together: the reserve only returning addresses draw on, one network's share of the budget, and
 * a proof of work spent once, each under real parallel requests.
 */
jest.setTimeout(120_000);
expectItemsOnLayout();

let store: DynamoAuthStore;
let client: DynamoDBClient;
let tableName: string;
beforeAll(async () => {
  ({ store, client, tableName } = await freshStore());
});

/** Each scenario in an hour of its own, so its budget starts at zero. */
let hour = 500_000;
const nextHour = () => new Date(++hour * 3600 * 1000 + 60_000);
let sequence = 0;
const fresh = (label: string) => `${label}-${++sequence}-${Math.random().toString(36).slice(2, 8)}@example.com`;
const network = (i: number) => `198.51.${Math.floor(i / 250)}.${i % 250}`;

function service(overrides: Partial<AuthSettings>) {
  const mailed: string[] = [];
  const magicLinks = new MagicLinkService(store, { send: async ({ to }) => void mailed.push(to) }, { get: async () => 's'.repeat(64) }, authSettings({ challengeDifficulty: 1000, ...overrides }));
  return { magicLinks, mailed };
}

/** The address signed in before: it has a user. */
const returning = async (email: string) => client.send(new PutItemCommand({ TableName: tableName, Item: marshall({ pk: KEYS.user(userHash(email)), user_id: `usr_${sequence}`, email }) }));

/** The counts of the budget's shards in `now`'s hour: the shared part's and the reserve's. */
async function budgetCounts(now: Date): Promise<{ shared: number; reserve: number }> {
  const start = Math.floor(now.getTime() / 1000 / 3600) * 3600;
  const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, FilterExpression: 'begins_with(pk, :mail)', ExpressionAttributeValues: { ':mail': { S: `rl#mail#${start}#` } } }));
  const counts = Items.map((item) => unmarshall(item) as { pk: string; cnt: number });
  const sum = (reserve: boolean) => counts.filter((item) => /#r\d+$/.test(item.pk) === reserve).reduce((total, item) => total + item.cnt, 0);
  return { shared: sum(false), reserve: sum(true) };
}

const outcome = (promise: Promise<{ held?: true }>) => promise.then((result) => (result.held ? 'held' : 'sent'), (error: RefusedError) => error.reason);
const tally = (outcomes: string[]) => outcomes.reduce<Record<string, number>>((counts, name) => ({ ...counts, [name]: (counts[name] ?? 0) + 1 }), {});

describe('the reserve for returning addresses', () => {
  // 20 an hour: 10 kept for returning addresses, 10 shared (one a shard); no proof of work asked.
  const settings = { mailBudgetPerHour: 20, mailBudgetReservePercent: 50, challengeThresholdPercent: 100, networkBudgetPercent: 100 };

  it('30 new addresses from 30 networks at once spend at most the shared part; a returning address is still mailed', async () => {
    const now = nextHour();
    const { magicLinks, mailed } = service(settings);
    const addresses = Array.from({ length: 30 }, (_, i) => fresh(`flood${i}`));
    const outcomes = await Promise.all(addresses.map((email, i) => outcome(magicLinks.requestMagicLink(email, network(i), now))));
    // Every new address hears the same 202, mailed or not: nobody learns the shared part is spent.
    expect(Object.keys(tally(outcomes)).sort()).toEqual(['held', 'sent']);
    expect(mailed.length).toBe(tally(outcomes).sent);
    expect(mailed.length).toBeLessThanOrEqual(10);
    expect(await budgetCounts(now)).toEqual({ shared: mailed.length, reserve: 0 });

    const person = fresh('returning');
    await returning(person);
    await expect(outcome(magicLinks.requestMagicLink(person, network(99), now))).resolves.toBe('sent');
    expect(mailed.at(-1)).toBe(person);
    expect((await budgetCounts(now)).reserve).toBe(1);
  });

  it('15 returning addresses at once once the shared part is spent: never more mailed than the reserve holds', async () => {
    const now = nextHour();
    const { magicLinks, mailed } = service(settings);
    // Each mailed from the shared part, or held back when the three shards it tried were full.
    for (let i = 0; i < 10; i++) await magicLinks.requestMagicLink(fresh(`spend${i}`), network(i), now);
    const people = Array.from({ length: 15 }, (_, i) => fresh(`back${i}`));
    await Promise.all(people.map(returning));
    const outcomes = await Promise.all(people.map((email, i) => outcome(magicLinks.requestMagicLink(email, network(100 + i), now))));
    const counts = await budgetCounts(now);
    // Every mail drew on one part; the reserve gave at most its 10, and the whole budget no more than 20.
    expect(counts.shared + counts.reserve).toBe(mailed.length);
    expect(counts.reserve).toBeLessThanOrEqual(10);
    expect(counts.reserve).toBeGreaterThan(0);
    expect(mailed.length).toBeLessThanOrEqual(20);
    // A returning address is mailed or told the budget is spent; never held back like a new one.
    expect(outcomes.filter((name) => name !== 'sent' && name !== 'capacity_exceeded')).toEqual([]);
  });
});

describe('one network\'s share of the budget', () => {
  it('lets one network request 2 of a budget of 40 (5%), however many it sends at once', async () => {
    const now = nextHour();
    const { magicLinks, mailed } = service({ mailBudgetPerHour: 40, mailBudgetReservePercent: 0, challengeThresholdPercent: 100, networkBudgetPercent: 5 });
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => outcome(magicLinks.requestMagicLink(fresh(`net${i}`), '203.0.113.77', now))));
    expect(tally(outcomes)).toEqual({ sent: 2, ip_limit_exceeded: 6 });
    expect(mailed).toHaveLength(2);
    // An IPv6 network is its /64: another address in it shares the count.
    const v6 = await Promise.all(['2001:db8:7:7::1', '2001:db8:7:7::2', '2001:db8:7:7:ffff::3'].map((ip, i) => outcome(magicLinks.requestMagicLink(fresh(`v6${i}`), ip, now))));
    expect(tally(v6)).toEqual({ sent: 2, ip_limit_exceeded: 1 });
  });
});

describe('a proof of work', () => {
  // Every request needs one: the threshold is 0.
  const settings = { mailBudgetPerHour: 100, mailBudgetReservePercent: 0, challengeThresholdPercent: 0, networkBudgetPercent: 100 };

  it('is asked of every request past the threshold, and one solution sends one mail however many requests race with it', async () => {
    const now = nextHour();
    const { magicLinks, mailed } = service(settings);
    await expect(outcome(magicLinks.requestMagicLink(fresh('bare'), network(1), now))).resolves.toBe('challenge_required');
    const proofOfWork = solve(await magicLinks.challenge(now));
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => outcome(magicLinks.requestMagicLink(fresh(`race${i}`), network(i), now, { proofOfWork }))));
    expect(tally(outcomes)).toEqual({ sent: 1, proof_used: 5 });
    expect(mailed).toHaveLength(1);
    // Kept, as a counter at its one use, until the challenge expires.
    const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, FilterExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: KEYS.proofOfWork(proofOfWork.challenge) } } }));
    expect(Items.map((entry) => unmarshall(entry))).toEqual([{ pk: KEYS.proofOfWork(proofOfWork.challenge), cnt: 1, ttl: Number(/expires=(\d+)/.exec(proofOfWork.salt)![1]) }]);
  });

  it('spent by a request that sends nothing (a new address held back) cannot be used again', async () => {
    const now = nextHour();
    const { magicLinks, mailed } = service({ mailBudgetPerHour: 2, mailBudgetReservePercent: 50, challengeThresholdPercent: 0, networkBudgetPercent: 100 });
    const spend = solve(await magicLinks.challenge(now));
    await magicLinks.requestMagicLink(fresh('first'), network(1), now, { proofOfWork: spend });
    const proofOfWork = solve(await magicLinks.challenge(now));
    await expect(outcome(magicLinks.requestMagicLink(fresh('new'), network(2), now, { proofOfWork }))).resolves.toBe('held');
    await expect(outcome(magicLinks.requestMagicLink(fresh('again'), network(3), now, { proofOfWork }))).resolves.toBe('proof_used');
    expect(mailed).toHaveLength(1);
  });
});
