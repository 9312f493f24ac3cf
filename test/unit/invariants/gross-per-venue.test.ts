import { describe, expect, test } from 'vitest';
import { FaultSchedule } from '../../../src/faults/index.ts';
import { grossPerVenueInvariant, type InvariantInput } from '../../../src/invariants/index.ts';
import type { TraceEvent } from '../../../src/sim/trace.ts';

let seq = 0;
const ev = (tMs: number, type: string, data: Record<string, unknown> = {}): TraceEvent => ({ seq: seq++, tMs, type, ...data });

function input(trace: TraceEvent[], limits: Partial<InvariantInput['limits']> = { grossBaseMaxPerVenue: 2 }): InvariantInput {
  return {
    trace,
    faults: new FaultSchedule([]),
    startMs: 0,
    durationMs: 600_000,
    venues: ['a', 'b', 'spot'],
    limits: { netBaseMax: 0.5, hedgeWithinSec: 30, ...limits },
    baseAsset: 'BTC',
  };
}

describe('grossPerVenue invariant', () => {
  test('holds when a hedge is split so no venue holds more than the cap, even though the desk is long 5', () => {
    const trace = [
      ev(0, 'inventory', { inventoryBase: 5 }),
      ev(1000, 'venue.position', { venue: 'a', size: '-2' }),
      ev(1000, 'venue.position', { venue: 'b', size: '-2' }),
      ev(2000, 'venue.balance', { venue: 'spot', asset: 'BTC', wallet: '2' }),
      ev(2000, 'venue.balance', { venue: 'spot', asset: 'USD', wallet: '500000' }),
    ];
    const r = grossPerVenueInvariant.check(input(trace));
    expect(r).toEqual({ name: 'grossPerVenue', passed: true, firstViolation: null, numViolations: 0 });
  });

  test('breaks when one venue holds more than the cap, naming the venue, the time and the excess', () => {
    const trace = [ev(0, 'inventory', { inventoryBase: 5 }), ev(12_500, 'venue.position', { venue: 'a', size: '-5' }), ev(40_000, 'venue.position', { venue: 'a', size: '-2' })];
    const r = grossPerVenueInvariant.check(input(trace));
    expect(r.passed).toBe(false);
    expect(r.numViolations).toBe(1);
    expect(r.firstViolation).toMatchObject({ tMs: 12_500, venue: 'a', excess: 3 });
    expect(r.firstViolation?.message).toBe('a: held 5 base (position -5) at +12.500 s, over grossBaseMaxPerVenue 2 by 3; within the limit again at +40.000 s');
  });

  test('counts base coins held on a spot venue, and reports the peak of a stretch and a breach still open at the end', () => {
    const trace = [
      ev(0, 'venue.balance', { venue: 'spot', asset: 'BTC', wallet: '2.5' }),
      ev(5000, 'venue.balance', { venue: 'spot', asset: 'BTC', wallet: '3.25' }),
      ev(9000, 'venue.balance', { venue: 'spot', asset: 'USD', wallet: '1' }),
    ];
    const r = grossPerVenueInvariant.check(input(trace));
    expect(r.firstViolation).toMatchObject({ tMs: 0, venue: 'spot', excess: 0.5 });
    expect(r.firstViolation?.message).toBe('spot: held 2.5 base (2.5 coins) at +0.000 s, over grossBaseMaxPerVenue 2 by 0.5; at most 3.25 base at +5.000 s; still over when the run ended');
  });

  test('a short and a long on two venues are gross on each, whatever the net; each stretch is one violation', () => {
    const trace = [
      ev(0, 'venue.position', { venue: 'a', size: '-3' }),
      ev(0, 'venue.position', { venue: 'b', size: '3' }),
      ev(10_000, 'venue.position', { venue: 'a', size: '0' }),
      ev(20_000, 'venue.position', { venue: 'a', size: '2.000000000001' }),
    ];
    const r = grossPerVenueInvariant.check(input(trace));
    expect(r.numViolations).toBe(3);
    expect(r.firstViolation?.venue).toBe('a');
  });

  test('exactly at the cap is within it', () => {
    expect(grossPerVenueInvariant.check(input([ev(0, 'venue.position', { venue: 'a', size: '-2' })])).passed).toBe(true);
  });

  test('without grossBaseMaxPerVenue it checks nothing and says so', () => {
    const r = grossPerVenueInvariant.check(input([ev(0, 'venue.position', { venue: 'a', size: '-500' })], {}));
    expect(r).toEqual({ name: 'grossPerVenue', passed: true, firstViolation: null, numViolations: 0, note: 'not checked: limits.grossBaseMaxPerVenue is not set in the scenario' });
  });
});
