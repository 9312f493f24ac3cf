import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { stringify } from 'yaml';
import {
  candidateArbitrary,
  candidateDocument,
  candidateScenario,
  DOWN_KINDS,
  faultScheduleArbitrary,
  inventoryFlowArbitrary,
  inventoryStepsArbitrary,
  keepHealthyWindow,
  marketGapsArbitrary,
  marketJumpsArbitrary,
  marketPathArbitrary,
  minimalDocument,
  scenarioArbitrary,
  type FaultInput,
} from '../../src/fuzz/index.ts';
import { parseScenario, type Scenario } from '../../src/scenario/index.ts';
import { marketsOf } from '../../src/scenario/markets.ts';

/** The search's arbitraries keep their budgets and always make scenarios the loader accepts (no runs: fast). */

const frame = { venueIds: ['a', 'b', 'c'], durationSec: 600 };
/** "Some venue healthy for 30 s in every 100 s." */
const HEALTHY = { healthySec: 30, everySec: 100 };

const BASE = parseScenario(stringify(baseDoc()), 'base.yaml');

describe('fuzz arbitraries', () => {
  test.prop([faultScheduleArbitrary(frame, { maxConcurrentDown: 1, faultsMaxPerKind: 4 })], { numRuns: 300, seed: 7 })('maxConcurrentDown 1: never two venues down at the same instant', (faults) => {
    const down = faults.filter((f) => DOWN_KINDS.includes(f.kind));
    for (const f of down) {
      for (const g of down) if (f.venue !== g.venue) expect(f.atSec < g.atSec + g.durationSec && g.atSec < f.atSec + f.durationSec).toBe(false);
      expect(f.atSec + f.durationSec).toBeLessThanOrEqual(frame.durationSec);
    }
  });

  test.prop([candidateArbitrary((BASE as { scenario: Scenario }).scenario, { kinds: ['outage', 'rateLimit', 'maintenance', 'latency', 'ackLoss', 'errorRate', 'readLag', 'staleData', 'clockSkew'] })], { numRuns: 200, seed: 7 })(
    'every candidate, laid over the base and with defaults left out, loads; the base inventory past the run is dropped',
    (candidate) => {
      const doc = candidateDocument((BASE as { scenario: Scenario }).scenario, candidate);
      const full = parseScenario(stringify(doc), 'candidate.yaml');
      const minimal = parseScenario(stringify(minimalDocument(doc)), 'minimal.yaml');
      if (!full.ok || !minimal.ok) throw new Error(JSON.stringify([full, minimal]));
      expect(minimal.scenario).toEqual(full.scenario);
      expect(full.scenario.inventory.every((s) => s.atSec < candidate.durationSec)).toBe(true);
    },
  );

  test.prop([faultScheduleArbitrary(frame, { healthyWindow: HEALTHY, faultsMaxPerKind: 4, swarm: false })], { numRuns: 200, seed: 7 })(
    'healthyWindow: some venue has 30 s free of down windows in every 100 s',
    (faults) => {
      const down = faults.filter((f) => DOWN_KINDS.includes(f.kind));
      expect(shortestBestStretchSec(down)).toBeGreaterThanOrEqual(HEALTHY.healthySec);
    },
  );

  test('healthyWindow: drops exactly the down windows that would break it (checked against a half-second oracle)', () => {
    const schedules = fc.sample(faultScheduleArbitrary(frame, { faultsMaxPerKind: 4, swarm: false }), { seed: 11, numRuns: 200 });
    let dropped = 0;
    for (const faults of schedules) {
      const kept = keepHealthyWindow(faults, { ...frame, ...HEALTHY });
      const keptDown = kept.filter((f) => DOWN_KINDS.includes(f.kind));
      expect(shortestBestStretchSec(keptDown)).toBeGreaterThanOrEqual(HEALTHY.healthySec);
      // Other kinds pass untouched.
      expect(kept.filter((f) => !DOWN_KINDS.includes(f.kind))).toEqual([...faults].sort((a, b) => a.atSec - b.atSec).filter((f) => !DOWN_KINDS.includes(f.kind)));
      for (const f of faults.filter((g) => DOWN_KINDS.includes(g.kind) && !kept.includes(g))) {
        dropped += 1;
        expect(shortestBestStretchSec([...keptDown, f])).toBeLessThan(HEALTHY.healthySec);
      }
    }
    // Not vacuous: the budget had windows to drop.
    expect(dropped).toBeGreaterThan(50);
  });

  test.prop([faultScheduleArbitrary(frame, { maxConcurrentDown: 1, healthyWindow: HEALTHY, faultsMaxPerKind: 4 })], { numRuns: 200, seed: 9 })('both budgets together: never two venues down at once, and the healthy window holds', (faults) => {
    const down = faults.filter((f) => DOWN_KINDS.includes(f.kind));
    for (const f of down) for (const g of down) if (f.venue !== g.venue) expect(f.atSec < g.atSec + g.durationSec && g.atSec < f.atSec + f.durationSec).toBe(false);
    expect(shortestBestStretchSec(down)).toBeGreaterThanOrEqual(HEALTHY.healthySec);
  });

  test('healthyWindow: a budget that asks for more than the stretch it is counted in is refused', () => {
    expect(() => faultScheduleArbitrary(frame, { healthyWindow: { healthySec: 120, everySec: 60 } })).toThrow(/healthySec <= everySec/);
  });

  test.prop([marketPathArbitrary(frame), inventoryFlowArbitrary(frame)], { numRuns: 300, seed: 7 })('market paths and inventory flows stay in their bounds, inside the frame', (market, flows) => {
    expect(market.volatilityAnnual).toBeGreaterThanOrEqual(0);
    expect(market.volatilityAnnual).toBeLessThanOrEqual(2);
    expect(Math.abs(market.driftAnnual)).toBeLessThanOrEqual(1);
    expect(market.jumps.length).toBeLessThanOrEqual(2);
    expect(flows.length).toBeLessThanOrEqual(2);
    for (const { atSec, flow } of flows) {
      expect(atSec + flow.durationSec).toBeLessThanOrEqual(frame.durationSec);
      expect(flow.ratePerHour).toBeGreaterThanOrEqual(1);
      expect(flow.ratePerHour).toBeLessThanOrEqual(360);
      expect(flow.baseMax).toBeGreaterThan(0);
      expect(flow.baseMax).toBeLessThanOrEqual(1);
      expect(flow.buyPct ?? 50).toBeGreaterThanOrEqual(0);
      expect(flow.buyPct ?? 50).toBeLessThanOrEqual(100);
    }
  });

  const base = (BASE as { scenario: Scenario }).scenario;
  const phased = parseScenario(stringify({ ...baseDoc(), phases: { chaosUntilSec: 300, convergeWithinSec: 60 } }), 'phased.yaml') as { scenario: Scenario };
  test.prop([fc.constantFrom(base, phased.scenario).chain((b) => candidateArbitrary(b, { marketPath: true, inventoryFlows: true, healthyWindow: HEALTHY, maxConcurrentDown: 1 }).map((c) => [b, c] as const))], { numRuns: 200, seed: 7 })(
    'every candidate with market paths, inventory flows and both budgets loads; its flows end inside the run (and the chaos phase)',
    ([b, candidate]) => {
      const { doc, scenario } = candidateScenario(b, candidate);
      const minimal = parseScenario(stringify(minimalDocument(doc)), 'minimal.yaml');
      if (!minimal.ok) throw new Error(JSON.stringify(minimal.errors));
      expect(minimal.scenario).toEqual(scenario);
      expect(marketsOf(scenario.market)[0]!.volatilityAnnual).toBe(candidate.market?.volatilityAnnual);
      expect(marketsOf(scenario.market)[0]!.driftAnnual).toBe(candidate.market?.driftAnnual);
      const flowEnd = Math.min(scenario.durationSec, b.phases?.chaosUntilSec ?? Infinity);
      for (const s of scenario.inventory) if (s.flow !== undefined) expect(s.atSec + s.flow.durationSec).toBeLessThanOrEqual(flowEnd);
    },
  );

  test.prop([marketGapsArbitrary(frame, { gapsMax: 3, durationSecMax: 300, pctMax: 15 })], { numRuns: 300, seed: 7 })('price gaps stay inside the frame, in order, never overlapping', (gaps) => {
    expect(gaps.length).toBeLessThanOrEqual(3);
    gaps.forEach((g, i) => {
      expect(g.durationSec).toBeGreaterThanOrEqual(1);
      expect(g.durationSec).toBeLessThanOrEqual(300);
      expect(g.atSec + g.durationSec).toBeLessThanOrEqual(frame.durationSec);
      expect(Math.abs(g.pct)).toBeLessThanOrEqual(15);
      const next = gaps[i + 1];
      if (next !== undefined) expect(next.atSec).toBeGreaterThanOrEqual(g.atSec + g.durationSec);
    });
  });

  // Two markets, the first with a gap of its own: the candidate's gaps go to the first market and
  // must never overlap it (the scenario would not load).
  const twoMarkets = parseScenario(
    stringify({
      ...baseDoc(),
      market: [
        { symbol: 'BTC/USDT:USDT', priceStart: 60000, gaps: [{ atSec: 100, durationSec: 60 }] },
        { symbol: 'ETH/USDT:USDT', priceStart: 3000, gaps: [{ atSec: 500, durationSec: 90, pct: -3 }] },
      ],
      limits: { ...(baseDoc()['limits'] as object), assets: { ETH: { netBaseMax: 5 } } },
    }),
    'two-markets.yaml',
  ) as { ok: true; scenario: Scenario } | { ok: false; errors: unknown };
  test.prop([fc.constant(0).chain(() => candidateArbitrary((twoMarkets as { scenario: Scenario }).scenario, { gaps: { gapsMax: 2 }, maxConcurrentDown: 1 }))], { numRuns: 200, seed: 7 })(
    'with gaps, every candidate over a two-market base loads; base gaps are kept or cut to the run',
    (candidate) => {
      if (!twoMarkets.ok) throw new Error(JSON.stringify(twoMarkets.errors));
      const { scenario } = candidateScenario(twoMarkets.scenario, candidate);
      const [first, second] = marketsOf(scenario.market);
      expect(second!.gaps.every((g) => g.atSec < scenario.durationSec && g.atSec + g.durationSec <= scenario.durationSec)).toBe(true);
      if (scenario.durationSec > 160) expect(first!.gaps).toContainEqual({ atSec: 100, durationSec: 60, pct: 0 });
      for (const g of candidate.gaps ?? []) {
        const overlapsBase = g.atSec < 160 && 100 < g.atSec + g.durationSec;
        if (!overlapsBase && g.atSec < scenario.durationSec) expect(first!.gaps.some((x) => x.atSec === g.atSec && x.pct === g.pct)).toBe(true);
      }
    },
  );

  test('without the opt-in options, candidates are exactly the draws of the original five parts (canary results unchanged)', () => {
    const search = { maxConcurrentDown: 1, durationSecMax: 600 };
    const frameOf = { venueIds: ['primary', 'backup'], durationSec: 600 };
    const original = fc.record({
      seed: fc.nat({ max: 0xffff_ffff }),
      durationSec: fc.integer({ min: 60, max: 600 }),
      faults: faultScheduleArbitrary(frameOf, search),
      inventory: inventoryStepsArbitrary(frameOf),
      jumps: marketJumpsArbitrary(frameOf),
    });
    const now = fc.sample(candidateArbitrary(base, { ...search, marketPath: false, inventoryFlows: false }), { seed: 3, numRuns: 50 });
    expect(now).toEqual(fc.sample(original, { seed: 3, numRuns: 50 }));
    expect(fc.sample(candidateArbitrary(base, search), { seed: 3, numRuns: 50 })).toEqual(now);
  });

  test.prop([scenarioArbitrary()], { numRuns: 50, seed: 7 })('the whole-scenario arbitrary is exported here too, and its inputs load', (input) => {
    const parsed = parseScenario(stringify(input), 'any.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  });
});

function baseDoc(): Record<string, unknown> {
  return {
    name: 'fuzz-base',
    seed: 1,
    durationSec: 900,
    market: { priceStart: 60000 },
    venues: [{ id: 'primary', dialect: 'binanceusdm' }, { id: 'backup', dialect: 'okx' }],
    inventory: [{ atSec: 0, base: 1 }, { atSec: 800, base: 1 }],
    limits: { netBaseMax: 0.5, hedgeWithinSec: 30 },
  };
}

/**
 * Oracle for the healthy-window budget, independent of keepHealthyWindow: on a half-second grid
 * (window bounds are whole seconds, so the worst stretch starts on one), for every `everySec`
 * stretch of the frame, the longest run of cells free of down windows on its best venue; the
 * smallest over all stretches, in seconds.
 */
function shortestBestStretchSec(down: readonly FaultInput[]): number {
  const cells = frame.durationSec * 2;
  const free = frame.venueIds.map((venue) => {
    const row = new Array<boolean>(cells).fill(true);
    for (const f of down) if (f.venue === venue) for (let k = f.atSec * 2; k < (f.atSec + f.durationSec) * 2; k++) row[k] = false;
    return row;
  });
  const width = HEALTHY.everySec * 2;
  let worst = Infinity;
  for (let start = 0; start + width <= cells; start++) {
    let best = 0;
    for (const row of free) {
      let run = 0;
      for (let k = start; k < start + width; k++) {
        run = row[k] ? run + 1 : 0;
        if (run > best) best = run;
      }
    }
    worst = Math.min(worst, best / 2);
  }
  return worst;
}
