import { describe, expect, test } from 'vitest';
import { FaultSchedule } from '../../../src/faults/index.ts';
import { RECONCILED_TOLERANCE_BASE, reconciledInvariant, type InvariantInput } from '../../../src/invariants/index.ts';
import type { TraceEvent } from '../../../src/sim/trace.ts';

let seq = 0;
const ev = (tMs: number, type: string, data: Record<string, unknown> = {}): TraceEvent => ({ seq: seq++, tMs, type, ...data });

/** Chaos until +300 s, recovery deadline +360 s; the run ends at +600 s. */
function input(trace: TraceEvent[], phases: InvariantInput['phases'] | null = { chaosUntilSec: 300, convergeWithinSec: 60 }, durationMs = 600_000): InvariantInput {
  return { trace, faults: new FaultSchedule([]), startMs: 0, durationMs, venues: ['a', 'b'], limits: { netBaseMax: 0.5, hedgeWithinSec: 30 }, phases: phases ?? undefined, baseAsset: 'BTC' };
}

/** Inventory 1 and 1 BTC on spot venue b; then short 1.5 on perp a and 0.5 BTC sold on b: net 1 - 1.5 + 0.5 = 0. */
const truth = (): TraceEvent[] => [
  ev(0, 'venue.balance', { venue: 'b', asset: 'BTC', wallet: '1' }),
  ev(0, 'inventory', { inventoryBase: 1 }),
  ev(50_000, 'venue.position', { venue: 'a', size: '-1.5' }),
  ev(50_000, 'venue.balance', { venue: 'b', asset: 'BTC', wallet: '0.5' }),
];
const view = (tMs: number, at: 'deadline' | 'end', netBase: number, byVenue: Record<string, unknown>): TraceEvent => ev(tMs, 'policy.view', { at, netBase, byVenue });

describe('reconciled invariant', () => {
  test("holds when the policy's view equals what the venues hold, per venue (position + base coins) and net", () => {
    const trace = [...truth(), view(360_000, 'deadline', 0, { a: -1.5, b: 0.5 }), view(600_000, 'end', 0, { a: -1.5, b: 0.5 })];
    expect(reconciledInvariant.check(input(trace))).toEqual({ name: 'reconciled', passed: true, firstViolation: null, numViolations: 0 });
  });

  test('float noise within the tolerance is equal; beyond it is not', () => {
    const near = [...truth(), view(360_000, 'deadline', 0, { a: -1.5 + RECONCILED_TOLERANCE_BASE / 2, b: 0.5 })];
    expect(reconciledInvariant.check(input(near)).passed).toBe(true);
    const off = [...truth(), view(360_000, 'deadline', 0, { a: -1.5 + RECONCILED_TOLERANCE_BASE * 2, b: 0.5 })];
    expect(reconciledInvariant.check(input(off)).passed).toBe(false);
  });

  test('breaks when the view misses what a venue holds, naming the moment, every difference and by how much', () => {
    const trace = [...truth(), view(360_000, 'deadline', 1.5, { b: 0.5 }), view(600_000, 'end', 0, { a: -1.5, b: 0.5 })];
    const r = reconciledInvariant.check(input(trace));
    expect(r.passed).toBe(false);
    expect(r.numViolations).toBe(1);
    expect(r.firstViolation).toEqual({
      tMs: 360_000,
      venue: 'a',
      excess: 1.5,
      message:
        `the policy's view at the recovery deadline +360.000 s differs from the venues' truth by more than ${RECONCILED_TOLERANCE_BASE} base: ` +
        'a not in the view (venue holds -1.5, off by 1.5); net 1.5 (truth 0, off by 1.5)',
    });
  });

  test('compares with the truth just before the view: a fill later in the same millisecond does not count, an earlier one does', () => {
    const trace = [...truth(), ev(600_000, 'venue.position', { venue: 'a', size: '-1' }), view(600_000, 'end', 0.5, { a: -1, b: 0.5 }), ev(600_000, 'venue.position', { venue: 'a', size: '-2' })];
    expect(reconciledInvariant.check(input(trace)).passed).toBe(true);
  });

  test('an unreadable number is a difference, and a view at the end is named as such', () => {
    const r = reconciledInvariant.check(input([...truth(), view(600_000, 'end', Number.NaN, { a: -1.5, b: 0.5 })]));
    expect(r.firstViolation?.message).toMatch(/^the policy's view at the end of the run \(\+600\.000 s\) differs .*: net NaN \(truth 0, off by an unreadable amount\)$/);
  });

  test('without phases it checks nothing; without views it says the policy reports none; a run cut short before the deadline is not observed', () => {
    expect(reconciledInvariant.check(input([...truth(), view(600_000, 'end', 5, {})], null))).toMatchObject({ passed: true, note: 'not checked: phases is not set in the scenario' });
    expect(reconciledInvariant.check(input(truth()))).toMatchObject({ passed: true, note: 'not checked: the policy does not report its view' });
    const cutShort = reconciledInvariant.check(input([...truth(), view(200_000, 'end', 5, {})], { chaosUntilSec: 300, convergeWithinSec: 60 }, 200_000));
    expect(cutShort.passed).toBe(true);
    expect(cutShort.note).toMatch(/^not observed: the run ended at \+200\.000 s, before the recovery deadline \+360\.000 s$/);
  });
});
