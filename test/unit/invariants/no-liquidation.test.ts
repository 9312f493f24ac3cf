import { describe, expect, test } from 'vitest';
import { FaultSchedule } from '../../../src/faults/index.ts';
import { noLiquidationInvariant, type InvariantInput } from '../../../src/invariants/index.ts';
import type { TraceEvent } from '../../../src/sim/trace.ts';

let seq = 0;
const ev = (tMs: number, type: string, data: Record<string, unknown> = {}): TraceEvent => ({ seq: seq++, tMs, type, ...data });

function input(trace: TraceEvent[]): InvariantInput {
  return { trace, faults: new FaultSchedule([]), startMs: 0, durationMs: 600_000, venues: ['a', 'b'], limits: { netBaseMax: 0.5, hedgeWithinSec: 30 } };
}

describe('noLiquidation invariant', () => {
  test('holds when no venue liquidates, whatever else happens to positions', () => {
    const trace = [ev(0, 'venue.position', { venue: 'a', size: '-5' }), ev(10_000, 'venue.margin', { venue: 'a', asset: 'USDT', initialMargin: '30000', marginBalance: '31000' })];
    expect(noLiquidationInvariant.check(input(trace))).toEqual({ name: 'noLiquidation', passed: true, firstViolation: null, numViolations: 0 });
  });

  test('breaks on a liquidation, naming the venue, symbol, size, price and time', () => {
    const trace = [
      ev(0, 'venue.position', { venue: 'a', size: '-5' }),
      ev(125_000, 'venue.liquidation', { venue: 'a', symbol: 'BTC/USDT:USDT', size: '-5', price: '71234.5' }),
      ev(125_000, 'venue.position', { venue: 'a', size: '0' }),
      ev(300_000, 'venue.liquidation', { venue: 'b', symbol: 'BTC/USDT:USDT', size: '2', price: '50000' }),
    ];
    const r = noLiquidationInvariant.check(input(trace));
    expect(r.passed).toBe(false);
    expect(r.numViolations).toBe(2);
    expect(r.firstViolation).toEqual({ tMs: 125_000, venue: 'a', excess: 5, message: 'a: position of -5 BTC/USDT:USDT liquidated at price 71234.5 at +125.000 s' });
  });

  test('a liquidation after the run ended (a trace cut short) is not counted', () => {
    const trace = [ev(600_001, 'venue.liquidation', { venue: 'a', symbol: 'BTC/USDT:USDT', size: '1', price: '1' })];
    expect(noLiquidationInvariant.check(input(trace)).passed).toBe(true);
  });
});
