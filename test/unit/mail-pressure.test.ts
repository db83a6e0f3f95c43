import fc from 'fast-check';
import { MagicLinkService } from '../../lambdas/domain/auth-service';
import { RefusedError } from '../../lambdas/domain/errors';
import { mailBudgetPlan, networkLimit } from '../../lambdas/domain/limits';
import type { AuthStore, CountOnly, LinkRequest, LinkRequestOutcome } from '../../lambdas/domain/ports';
import { CHALLENGE_LIFETIME_SECONDS, checkSolution, issueChallenge, powKey } from '../../lambdas/domain/proof-of-work';
import { SignInPolicy } from '../../lambdas/domain/sign-in-policy';
import { userHash } from '../../lambdas/domain/tokens';
import { authSettings } from '../fixtures/auth-settings';
import { solve } from '../fixtures/proof-of-work';

const SECRET = 'x'.repeat(64);
const NOW = 1_800_000_000;

describe('proof-of-work challenges', () => {
  const key = powKey(SECRET);

  it('are ALTCHA-shaped, signed, and solved by the number hidden in them', () => {
    const issued = issueChallenge(key, 2000, NOW);
    expect(issued).toEqual({ algorithm: 'SHA-256', challenge: expect.stringMatching(/^[0-9a-f]{64}$/), maxnumber: 2000, salt: expect.stringMatching(/^[0-9a-f]{24}\?expires=\d+$/), signature: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(issued.salt.endsWith(`?expires=${NOW + CHALLENGE_LIFETIME_SECONDS}`)).toBe(true);
    const solution = solve(issued);
    expect(solution.number).toBeLessThanOrEqual(2000);
    expect(checkSolution(key, solution, NOW + 1)).toEqual({ id: issued.challenge, expiresAt: NOW + CHALLENGE_LIFETIME_SECONDS });
  });

  it('hide a number anywhere up to maxnumber: the difficulty is the work', () => {
    const numbers = Array.from({ length: 40 }, () => solve(issueChallenge(key, 1000, NOW)).number);
    expect(Math.max(...numbers)).toBeLessThanOrEqual(1000);
    expect(new Set(numbers).size).toBeGreaterThan(30);
    // Half the range on average: a tenfold maxnumber is about tenfold work.
    const mean = numbers.reduce((sum, n) => sum + n, 0) / numbers.length;
    expect(mean).toBeGreaterThan(250);
    expect(mean).toBeLessThan(750);
  });

  it('stop counting once expired', () => {
    const solution = solve(issueChallenge(key, 1000, NOW));
    expect(checkSolution(key, solution, NOW + CHALLENGE_LIFETIME_SECONDS - 1)).not.toBe('expired');
    expect(checkSolution(key, solution, NOW + CHALLENGE_LIFETIME_SECONDS)).toBe('expired');
  });

  it('refuse a wrong number, another key\'s signature, and any field changed', () => {
    const solution = solve(issueChallenge(key, 1000, NOW));
    const later = solution.salt.replace(/expires=\d+/, `expires=${NOW + 10 * CHALLENGE_LIFETIME_SECONDS}`);
    for (const tampered of [
      { ...solution, number: solution.number + 1 },
      { ...solution, salt: later },
      { ...solution, salt: solution.salt.replace(/\?expires=\d+$/, '') },
      { ...solution, signature: solution.signature.replace(/^./, (c) => (c === '0' ? '1' : '0')) },
      { ...solution, signature: 'ab' },
      { ...solution, algorithm: 'SHA-1' },
    ]) {
      expect(checkSolution(key, tampered, NOW)).toBe('invalid');
    }
    expect(checkSolution(powKey('y'.repeat(64)), solution, NOW)).toBe('invalid');
  });

  it('use a key derived from the secret, never the secret itself', () => {
    expect(powKey(SECRET).toString('utf8')).not.toContain(SECRET);
    expect(powKey(SECRET)).toEqual(powKey(SECRET));
  });
});

describe('mailBudgetPlan', () => {
  it('keeps the reserve apart, and the shares of each part add up exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 90 }), fc.integer({ min: 0, max: 100 }), (budget, reserve, threshold) => {
        const plan = mailBudgetPlan(budget, reserve, threshold);
        const sum = (shards: readonly { limit: number }[]) => shards.reduce((total, shard) => total + shard.limit, 0);
        const reserved = Math.floor((budget * reserve) / 100);
        expect(sum(plan.reserve)).toBe(reserved);
        expect(sum(plan.shared)).toBe(budget - reserved);
        const open = plan.shared.reduce((total, shard) => total + shard.open, 0);
        expect(open).toBe(Math.min(budget - reserved, Math.floor((budget * threshold) / 100)));
        for (const shard of plan.shared) expect(shard.open).toBeLessThanOrEqual(shard.limit);
        expect(new Set([...plan.shared, ...plan.reserve].map((shard) => String(shard.shard))).size).toBe(plan.shared.length + plan.reserve.length);
      }),
    );
  });

  it('at the defaults: 200 of 1,000 kept for returning addresses, 500 open without a proof of work', () => {
    const plan = mailBudgetPlan(1000, 20, 50);
    expect(plan.reserve.map((shard) => shard.limit)).toEqual(Array(10).fill(20));
    expect(plan.shared.map((shard) => [shard.limit, shard.open])).toEqual(Array(10).fill([80, 50]));
  });
});

