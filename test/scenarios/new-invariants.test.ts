import { describe, expect, test } from 'vitest';
import { DOWN_PROBES_PER_MIN_DEFAULT, RECONCILED_TOLERANCE_BASE } from '../../src/invariants/index.ts';
import { loadPolicy } from '../../src/redundancy/load-policy.ts';
import type { Policy, PolicyContext, PolicyView } from '../../src/redundancy/policy.ts';
import { loadScenarioFile, parseScenario, type Scenario } from '../../src/scenario/index.ts';
import { runScenario, type RunResult } from '../../src/sim/run.ts';

/**
 * The four later invariants on real runs (real ccxt against the mocks), judged on the trace's
 * ground truth: each fires on a policy that makes the mistake it names, at the moment the fault
 * bites, and holds for the reference engine on the same run.
 */

async function create(module: string): Promise<Policy> {
  const loaded = await loadPolicy(module);
  if (!loaded.ok) throw new Error(`${module} does not load: ${loaded.error.message}`);
  return loaded.create();
}

function scenario(text: string): Scenario {
  const parsed = parseScenario(text, 'new-invariants.yaml');
  if (!parsed.ok) throw new Error(`test scenario does not load: ${JSON.stringify(parsed.errors)}`);
  return parsed.scenario;
}

async function shipped(file: string): Promise<Scenario> {
  const loaded = await loadScenarioFile(file);
  if (!loaded.ok) throw new Error(`${file} does not load`);
  return loaded.scenario;
}

const invariant = (result: RunResult, name: string) => {
  const found = result.invariants.find((i) => i.name === name);
  if (found === undefined) throw new Error(`no ${name} invariant in the run's result`);
  return found;
};
const events = (result: RunResult, type: string) => result.trace.events.filter((e) => e.type === type);

describe('noLiquidation on a real run', () => {
  /** A thin primary (3500 USDT at 20x) and a deep backup; 1 BTC to hedge short, then the price jumps 8 % against it. */
  const squeeze = (marginUsePctMax: string): Scenario =>
    scenario(`
name: short-squeeze
seed: 11
durationSec: 180
market: { symbol: BTC/USDT:USDT, priceStart: 60000, volatilityAnnual: 0.3, jumps: [{ atSec: 60, pct: 8 }] }
venues:
  - { id: primary, dialect: binanceusdm, balances: { USDT: 3500 }, leverage: 20 }
  - { id: backup,  dialect: binanceusdm, balances: { USDT: 250000 } }
inventory:
  - { atSec: 0, base: 1 }
limits: { netBaseMax: 0.3, hedgeWithinSec: 30${marginUsePctMax} }
`);

  test('breaks when a hedge parked whole on a thin venue is liquidated by a jump, naming venue, size, price and time', async () => {
    const result = await runScenario(squeeze(''), { policy: await create('src/redundancy/examples/no-failover.ts') });
    const liquidations = events(result, 'venue.liquidation');
    expect(liquidations.length).toBeGreaterThan(0);
    const r = invariant(result, 'noLiquidation');
    expect(r.passed).toBe(false);
    expect(r.numViolations).toBe(liquidations.length);
    expect(r.firstViolation?.venue).toBe('primary');
    // The jump at +60 s does it, at the engine's next tick.
    expect(r.firstViolation!.tMs).toBeGreaterThanOrEqual(60_000);
    expect(r.firstViolation!.tMs).toBeLessThanOrEqual(62_000);
    expect(r.firstViolation?.message).toMatch(/^primary: position of -1 BTC\/USDT:USDT liquidated at price \d+(\.\d+)? at \+6\d\.\d{3} s$/);
  });

  test('holds for the reference engine kept within marginUsePctMax on the same run', async () => {
    const result = await runScenario(squeeze(', marginUsePctMax: 50'));
    expect(events(result, 'venue.liquidation')).toEqual([]);
    expect(invariant(result, 'noLiquidation').passed).toBe(true);
    // The jump did move the market: the primary's short lost money.
    expect(events(result, 'venue.position').some((e) => e.venue === 'primary' && String(e['size']).startsWith('-'))).toBe(true);
  });
});

