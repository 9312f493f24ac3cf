import { describe, expect, test } from 'vitest';
import { FaultSchedule } from '../../../src/faults/index.ts';
import { marginUseInvariant, type InvariantInput } from '../../../src/invariants/index.ts';
import type { TraceEvent } from '../../../src/sim/trace.ts';

let seq = 0;
const ev = (tMs: number, type: string, data: Record<string, unknown> = {}): TraceEvent => ({ seq: seq++, tMs, type, ...data });
/** A `venue.margin` sample as the run records it from the engine's margin event. */
const margin = (tMs: number, venue: string, initialMargin: string, marginBalance: string): TraceEvent =>
  ev(tMs, 'venue.margin', { venue, asset: 'USDT', wallet: marginBalance, marginBalance, initialMargin, maintenanceMargin: '0' });

/** An order of ours filling on `venue` at `tMs`: a margin sample at the same moment is the order's doing. */
const fill = (tMs: number, venue: string): TraceEvent => ev(tMs, 'venue.fill', { venue, tradeId: String(seq), orderId: String(seq), side: 'sell', qty: '1', price: '60000', fee: '1' });

function input(trace: TraceEvent[], limits: Partial<InvariantInput['limits']> = { marginUsePctMax: 50 }): InvariantInput {
  return { trace, faults: new FaultSchedule([]), startMs: 0, durationMs: 600_000, venues: ['a', 'b'], limits: { netBaseMax: 0.5, hedgeWithinSec: 30, ...limits } };
}

describe('marginUse invariant', () => {
  test('holds while initial margin stays within marginUsePctMax of the margin balance on every venue', () => {
    const trace = [margin(1000, 'a', '0', '250000'), margin(1164, 'a', '30000', '249841'), margin(1000, 'b', '4000', '8000'), margin(90_000, 'a', '124920.5', '249841')];
    expect(marginUseInvariant.check(input(trace))).toEqual({ name: 'marginUse', passed: true, firstViolation: null, numViolations: 0 });
  });

  test('breaks when an order of ours makes a venue use more, naming the venue, the time and the excess in percentage points', () => {
    const trace = [margin(1000, 'b', '3000', '8000'), fill(560_250, 'b'), margin(560_250, 'b', '4500', '8000'), margin(561_000, 'b', '6000', '7500'), margin(700_000, 'b', '9000', '7000')];
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
    expect(marginUseInvariant.check(input([fill(0, 'a'), margin(0, 'a', '4000', '8000')])).passed).toBe(true);
    expect(marginUseInvariant.check(input([fill(0, 'a'), margin(0, 'a', '4000.000000000001', '8000')])).passed).toBe(false);
  });

  describe('a price move that pushes a venue over gets hedgeWithinSec to be answered', () => {
    // 40 % of 10 000 after our fill; the price moves against the position: 6000 of 10 000 → 60 %.
    const before = [fill(1000, 'a'), margin(1000, 'a', '4000', '10000')];

    test('brought back within hedgeWithinSec (30 s): no violation', () => {
      const trace = [...before, margin(50_000, 'a', '4800', '8000'), fill(79_000, 'a'), margin(79_000, 'a', '2400', '7990')];
      expect(marginUseInvariant.check(input(trace))).toMatchObject({ passed: true, numViolations: 0 });
    });

    test('still over after hedgeWithinSec: a violation at the end of the allowance, saying a price move caused it', () => {
      const trace = [...before, margin(50_000, 'a', '4800', '8000'), margin(70_000, 'a', '5000', '7500'), fill(81_000, 'a'), margin(81_000, 'a', '2400', '7990')];
      const r = marginUseInvariant.check(input(trace));
      expect(r.numViolations).toBe(1);
      expect(r.firstViolation).toEqual({
        tMs: 80_000,
        venue: 'a',
        excess: 10,
        message:
          'a: initial margin 4800 USDT stayed over marginUsePctMax 50% for more than hedgeWithinSec 30 s after a price move at +50.000 s took it to 60% of margin balance 8000 USDT, ' +
          'over marginUsePctMax 50% by 10 points; at most 66.6667% of margin balance 7500 USDT at +70.000 s; within the limit again at +81.000 s',
      });
    });

    test('an order of ours that puts more margin to use while over breaks it at once', () => {
      const trace = [...before, margin(50_000, 'a', '4800', '8000'), fill(52_000, 'a'), margin(52_000, 'a', '5200', '7990')];
      const r = marginUseInvariant.check(input(trace));
      expect(r.firstViolation?.tMs).toBe(52_000);
      expect(r.firstViolation?.message).toMatch(/^a: an order of ours put more margin to use \(5200 USDT, 65\.08\d+% of margin balance 7990 USDT\) at \+52\.000 s after a price move at \+50\.000 s/);
    });

    test('an order of ours that reduces margin while over is the answer, not a violation', () => {
      const trace = [...before, margin(50_000, 'a', '4800', '8000'), fill(52_000, 'a'), margin(52_000, 'a', '4500', '7990'), fill(60_000, 'a'), margin(60_000, 'a', '3000', '7980')];
      expect(marginUseInvariant.check(input(trace)).passed).toBe(true);
    });
  });

  test('margin in use with no margin balance left is over any limit; each stretch over is one violation', () => {
    const trace = [fill(1000, 'a'), margin(1000, 'a', '6000', '-20'), margin(2000, 'a', '0', '0'), fill(3000, 'a'), margin(3000, 'a', '7000', '10000'), margin(4000, 'a', '100', '10000')];
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
