import { describe, expect, test } from 'vitest';
import { FaultSchedule, maintenance, outage, type Fault } from '../../../src/faults/index.ts';
import { DOWN_PROBES_PER_MIN_DEFAULT, probeBudgetInvariant, type InvariantInput } from '../../../src/invariants/index.ts';
import type { TraceEvent } from '../../../src/sim/trace.ts';

let seq = 0;
const ev = (tMs: number, type: string, data: Record<string, unknown> = {}): TraceEvent => ({ seq: seq++, tMs, type, ...data });

/** Venue a is down from +100 s to +400 s (every request refused). */
const down: Fault = outage({ venue: 'a', startMs: 100_000, durationMs: 300_000, mode: 'refused', id: 'f0-outage-a' });

function input(trace: TraceEvent[], opts: { faults?: Fault[]; downProbesPerMinMax?: number } = {}): InvariantInput {
  return {
    trace,
    faults: new FaultSchedule(opts.faults ?? [down]),
    startMs: 0,
    durationMs: 600_000,
    venues: ['a', 'b'],
    limits: { netBaseMax: 0.5, hedgeWithinSec: 30, ...(opts.downProbesPerMinMax !== undefined ? { downProbesPerMinMax: opts.downProbesPerMinMax } : {}) },
  };
}

let reqId = 0;
/** A request to `venue` and its answer (a refusal by `faultId`, or ok). */
const call = (tMs: number, venue: string, faultId?: string, endpoint = 'GET /fapi/v1/time'): TraceEvent[] => {
  const id = reqId++;
  return [
    ev(tMs, 'request', { venue, reqId: id, endpoint, group: 'status' }),
    ev(tMs + 2, 'response', { venue, reqId: id, endpoint, ...(faultId !== undefined ? { outcome: 'refused', faultId } : { outcome: 'ok', status: 200 }) }),
  ];
};
/** `n` requests to venue a, every `everyMs` from `fromMs`, each refused by the outage. */
const probes = (fromMs: number, n: number, everyMs: number): TraceEvent[] => Array.from({ length: n }, (_, i) => call(fromMs + i * everyMs, 'a', 'f0-outage-a')).flat();