describe('noDoubleHedge on a real run: scenarios/lost-acks-in-a-crash.yaml', () => {
  test('rehedge-on-timeout breaks it: it hedges a lost order again on the backup before any read of the primary', async () => {
    const result = await runScenario(await shipped('scenarios/lost-acks-in-a-crash.yaml'), { policy: await create('src/redundancy/examples/rehedge-on-timeout.ts') });
    const lost = events(result, 'fault.ackLost');
    expect(lost.length).toBeGreaterThan(0);
    const r = invariant(result, 'noDoubleHedge');
    expect(r.passed).toBe(false);
    const first = r.firstViolation!;
    // After the first lost ack (the fault window opens at +310 s), on the other venue, in its direction.
    expect(first.tMs).toBeGreaterThan(lost[0]!.tMs);
    expect(first.tMs).toBeLessThan(510_000);
    expect(first.venue).toBe('backup');
    expect(first.message).toMatch(/^backup: (buy|sell) order placed at \+\d+\.\d{3} s \(POST \/fapi\/v1\/order\) while the \1 order on primary whose acknowledgement was lost at \+\d+\.\d{3} s \(\1 [\d.]+, filled\) was unresolved for \d+\.\d{3} s/);
    expect(first.excess).toBeGreaterThan(0);
  });

  test('the reference engine holds it on the same scenario: each lost order is looked up on its venue first', async () => {
    const result = await runScenario(await shipped('scenarios/lost-acks-in-a-crash.yaml'));
    const lost = events(result, 'fault.ackLost');
    expect(lost.length).toBeGreaterThan(0);
    expect(invariant(result, 'noDoubleHedge')).toMatchObject({ passed: true, numViolations: 0 });
    // Every lost order was resolved by a lookup the reference logged.
    const resolved = events(result, 'decision').filter((e) => /unknown order \S+ resolved/.test(String(e['message'])));
    expect(resolved.length).toBe(lost.length);
  });
});

describe('probeBudget on a real run', () => {
  /** The default scenario's primary outage, refused at once (so a probe costs no wait), without the backup's rate limit. */
  async function refusedOutage(): Promise<Scenario> {
    const base = await shipped('scenarios/default.yaml');
    return { ...base, faults: base.faults.filter((f) => f.kind === 'outage').map((f) => ({ ...f, mode: 'refused' as const })) };
  }

  test('a policy that probes a down venue every tick breaks it, inside the outage, naming the count and the budget', async () => {
    const result = await runScenario(await refusedOutage(), { policy: await create('test/canaries/policies/probes-down-venue-every-tick.ts') });
    const r = invariant(result, 'probeBudget');
    expect(r.passed).toBe(false);
    expect(r.firstViolation?.venue).toBe('primary');
    expect(r.firstViolation!.tMs).toBeGreaterThan(600_000);
    expect(r.firstViolation!.tMs).toBeLessThan(1_200_000);
    expect(r.firstViolation?.message).toMatch(
      new RegExp(`^primary: ${DOWN_PROBES_PER_MIN_DEFAULT + 1} requests in the 60 s up to \\+\\d+\\.\\d{3} s \\(this one [A-Z]+ \\S+\\) while known down — outage f0-outage-primary from \\+600\\.000 s to \\+1200\\.000 s, first answered refused on .+ at \\+\\d+\\.\\d{3} s — over downProbesPerMinMax ${DOWN_PROBES_PER_MIN_DEFAULT} by 1$`),
    );
    // Its mistake is the only one: it stays within the rate limits it was never given.
    expect(invariant(result, 'retryAfter').passed).toBe(true);
  });

  test('the reference engine holds it on the same run, and so does the canary with a budget it keeps', async () => {
    const reference = await runScenario(await refusedOutage());
    expect(invariant(reference, 'probeBudget')).toMatchObject({ passed: true, numViolations: 0 });
    expect(events(reference, 'response').some((e) => e.venue === 'primary' && e['outcome'] === 'refused')).toBe(true);
    const lenient = await refusedOutage();
    const canary = await runScenario({ ...lenient, limits: { ...lenient.limits, downProbesPerMinMax: 1000 } }, { policy: await create('test/canaries/policies/probes-down-venue-every-tick.ts') });
    expect(invariant(canary, 'probeBudget').passed).toBe(true);
  });
});