describe('networkLimit', () => {
  it('is the IP limit, never more than the network\'s share of the budget, and at least 1', () => {
    expect(networkLimit(50, 1000, 5)).toBe(50);
    expect(networkLimit(100_000, 1000, 5)).toBe(50);
    expect(networkLimit(50, 40, 5)).toBe(2);
    expect(networkLimit(50, 3, 5)).toBe(1);
    expect(networkLimit(3, 1000, 5)).toBe(3);
  });

  it('is the IP limit alone at a share of 100, so a spent small budget answers as a spent budget', () => {
    expect(networkLimit(50, 3, 100)).toBe(50);
    expect(networkLimit(50, 3, 99)).toBe(2);
  });
});

/**
 * An in-memory store that keeps the budget's shards and the users, as the table would: enough to
 * watch the service's choices (which part, with or without a proof, which answer).
 */
function memoryStore(users: ReadonlySet<string>) {
  const counts = new Map<string, number>();
  const spent = new Set<string>();
  const calls: string[] = [];
  const store = {
    async recordLinkRequest(request: LinkRequest): Promise<LinkRequestOutcome> {
      const key = String(request.mailBudget.shard);
      calls.push(`record ${key}${request.returning ? ' returning' : ''}${request.proof ? ' proof' : ''}`);
      if (request.proof && spent.has(request.proof.id)) return 'proof_used';
      if ((counts.get(key) ?? 0) >= request.mailBudget.limit) return 'capacity_exceeded';
      if (request.returning && !users.has(request.link.userHash)) return 'not_returning';
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (request.proof) spent.add(request.proof.id);
      return 'created';
    },
    async countLinkRequest(request: CountOnly) {
      calls.push(`count${request.pressure ? ` pressure ${String(request.pressure.shard)}` : ''}`);
      if (request.proof && spent.has(request.proof.id)) return 'proof_used' as const;
      if (request.pressure && (counts.get(String(request.pressure.shard)) ?? 0) >= request.pressure.limit) return 'capacity_exceeded' as const;
      if (request.proof) spent.add(request.proof.id);
      return 'counted' as const;
    },
    async releaseLinkRequest() {},
  };
  return { store: store as unknown as AuthStore, counts, calls };
}

