import { describe, expect, test } from 'vitest';
import { FaultSchedule } from '../../../src/faults/index.ts';
import { convergedInvariant, type InvariantInput } from '../../../src/invariants/index.ts';
import type { TraceEvent } from '../../../src/sim/trace.ts';

let seq = 0;
const ev = (tMs: number, type: string, data: Record<string, unknown> = {}): TraceEvent => ({ seq: seq++, tMs, type, ...data });

/** Chaos until +300 s, hedged again by +360 s; the run ends at +600 s. */
function input(trace: TraceEvent[], phases: InvariantInput['phases'] = { chaosUntilSec: 300, convergeWithinSec: 60 }): InvariantInput {
  return { trace, faults: new FaultSchedule([]), startMs: 0, durationMs: 600_000, venues: ['a', 'b'], limits: { netBaseMax: 0.5, hedgeWithinSec: 30 }, phases, baseAsset: 'BTC' };
}

/** Long 2 from the start; nothing could hedge it during chaos. */
const unhedged = [ev(0, 'inventory', { inventoryBase: 2 })];

describe('converged invariant', () => {
  test('holds when the desk is hedged by the recovery deadline and stays hedged', () => {
    const trace = [...unhedged, ev(345_000, 'venue.position', { venue: 'b', size: '-2' })];
    expect(convergedInvariant.check(input(trace))).toEqual({ name: 'converged', passed: true, firstViolation: null, numViolations: 0 });
  });

  test('a hedge landing exactly at the deadline is in time', () => {
    expect(convergedInvariant.check(input([...unhedged, ev(360_000, 'venue.position', { venue: 'b', size: '-2' })])).passed).toBe(true);
  });

  test('breaks when the desk is not hedged by the deadline, saying when, by how much, what each venue held and how late the hedge came', () => {
    const trace = [...unhedged, ev(100_000, 'venue.position', { venue: 'a', size: '-0.5' }), ev(372_500, 'venue.position', { venue: 'b', size: '-1.5' })];
    const r = convergedInvariant.check(input(trace));
    expect(r.passed).toBe(false);
    expect(r.numViolations).toBe(1);
    expect(r.firstViolation).toMatchObject({ tMs: 360_000, excess: 1 });
    expect(r.firstViolation?.message).toBe(
      'not hedged by the recovery deadline +360.000 s (chaosUntilSec 300 + convergeWithinSec 60): net exposure 1.5 base (inventory 2; a position -0.5), ' +
        'over netBaseMax 0.5 by 1; within the limit again at +372.500 s, 12.500 s late',
    );
  });

  test('after the deadline a new change gets hedgeWithinSec; a hedge lost for longer breaks it; never hedged is still over at the end', () => {
    const briefly = [...unhedged, ev(350_000, 'venue.position', { venue: 'b', size: '-2' }), ev(420_000, 'inventory', { inventoryBase: 3 }), ev(421_000, 'venue.position', { venue: 'b', size: '-3' })];
    expect(convergedInvariant.check(input(briefly)).passed).toBe(true);

    const tooLong = [...unhedged, ev(350_000, 'venue.position', { venue: 'b', size: '-2' }), ev(420_000, 'inventory', { inventoryBase: 3 }), ev(450_001, 'venue.position', { venue: 'b', size: '-3' })];
    const r = convergedInvariant.check(input(tooLong));
    expect(r.numViolations).toBe(1);
    expect(r.firstViolation?.tMs).toBe(420_000);
    expect(r.firstViolation?.message).toMatch(/^hedge lost at \+420\.000 s, after the recovery deadline \+360\.000 s .*, for more than hedgeWithinSec 30 s: net exposure 1 base \(inventory 3; b position -2\), over netBaseMax 0\.5 by 0\.5; within the limit again at \+450\.001 s$/);
    // Exactly hedgeWithinSec is within the allowance.
    const exactly = [...unhedged, ev(350_000, 'venue.position', { venue: 'b', size: '-2' }), ev(420_000, 'inventory', { inventoryBase: 3 }), ev(450_000, 'venue.position', { venue: 'b', size: '-3' })];
    expect(convergedInvariant.check(input(exactly)).passed).toBe(true);

    const never = convergedInvariant.check(input(unhedged));
    expect(never.firstViolation?.message).toMatch(/^not hedged by .*: net exposure 2 base \(inventory 2\), over netBaseMax 0\.5 by 1\.5; still over when the run ended at \+600\.000 s$/);
  });

  test('breaches during the chaos phase are not its business (exposure judges those)', () => {
    const trace = [ev(0, 'venue.position', { venue: 'a', size: '-3' }), ev(200_000, 'venue.position', { venue: 'a', size: '0' })];
    expect(convergedInvariant.check(input(trace)).passed).toBe(true);
  });

  test('reads net exposure as the exposure invariant does: base coins held on venues count', () => {
    // Short 2 from the start, hedged by buying 2 BTC on a spot venue.
    const coins = [ev(0, 'inventory', { inventoryBase: -2 }), ev(340_000, 'venue.balance', { venue: 'b', asset: 'BTC', wallet: '2' })];
    expect(convergedInvariant.check(input(coins)).passed).toBe(true);
    const otherAsset = [ev(0, 'inventory', { inventoryBase: -2 }), ev(340_000, 'venue.balance', { venue: 'b', asset: 'USD', wallet: '2' })];
    expect(convergedInvariant.check(input(otherAsset)).passed).toBe(false);
  });

  test('without phases it checks nothing and says so; a run that ended before the deadline passes with a note', () => {
    expect(convergedInvariant.check({ ...input(unhedged), phases: undefined })).toEqual({ name: 'converged', passed: true, firstViolation: null, numViolations: 0, note: 'not checked: phases is not set in the scenario' });
    const short = convergedInvariant.check({ ...input(unhedged), durationMs: 200_000 });
    expect(short).toMatchObject({ passed: true, note: 'not observed: the run ended at +200.000 s, before the recovery deadline +360.000 s' });
  });
});