describe('reconciled on a real run', () => {
  /** Both venues lose order acks for the first 20 s; chaos until +60 s, recovery deadline +120 s. */
  const lostAtStart = scenario(`
name: lost-acks-then-recovery
seed: 5
durationSec: 240
market: { symbol: BTC/USDT:USDT, priceStart: 60000, volatilityAnnual: 0.3 }
venues:
  - { id: primary, dialect: binanceusdm, balances: { USDT: 250000 } }
  - { id: backup,  dialect: binanceusdm, balances: { USDT: 250000 } }
inventory:
  - { atSec: 0, base: 2 }
limits: { netBaseMax: 0.3, hedgeWithinSec: 30 }
faults:
  - { venue: primary, kind: ackLoss, atSec: 0, durationSec: 20, mode: unknownStatus }
phases: { chaosUntilSec: 60, convergeWithinSec: 60 }
`);

  /**
   * Hedges once on the primary and books only what was acknowledged: an order whose answer was
   * lost counts as nothing, and is never looked up. It never hedges twice, so the desk is hedged
   * (`converged` holds) — but its books say it is not.
   */
  function booksOnlyAcks(): Policy {
    const held: Record<string, number> = {};
    let ctx: PolicyContext | undefined;
    return {
      name: 'books-only-acks',
      async start(context) {
        ctx = context;
        const venue = context.venues[0]!;
        await venue.exchange.loadMarkets();
        try {
          const order = await venue.exchange.createOrder(venue.symbol, 'market', 'sell', context.inventoryBase());
          held[venue.id] = -Number(order.filled ?? order.amount ?? 0);
        } catch {
          // The answer was lost: it books nothing.
        }
      },
      view(): PolicyView {
        const byVenue = { ...held };
        return { netBase: (ctx?.inventoryBase() ?? 0) + Object.values(byVenue).reduce((a, b) => a + b, 0), byVenue };
      },
    };
  }

  test("breaks when the policy's books miss an order that executed, at the deadline and at the end, naming the venue and by how much", async () => {
    const result = await runScenario(lostAtStart, { policy: booksOnlyAcks() });
    expect(events(result, 'fault.ackLost').length).toBe(1);
    expect(invariant(result, 'converged').passed).toBe(true);
    const views = events(result, 'policy.view');
    expect(views.map((v) => [v['at'], v.tMs])).toEqual([
      ['deadline', 120_000],
      ['end', 240_000],
    ]);
    const r = invariant(result, 'reconciled');
    expect(r.passed).toBe(false);
    expect(r.numViolations).toBe(2);
    expect(r.firstViolation).toMatchObject({ tMs: 120_000, venue: 'primary', excess: 2 });
    expect(r.firstViolation?.message).toBe(
      `the policy's view at the recovery deadline +120.000 s differs from the venues' truth by more than ${RECONCILED_TOLERANCE_BASE} base: ` +
        'primary not in the view (venue holds -2, off by 2); net 2 (truth 0, off by 2)',
    );
  });

  test('the reference engine holds it on the same run: its ledger settles the lost order by lookup', async () => {
    const result = await runScenario(lostAtStart);
    expect(events(result, 'fault.ackLost').length).toBeGreaterThan(0);
    expect(events(result, 'policy.view').map((v) => v['at'])).toEqual(['deadline', 'end']);
    expect(invariant(result, 'reconciled')).toMatchObject({ passed: true, numViolations: 0 });
    expect(invariant(result, 'reconciled').note).toBeUndefined();
  });

  test('a policy without a view passes with a note; without phases it is not configured', async () => {
    const noView = await runScenario(lostAtStart, { policy: await create('src/redundancy/examples/simple-failover.ts') });
    expect(events(noView, 'policy.view')).toEqual([]);
    expect(invariant(noView, 'reconciled')).toMatchObject({ passed: true, note: 'not checked: the policy does not report its view' });
    const { phases: _phases, ...withoutPhases } = lostAtStart;
    const reference = await runScenario(withoutPhases);
    expect(invariant(reference, 'reconciled')).toMatchObject({ passed: true, note: 'not checked: phases is not set in the scenario' });
  });
});
