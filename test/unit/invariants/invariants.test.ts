import { describe, expect, test } from 'vitest';
import { FaultSchedule, outage, rateLimit } from '../../../src/faults/index.ts';
import { DEFAULT_INVARIANTS, exposureInvariant, noBanInvariant, retryAfterInvariant, type InvariantInput } from '../../../src/invariants/index.ts';
import { INVARIANT_NAMES } from '../../../src/scenario/index.ts';
import type { TraceEvent } from '../../../src/sim/trace.ts';

let seq = 0;
const ev = (tMs: number, type: string, data: Record<string, unknown> = {}): TraceEvent => ({ seq: seq++, tMs, type, ...data });

function input(trace: TraceEvent[], faults: FaultSchedule = new FaultSchedule([])): InvariantInput {
  return { trace, faults, startMs: 0, durationMs: 600_000, venues: ['a', 'b'], limits: { netBaseMax: 0.5, hedgeWithinSec: 30 } };
}

describe('exposure invariant', () => {
  test('holds when a breach is hedged within hedgeWithinSec', () => {
    const trace = [ev(0, 'inventory', { inventoryBase: 5 }), ev(20_000, 'venue.position', { venue: 'a', size: '-5' })];
    expect(exposureInvariant.check(input(trace)).passed).toBe(true);
  });

  test('breaks when a breach lasts past hedgeWithinSec while a venue could hedge, naming when and by how much', () => {
    const trace = [ev(0, 'inventory', { inventoryBase: 5 }), ev(40_000, 'venue.position', { venue: 'a', size: '-5' })];
    const r = exposureInvariant.check(input(trace));
    expect(r.passed).toBe(false);
    expect(r.firstViolation?.tMs).toBe(30_000);
    expect(r.firstViolation?.excess).toBeCloseTo(4.5, 12);
  });

  describe('an order of unknown outcome its venue has not resolved', () => {
    // +2 base to hedge; a sell of 2 on `a` times out (the venue never saw it); `b` could take the hedge all along.
    const placed = (tMs: number, reqId: number, outcome: string, extra: TraceEvent[] = []): TraceEvent[] => [
      ev(tMs, 'request', { venue: 'a', reqId, endpoint: 'POST /fapi/v1/order', group: 'order', orderCount: 1, side: 'sell', orderBase: '2' }),
      ...extra,
      ev(tMs + 10_000, 'response', { venue: 'a', reqId, endpoint: 'POST /fapi/v1/order', outcome }),
    ];
    // `a` answers nothing (its API is down) until +99 s.
    const dark = new FaultSchedule([outage({ venue: 'a', startMs: 0, durationMs: 99_000, mode: 'timeout' })]);
    const read = (tMs: number, reqId: number, outcome = 'ok'): TraceEvent[] => [
      ev(tMs, 'request', { venue: 'a', reqId, endpoint: 'GET /fapi/v1/order', group: 'account' }),
      ev(tMs + 2, 'response', { venue: 'a', reqId, endpoint: 'GET /fapi/v1/order', outcome, ...(outcome === 'ok' ? { status: 200 } : {}) }),
    ];

    test('the exposure it could have hedged does not count while its venue cannot answer a read, and until one resolves it', () => {
      const trace = [ev(0, 'inventory', { inventoryBase: 2 }), ...placed(1000, 1, 'timeout'), ...read(20_000, 2, 'http5xx'), ...read(100_000, 3), ev(120_000, 'venue.position', { venue: 'b', size: '-2' })];
      const r = exposureInvariant.check(input(trace, dark));
      // Counted: 0–11 s (before the timeout) and from the end of the outage (+99 s): 11 + 19 = 30 s.
      expect(r.firstViolation?.tMs).toBe(99_000 + 19_000);
      const sooner = [ev(0, 'inventory', { inventoryBase: 2 }), ...placed(1000, 1, 'timeout'), ...read(100_000, 3), ev(110_000, 'venue.position', { venue: 'b', size: '-2' })];
      expect(exposureInvariant.check(input(sooner, dark)).passed).toBe(true);
      // With a venue that answers reads all along, a policy that never looks the order up has no excuse.
      expect(exposureInvariant.check(input(sooner)).firstViolation?.tMs).toBe(30_000);
    });

    test('only up to its size: exposure over by more than the order could have hedged still counts', () => {
      const trace = [ev(0, 'inventory', { inventoryBase: 3 }), ...placed(1000, 1, 'timeout'), ev(200_000, 'venue.position', { venue: 'b', size: '-3' })];
      expect(exposureInvariant.check(input(trace, dark)).firstViolation?.tMs).toBe(30_000);
    });

    test('only what the venue did not fill (what it filled is in the ground truth); a refused connection sent nothing', () => {
      // Sold 1 of the 2: net 1.9, of which the unfilled 1 could still have been hedged by it: 0.9 over counts.
      const partly = [
        ev(0, 'inventory', { inventoryBase: 2.9 }),
        ...placed(1000, 1, 'timeout', [ev(1002, 'venue.order', { venue: 'a', side: 'sell', qty: '2', filledQty: '1', status: 'expired' }), ev(1002, 'venue.position', { venue: 'a', size: '-1' })]),
      ];
      expect(exposureInvariant.check(input(partly, dark)).firstViolation?.tMs).toBe(30_000);
      // Had it filled none, the 2 it could have sold would cover the 0.9 + 1 over (2.9 − 2 = 0.9 > 0.5 still: over by the rest).
      const none = [ev(0, 'inventory', { inventoryBase: 2.4 }), ...placed(1000, 1, 'timeout')];
      // Excused from the timeout (+11 s) to the end of the outage (+99 s), then on the clock again.
      expect(exposureInvariant.check(input(none, dark)).firstViolation?.tMs).toBe(99_000 + 19_000);
      const refused = [ev(0, 'inventory', { inventoryBase: 2 }), ...placed(1000, 1, 'refused')];
      expect(exposureInvariant.check(input(refused, dark)).firstViolation?.tMs).toBe(30_000);
    });

    test('a 429 storm that told the policy to wait counts as a venue it cannot read, until the wait is over; its own budget\'s refusals do not', () => {
      // The sell times out at +11 s (no outage: `a` answers reads); a lookup at +12 s meets a
      // forced 429 with Retry-After 40 s, so honouring it the policy cannot read until +52 s.
      const storm = rateLimit({ venue: 'a', startMs: 11_000, durationMs: 5_000, retryAfterSec: 40 });
      const refusedRead = (faultId: string): TraceEvent[] => [
        ev(12_000, 'request', { venue: 'a', reqId: 2, endpoint: 'GET /fapi/v1/order', group: 'account' }),
        ev(12_002, 'response', { venue: 'a', reqId: 2, endpoint: 'GET /fapi/v1/order', outcome: 'rateLimited', status: 429, retryAfterSec: 40, faultId }),
      ];
      const trace = (faultId: string): TraceEvent[] => [ev(0, 'inventory', { inventoryBase: 2 }), ...placed(1000, 1, 'timeout'), ...refusedRead(faultId), ...read(52_100, 3)];
      // Counted: 0–11 s; the storm's own window (11–16 s) blocks reads, and its Retry-After keeps
      // the policy off until +52.002 s; then 19 s more: +71.002 s.
      expect(exposureInvariant.check(input(trace(storm.id), new FaultSchedule([storm]))).firstViolation?.tMs).toBe(71_002);
      // A refusal of the venue's own budget (no storm behind it) was earned: only the storm's window
      // excuses, so the clock runs again from +16 s: +35 s.
      expect(exposureInvariant.check(input(trace('limit'), new FaultSchedule([storm]))).firstViolation?.tMs).toBe(35_000);
    });
  });

  test('does not count time while every venue is under a scenario fault', () => {
    const faults = new FaultSchedule([
      outage({ venue: 'a', startMs: 0, durationMs: 100_000, mode: 'timeout' }),
      rateLimit({ venue: 'b', startMs: 0, durationMs: 100_000, retryAfterSec: 10, banSec: 60 }),
    ]);
    const trace = [ev(0, 'inventory', { inventoryBase: 2 }), ev(120_000, 'venue.position', { venue: 'b', size: '-2' })];
    expect(exposureInvariant.check(input(trace, faults)).passed).toBe(true);
    const late = [ev(0, 'inventory', { inventoryBase: 2 }), ev(131_000, 'venue.position', { venue: 'b', size: '-2' })];
    const r = exposureInvariant.check(input(late, faults));
    expect(r.passed).toBe(false);
    expect(r.firstViolation?.tMs).toBe(130_000);
  });

  test('unhedgedSecMax bounds a breach whatever its cause, counting time every venue was down', () => {
    const faults = new FaultSchedule([
      outage({ venue: 'a', startMs: 0, durationMs: 100_000, mode: 'timeout' }),
      outage({ venue: 'b', startMs: 0, durationMs: 100_000, mode: 'refused' }),
    ]);
    const trace = [ev(0, 'inventory', { inventoryBase: 2 }), ev(110_000, 'venue.position', { venue: 'b', size: '-2' })];
    const bounded = (sec: number): InvariantInput => ({ ...input(trace, faults), limits: { netBaseMax: 0.5, hedgeWithinSec: 30, unhedgedSecMax: sec } });
    // Without the bound the breach is unavoidable and not the policy's: it passes.
    expect(exposureInvariant.check(input(trace, faults)).passed).toBe(true);
    const r = exposureInvariant.check(bounded(60));
    expect(r.passed).toBe(false);
    expect(r.firstViolation?.tMs).toBe(60_000);
    expect(r.firstViolation?.message).toMatch(/more than unhedgedSecMax 60 s, counting time no venue could take the hedge/);
    expect(exposureInvariant.check(bounded(110)).passed).toBe(true);
  });

  test('coins of the base asset held on a venue count as exposure; other assets do not', () => {
    const base = (trace: TraceEvent[]): InvariantInput => ({ ...input(trace), baseAsset: 'BTC' });
    // 2 BTC held on a spot venue, hedged by a 2 BTC short perp: flat.
    const hedged = [ev(0, 'venue.balance', { venue: 'b', asset: 'BTC', wallet: '2' }), ev(0, 'venue.balance', { venue: 'b', asset: 'USD', wallet: '90000' }), ev(10_000, 'venue.position', { venue: 'a', size: '-2' })];
    expect(exposureInvariant.check(base(hedged)).passed).toBe(true);
    // The same coins never hedged: 2 BTC long for the whole run.
    const unhedged = [ev(0, 'venue.balance', { venue: 'b', asset: 'BTC', wallet: '2' })];
    const r = exposureInvariant.check(base(unhedged));
    expect(r.passed).toBe(false);
    expect(r.firstViolation?.tMs).toBe(30_000);
    // Selling the coins (wallet to 0) is a hedge too.
    const sold = [ev(0, 'venue.balance', { venue: 'b', asset: 'BTC', wallet: '2' }), ev(20_000, 'venue.balance', { venue: 'b', asset: 'BTC', wallet: '0' })];
    expect(exposureInvariant.check(base(sold)).passed).toBe(true);
  });

  test('sums positions exactly: 0.1 + 0.2 against a 0.3 inventory is flat', () => {
    const trace = [
      ev(0, 'inventory', { inventoryBase: 0.3 }),
      ev(1, 'venue.position', { venue: 'a', size: '-0.1' }),
      ev(1, 'venue.position', { venue: 'b', size: '-0.2' }),
    ];
    const tight = { ...input(trace), limits: { netBaseMax: 1e-12, hedgeWithinSec: 0.001 } };
    expect(exposureInvariant.check(tight).passed).toBe(true);
  });
});