describe('probeBudget invariant', () => {
  test('holds for a probe every 5 s (12 a minute), under the default budget', () => {
    expect(DOWN_PROBES_PER_MIN_DEFAULT).toBeGreaterThanOrEqual(12);
    expect(probeBudgetInvariant.check(input(probes(101_000, 60, 5000)))).toEqual({ name: 'probeBudget', passed: true, firstViolation: null, numViolations: 0 });
  });

  test('breaks on the first request over the budget in a rolling 60 s, naming the venue, the window, when it became known and by how much', () => {
    const r = probeBudgetInvariant.check(input(probes(101_000, 30, 1000), { downProbesPerMinMax: 6 }));
    expect(r.passed).toBe(false);
    // The first request brought the news and is free; the 7th after it is the first over, and
    // every later one in the run of 1 s probes too.
    expect(r.numViolations).toBe(29 - 6);
    expect(r.firstViolation).toEqual({
      tMs: 108_000,
      venue: 'a',
      excess: 1,
      message:
        'a: 7 requests in the 60 s up to +108.000 s (this one GET /fapi/v1/time) while known down — outage f0-outage-a from +100.000 s to +400.000 s, ' +
        'first answered refused on GET /fapi/v1/time at +101.002 s — over downProbesPerMinMax 6 by 1',
    });
  });

  test('the window rolls: requests older than 60 s drop out', () => {
    // The news at +101 s, 6 more within a second, then one 60 s after the first of those: never more than 6 in any 60 s.
    const trace = [...probes(101_000, 7, 100), ...call(161_100, 'a', 'f0-outage-a')];
    expect(probeBudgetInvariant.check(input(trace, { downProbesPerMinMax: 6 })).passed).toBe(true);
    const early = [...probes(101_000, 7, 100), ...call(161_099, 'a', 'f0-outage-a')];
    expect(probeBudgetInvariant.check(input(early, { downProbesPerMinMax: 6 })).numViolations).toBe(1);
  });

  test('requests before the first down answer are free: the policy does not know yet', () => {
    // 30 requests sent at once at +100 s, all before any answer arrived; then nothing.
    const burst = Array.from({ length: 30 }, () => ev(100_000, 'request', { venue: 'a', reqId: reqId++, endpoint: 'GET /t' }));
    const trace = [...burst, ev(100_010, 'response', { venue: 'a', reqId: 0, outcome: 'refused', faultId: 'f0-outage-a' })];
    expect(probeBudgetInvariant.check(input(trace, { downProbesPerMinMax: 1 })).passed).toBe(true);
  });

  test('counts only while the window lasts, on its venue; a down answer from another window does not make this one known', () => {
    const afterwards = [...probes(101_000, 1, 0), ...Array.from({ length: 20 }, (_, i) => call(400_000 + i * 100, 'a')).flat()];
    expect(probeBudgetInvariant.check(input(afterwards, { downProbesPerMinMax: 2 })).passed).toBe(true);
    const otherVenue = [...probes(101_000, 1, 0), ...Array.from({ length: 20 }, (_, i) => call(102_000 + i * 100, 'b')).flat()];
    expect(probeBudgetInvariant.check(input(otherVenue, { downProbesPerMinMax: 2 })).passed).toBe(true);
    // A second window on a: known again only from its own first refusal.
    const second = outage({ venue: 'a', startMs: 500_000, durationMs: 60_000, mode: 'refused', id: 'f1-outage-a' });
    const unknown = Array.from({ length: 5 }, (_, i) => ev(500_000 + i, 'request', { venue: 'a', reqId: reqId++, endpoint: 'GET /t' }));
    expect(probeBudgetInvariant.check(input([...probes(101_000, 1, 0), ...unknown], { faults: [down, second], downProbesPerMinMax: 2 })).passed).toBe(true);
  });

  test('a full maintenance window counts once the venue answered "maintenance"; a partial outage, a partial phase or a flaky path does not', () => {
    const window = maintenance({ venue: 'a', startMs: 100_000, durationMs: 300_000, id: 'f0-maintenance-a' });
    const answered = [ev(101_000, 'request', { venue: 'a', reqId: 900, endpoint: 'GET /fapi/v3/positionRisk' }), ev(101_010, 'response', { venue: 'a', reqId: 900, endpoint: 'GET /fapi/v3/positionRisk', outcome: 'maintenance', faultId: 'f0-maintenance-a' })];
    const polls = Array.from({ length: 10 }, (_, i) => call(102_000 + i * 1000, 'a')).flat();
    const r = probeBudgetInvariant.check(input([...answered, ...polls], { faults: [window], downProbesPerMinMax: 5 }));
    expect(r.numViolations).toBe(5);
    expect(r.firstViolation?.message).toContain('maintenance f0-maintenance-a from +100.000 s to +400.000 s, first answered maintenance on GET /fapi/v3/positionRisk at +101.010 s');

    for (const partial of [
      outage({ venue: 'a', startMs: 100_000, durationMs: 300_000, mode: 'refused', scope: 'orders', id: 'f0-outage-a' }),
      outage({ venue: 'a', startMs: 100_000, durationMs: 300_000, mode: 'refused', probability: 0.5, id: 'f0-outage-a' }),
      maintenance({ venue: 'a', startMs: 100_000, durationMs: 300_000, phase: 'cancelOnly', id: 'f0-outage-a' }),
    ]) {
      const result = probeBudgetInvariant.check(input(probes(101_000, 30, 1000), { faults: [partial], downProbesPerMinMax: 2 }));
      expect(result).toMatchObject({ passed: true, note: 'not checked: no venue is down (outage of scope all, or full maintenance) in the scenario' });
    }
  });

  test('the default applies when the scenario sets no budget', () => {
    // The first request is the news (free); then exactly the budget, then one more.
    const atBudget = probes(101_000, DOWN_PROBES_PER_MIN_DEFAULT + 1, 1000);
    expect(probeBudgetInvariant.check(input(atBudget)).passed).toBe(true);
    const over = probes(101_000, DOWN_PROBES_PER_MIN_DEFAULT + 2, 1000);
    expect(probeBudgetInvariant.check(input(over)).firstViolation?.message).toMatch(new RegExp(`over downProbesPerMinMax ${DOWN_PROBES_PER_MIN_DEFAULT} by 1$`));
  });
});