describe('MagicLinkService under pressure (a budget of 100: 20 kept for returning addresses, 50 open without a proof)', () => {
  const settings = authSettings({ mailBudgetPerHour: 100, mailBudgetReservePercent: 20, challengeThresholdPercent: 50, challengeDifficulty: 1000 });
  const now = new Date(NOW * 1000);

  function setup() {
    const mails: string[] = [];
    const memory = memoryStore(new Set([userHash('returning@example.com')]));
    const service = new MagicLinkService(memory.store, { send: async ({ to }) => void mails.push(to) }, { get: async () => SECRET }, settings);
    const proof = async () => solve(await service.challenge(now));
    const ask = async (email: string, options: { proof?: boolean; ip?: string } = {}) =>
      service.requestMagicLink(email, options.ip ?? '198.51.100.7', now, options.proof ? { proofOfWork: await proof() } : {});
    return { ...memory, mails, service, proof, ask };
  }

  /** Fills each shared shard to its open part (5 of its 8) or to its limit. */
  const fill = (counts: Map<string, number>, open: boolean) => {
    for (const shard of mailBudgetPlan(100, 20, 50).shared) counts.set(String(shard.shard), open ? shard.open : shard.limit);
  };

  it('below the threshold, mails without a proof of work', async () => {
    const { ask, mails } = setup();
    await expect(ask('new@example.com')).resolves.toMatchObject({ expiresIn: settings.linkLifetimeSeconds, decision: { allowed: true } });
    expect(mails).toEqual(['new@example.com']);
  });

  it('past the threshold, asks every address for a proof of work alike, returning or new, and sends nothing', async () => {
    const { ask, counts, mails } = setup();
    fill(counts, true);
    await expect(ask('new@example.com')).rejects.toEqual(new RefusedError('challenge_required'));
    await expect(ask('returning@example.com')).rejects.toEqual(new RefusedError('challenge_required'));
    expect(mails).toEqual([]);
  });

  it('past the threshold, mails with a solved challenge, once: the same solution again is refused', async () => {
    const { service, counts, mails } = setup();
    fill(counts, true);
    const proofOfWork = solve(await service.challenge(now));
    await service.requestMagicLink('new@example.com', '198.51.100.7', now, { proofOfWork });
    expect(mails).toEqual(['new@example.com']);
    await expect(service.requestMagicLink('other@example.com', '198.51.100.7', now, { proofOfWork })).rejects.toEqual(new RefusedError('proof_used'));
  });

  it('refuses an expired or forged solution before counting anything', async () => {
    const { service, calls } = setup();
    const proofOfWork = solve(await service.challenge(now));
    const later = new Date((NOW + CHALLENGE_LIFETIME_SECONDS) * 1000);
    await expect(service.requestMagicLink('new@example.com', '198.51.100.7', later, { proofOfWork })).rejects.toEqual(new RefusedError('proof_expired'));
    await expect(service.requestMagicLink('new@example.com', '198.51.100.7', now, { proofOfWork: { ...proofOfWork, number: proofOfWork.number + 1 } })).rejects.toEqual(
      new RefusedError('proof_invalid'),
    );
    expect(calls).toEqual([]);
  });

  it('with the shared part spent, mails a returning address from the reserve; a new one gets the same answer and no mail', async () => {
    const { ask, counts, mails, calls } = setup();
    fill(counts, false);
    const returning = await ask('returning@example.com', { proof: true });
    const fresh = await ask('new@example.com', { proof: true });
    expect(fresh.expiresIn).toBe(returning.expiresIn);
    expect(fresh.decision).toEqual(returning.decision);
    expect(fresh.held).toBe(true);
    expect(returning.held).toBeUndefined();
    expect(mails).toEqual(['returning@example.com']);
    // The new address's request was still counted (its limits, its proof), as the returning one's was.
    expect(calls.at(-1)).toBe('count');
  });

  it('with the reserve spent too, answers capacity_exceeded to every address alike', async () => {
    const { ask, counts } = setup();
    fill(counts, false);
    for (const shard of mailBudgetPlan(100, 20, 50).reserve) counts.set(String(shard.shard), shard.limit);
    await expect(ask('returning@example.com', { proof: true })).rejects.toMatchObject({ reason: 'capacity_exceeded' });
    await expect(ask('new@example.com', { proof: true })).rejects.toMatchObject({ reason: 'capacity_exceeded' });
  });

  it('counts an address the policy refuses under the same pressure: the same challenge_required', async () => {
    const memory = memoryStore(new Set());
    const policy = new SignInPolicy({ allowedEmailDomains: ['example.com'], beforeSignInOnError: 'refuse' });
    const service = new MagicLinkService(memory.store, { send: async () => undefined }, { get: async () => SECRET }, settings, policy);
    fill(memory.counts, true);
    await expect(service.requestMagicLink('ada@elsewhere.test', '198.51.100.7', now)).rejects.toEqual(new RefusedError('challenge_required'));
    await expect(service.requestMagicLink('ada@elsewhere.test', '198.51.100.7', now, { proofOfWork: solve(await service.challenge(now)) })).resolves.toMatchObject({ decision: { allowed: false } });
  });

  it('with no reserve and no threshold, behaves as a plain budget: capacity_exceeded once it is spent', async () => {
    const memory = memoryStore(new Set());
    const service = new MagicLinkService(memory.store, { send: async () => undefined }, { get: async () => SECRET }, authSettings({ mailBudgetPerHour: 3, mailBudgetReservePercent: 0, challengeThresholdPercent: 100 }));
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await service.requestMagicLink(`n${i}@example.com`, '198.51.100.7', now).then(() => 'sent', (error: RefusedError) => error.reason));
    expect(answers).toEqual(['sent', 'sent', 'sent', 'capacity_exceeded']);
  });
});

describe('the reserve, per address', () => {
  it('serves an address only while its inbox has had fewer than 2 requests this hour', async () => {
    const seen: LinkRequest[] = [];
    const store = {
      async recordLinkRequest(request: LinkRequest): Promise<LinkRequestOutcome> {
        seen.push(request);
        return request.returning ? 'created' : 'capacity_exceeded';
      },
      async releaseLinkRequest() {},
    } as unknown as AuthStore;
    const service = new MagicLinkService(store, { send: async () => undefined }, { get: async () => SECRET }, authSettings({ challengeThresholdPercent: 100 }));
    await service.requestMagicLink('ada@example.com', '198.51.100.7', new Date(NOW * 1000));
    expect(seen.map((request) => [request.returning ?? false, request.limits.inbox])).toEqual([[false, 20], [false, 20], [false, 20], [true, 2]]);
  });
});
