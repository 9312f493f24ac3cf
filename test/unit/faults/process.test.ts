import { describe, expect, test } from 'vitest';
import { parseScenario } from '../../../src/scenario/index.ts';
import { faultsFromScenario } from '../../../src/sim/run.ts';
import { createRng } from '../../../src/sim/rng.ts';

const scenario = (faults: string, seed = 1) => {
  const r = parseScenario(
    `name: proc\nseed: ${seed}\ndurationSec: 7200\nmarket: { priceStart: 60000 }\nvenues:\n  - { id: a, dialect: binanceusdm }\nlimits: { netBaseMax: 1, hedgeWithinSec: 30 }\nfaults:\n${faults}`,
    'proc.yaml',
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.scenario;
};

describe('fault processes', () => {
  const flapping = '  - { venue: a, kind: outage, mode: reset, atSec: 600, durationSec: 1h, process: { ratePerHour: 30, durationSecMin: 5, durationSecMax: 30 } }\n';

  test('expand into seeded windows inside the span, each within its duration bounds', () => {
    const s = scenario(flapping);
    const faults = faultsFromScenario(s, 0, createRng(s.seed));
    expect(faults.length).toBeGreaterThan(10);
    expect(faults.length).toBeLessThan(60);
    for (const f of faults) {
      expect(f.startMs).toBeGreaterThanOrEqual(600_000);
      expect(f.startMs).toBeLessThan(4_200_000);
      expect(f.endMs - f.startMs).toBeGreaterThanOrEqual(5000);
      expect(f.endMs - f.startMs).toBeLessThanOrEqual(30_000);
      expect(f.kind).toBe('outage');
    }
    expect(new Set(faults.map((f) => f.id)).size).toBe(faults.length);
  });

  test('the same seed gives the same windows; another seed other windows', () => {
    const a = faultsFromScenario(scenario(flapping), 0, createRng(1));
    const b = faultsFromScenario(scenario(flapping), 0, createRng(1));
    const c = faultsFromScenario(scenario(flapping), 0, createRng(2));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  test("adding a fault does not move another fault's occurrences", () => {
    const alone = faultsFromScenario(scenario(flapping), 0, createRng(1));
    const withOther = faultsFromScenario(scenario('  - { venue: a, kind: latency, atSec: 0, durationSec: 60, latencyMsMedian: 5, latencyMsP99: 50 }\n' + flapping.replace('atSec: 600', 'atSec: 600')), 0, createRng(1));
    expect(withOther.slice(1).map((f) => [f.startMs, f.endMs])).toEqual(alone.map((f) => [f.startMs, f.endMs]));
  });

  test('durationSecMax below durationSecMin is refused with the field named', () => {
    const r = parseScenario(
      'name: p\nseed: 1\ndurationSec: 600\nmarket: { priceStart: 1 }\nvenues:\n  - { id: a, dialect: binanceusdm }\nlimits: { netBaseMax: 1, hedgeWithinSec: 30 }\nfaults:\n  - { venue: a, kind: outage, atSec: 0, durationSec: 600, process: { ratePerHour: 1, durationSecMin: 30, durationSecMax: 10 } }\n',
      'p.yaml',
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.path).toBe('faults[0].process.durationSecMax');
  });
});
