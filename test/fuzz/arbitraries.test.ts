import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { stringify } from 'yaml';
import { candidateArbitrary, candidateDocument, DOWN_KINDS, faultScheduleArbitrary, minimalDocument } from '../../src/fuzz/index.ts';
import { parseScenario, type Scenario } from '../../src/scenario/index.ts';

/** The search's arbitraries keep their budgets and always make scenarios the loader accepts (no runs: fast). */

const frame = { venueIds: ['a', 'b', 'c'], durationSec: 600 };

const BASE = parseScenario(
  stringify({
    name: 'fuzz-base',
    seed: 1,
    durationSec: 900,
    market: { priceStart: 60000 },
    venues: [{ id: 'primary', dialect: 'binanceusdm' }, { id: 'backup', dialect: 'okx' }],
    inventory: [{ atSec: 0, base: 1 }, { atSec: 800, base: 1 }],
    limits: { netBaseMax: 0.5, hedgeWithinSec: 30 },
  }),
  'base.yaml',
);

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
});
