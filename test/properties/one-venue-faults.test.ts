import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { stringify } from 'yaml';
import { parseScenario } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/sim/run.ts';

/**
 * Random outage and 429 schedules on one of two venues, with random inventory moves: the
 * reference engine keeps exposure within its limit (and never ignores Retry-After or earns a ban),
 * because the other venue is always there to take the hedge.
 */

const DURATION_SEC = 900;

const faultArb = (venue: string) =>
  fc.oneof(
    fc.record({
      venue: fc.constant(venue),
      kind: fc.constant('outage'),
      atSec: fc.integer({ min: 0, max: DURATION_SEC - 60 }),
      durationSec: fc.integer({ min: 5, max: 300 }),
      mode: fc.constantFrom('refused', 'reset', 'timeout', 'http5xx'),
    }),
    fc.record({
      venue: fc.constant(venue),
      kind: fc.constant('rateLimit'),
      atSec: fc.integer({ min: 0, max: DURATION_SEC - 60 }),
      durationSec: fc.integer({ min: 5, max: 300 }),
      retryAfterSec: fc.integer({ min: 1, max: 60 }),
    }),
  );

const scenarioArb = fc
  .record({
    seed: fc.integer({ min: 0, max: 2 ** 31 }),
    faultyVenue: fc.constantFrom('primary', 'backup'),
    inventory: fc.array(
      fc.record({ atSec: fc.integer({ min: 0, max: DURATION_SEC - 1 }), base: fc.integer({ min: -3000, max: 3000 }).map((x) => x / 1000) }),
      { minLength: 1, maxLength: 5 },
    ),
  })
  .chain((s) => fc.array(faultArb(s.faultyVenue), { minLength: 1, maxLength: 3 }).map((faults) => ({ ...s, faults })));

describe('reference engine under random single-venue faults', () => {
  test.prop([scenarioArb], { numRuns: 100, seed: 20261125 })('keeps exposure within limits while the other venue is up', async (s) => {
    const doc = {
      name: 'prop-one-venue-faults',
      seed: s.seed,
      durationSec: DURATION_SEC,
      market: { symbol: 'BTC/USDT:USDT', priceStart: 60000, volatilityAnnual: 0.8 },
      venues: [
        { id: 'primary', dialect: 'binanceusdm', balances: { USDT: 250000 } },
        { id: 'backup', dialect: 'binanceusdm', balances: { USDT: 250000 } },
      ],
      inventory: s.inventory,
      limits: { netBaseMax: 0.5, hedgeWithinSec: 30 },
      faults: s.faults.map((f) => ({ ...f, durationSec: Math.min(f.durationSec, DURATION_SEC - f.atSec) })),
    };
    const parsed = parseScenario(stringify(doc), 'property.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const result = await runScenario(parsed.scenario);
    const broken = result.invariants.filter((i) => !i.passed).map((i) => `${i.name}: ${i.firstViolation?.message}`);
    expect(broken).toEqual([]);
    expect(result.outcome).toBe('passed');
    // The schedule actually hit something (unless every window fell where no request went).
    expect(result.trace.events.some((e) => e.type === 'fault.start')).toBe(true);
  });
});