describe('rate-limit invariants', () => {
  test('a request inside Retry-After of a 429 breaks retryAfter; one after it does not', () => {
    const ok = [ev(1000, 'response', { venue: 'a', outcome: 'rateLimited', status: 429, retryAfterSec: 10 }), ev(11_000, 'request', { venue: 'a', endpoint: 'GET /t' })];
    expect(retryAfterInvariant.check(input(ok)).passed).toBe(true);
    const early = [ev(1000, 'response', { venue: 'a', outcome: 'rateLimited', status: 429, retryAfterSec: 10 }), ev(10_999, 'request', { venue: 'a', endpoint: 'GET /t' })];
    const r = retryAfterInvariant.check(input(early));
    expect(r.passed).toBe(false);
    expect(r.firstViolation?.venue).toBe('a');
  });

  test('Retry-After on one venue does not restrict another', () => {
    const trace = [ev(1000, 'response', { venue: 'a', outcome: 'rateLimited', status: 429, retryAfterSec: 10 }), ev(2000, 'request', { venue: 'b', endpoint: 'GET /t' })];
    expect(retryAfterInvariant.check(input(trace)).passed).toBe(true);
  });

  test('a Bybit-style refusal (HTTP 200 retCode 10006) counts by outcome, not status', () => {
    const early = [ev(1000, 'response', { venue: 'a', outcome: 'rateLimited', status: 200, retryAfterSec: 1 }), ev(1500, 'request', { venue: 'a', endpoint: 'POST /v5/order/create' })];
    expect(retryAfterInvariant.check(input(early)).passed).toBe(false);
    expect(noBanInvariant.check(input([ev(1, 'response', { venue: 'a', outcome: 'banned', status: 403, retryAfterSec: 600 })])).passed).toBe(false);
  });

  test('any 418 breaks noBan', () => {
    expect(noBanInvariant.check(input([ev(1, 'response', { venue: 'a', outcome: 'rateLimited', status: 429, retryAfterSec: 1 })])).passed).toBe(true);
    expect(noBanInvariant.check(input([ev(1, 'response', { venue: 'a', outcome: 'banned', status: 418, retryAfterSec: 120 })])).passed).toBe(false);
  });
});

describe('invariant names in the scenario format', () => {
  test('expect.invariant accepts exactly the invariants a run reports', () => {
    expect([...INVARIANT_NAMES].sort()).toEqual([...DEFAULT_INVARIANTS.map((i) => i.name), 'policyHealthy'].sort());
  });
});
