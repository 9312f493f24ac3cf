import { describe, expect, test } from 'vitest';
import { FaultSchedule } from '../../../src/faults/index.ts';
import { marginUseInvariant, type InvariantInput } from '../../../src/invariants/index.ts';
import type { TraceEvent } from '../../../src/sim/trace.ts';

let seq = 0;
const ev = (tMs: number, type: string, data: Record<string, unknown> = {}): TraceEvent => ({ seq: seq++, tMs, type, ...data });
/** A `venue.margin` sample as the run records it from the engine's margin event. */
const margin = (tMs: number, venue: string, initialMargin: string, marginBalance: string): TraceEvent =>
  ev(tMs, 'venue.margin', { venue, asset: 'USDT', wallet: marginBalance, marginBalance, initialMargin, maintenanceMargin: '0' });

function input(trace: TraceEvent[], limits: Partial<InvariantInput['limits']> = { marginUsePctMax: 50 }): InvariantInput {
  return { trace, faults: new FaultSchedule([]), startMs: 0, durationMs: 600_000, venues: ['a', 'b'], limits: { netBaseMax: 0.5, hedgeWithinSec: 30, ...limits } };
}

describe('marginUse invariant', () => {
  test('holds while initial margin stays within marginUsePctMax of the margin balance on every venue', () => {
    const trace = [margin(1000, 'a', '0', '250000'), margin(1164, 'a', '30000', '249841'), margin(1000, 'b', '4000', '8000'), margin(90_000, 'a', '124920.5', '249841')];
    expect(marginUseInvariant.check(input(trace))).toEqual({ name: 'marginUse', passed: true, firstViolation: null, numViolations: 0 });
  });

  test('breaks when a venue uses more, naming the venue, the time and the excess in percentage points', () => {
    const trace = [margin(1000, 'b', '3000', '8000'), margin(560_250, 'b', '4500', '8000'), margin(561_000, 'b', '6000', '7500'), margin(700_000, 'b', '9000', '7000')];
    const r = marginUseInvariant.check(input(trace));
    expect(r.passed).toBe(false);
    expect(r.numViolations).toBe(1);
    expect(r.firstViolation).toMatchObject({ tMs: 560_250, venue: 'b', excess: 6.25 });
    // The sample after the run's end (700 s > 600 s) is not read.
    expect(r.firstViolation?.message).toBe(
      'b: initial margin 4500 USDT was 56.25% of margin balance 8000 USDT at +560.250 s, over marginUsePctMax 50% by 6.25 points; ' +
        'at most 80% of margin balance 7500 USDT at +561.000 s; still over when the run ended',
    );
  });

  test('compares exactly: 50 % is within a 50 % limit, one unit more is over', () => {
    expect(marginUseInvariant.check(input([margin(0, 'a', '4000', '8000')])).passed).toBe(true);
    expect(marginUseInvariant.check(input([margin(0, 'a', '4000.000000000001', '8000')])).passed).toBe(false);
  });

  test('margin in use with no margin balance left is over any limit; each stretch over is one violation', () => {
    const trace = [margin(1000, 'a', '6000', '-20'), margin(2000, 'a', '0', '0'), margin(3000, 'a', '7000', '10000'), margin(4000, 'a', '100', '10000')];
    const r = marginUseInvariant.check(input(trace));
    expect(r.numViolations).toBe(2);
    expect(r.firstViolation).toEqual({
      tMs: 1000,
      venue: 'a',
      message: 'a: initial margin 6000 USDT was in use with margin balance -20 USDT (nothing left to back it) at +1.000 s, over marginUsePctMax 50%; within the limit again at +2.000 s',
    });
  });

  test('without marginUsePctMax it checks nothing and says so; with it but no perp venue it says there was nothing to check', () => {
    const trace = [margin(0, 'a', '9000', '8000')];
    expect(marginUseInvariant.check(input(trace, {}))).toEqual({ name: 'marginUse', passed: true, firstViolation: null, numViolations: 0, note: 'not checked: limits.marginUsePctMax is not set in the scenario' });
    expect(marginUseInvariant.check(input([ev(0, 'venue.balance', { venue: 'a', asset: 'BTC', wallet: '1' })])).note).toBe('no perp venue in the run: no margin in use to check');
  });
});
