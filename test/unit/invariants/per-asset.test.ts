import { describe, expect, test } from 'vitest';
import { FaultSchedule } from '../../../src/faults/index.ts';
import {
  checkInvariants,
  DEFAULT_INVARIANTS,
  exposureInvariant,
  grossPerVenueInvariant,
  noBanInvariant,
  noDoubleHedgeInvariant,
  noLiquidationInvariant,
  PER_ASSET_INVARIANTS,
  reconciledInvariant,
  splitTraceByAsset,
  type Invariant,
  type InvariantInput,
  type InvariantResult,
} from '../../../src/invariants/index.ts';
import type { TraceEvent } from '../../../src/sim/trace.ts';

let seq = 0;
const ev = (tMs: number, type: string, data: Record<string, unknown> = {}): TraceEvent => ({ seq: seq++, tMs, type, ...data });

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
const pos = (tMs: number, venue: string, symbol: string, size: string): TraceEvent => ev(tMs, 'venue.position', { venue, symbol, size, entryPrice: '1' });

/** A BTC-and-ETH run (BTC first): BTC held to 0.5 net and 2 per venue, ETH to 5 net and 20 per venue. */
function input(trace: TraceEvent[], over: Partial<InvariantInput> = {}): InvariantInput {
  return {
    trace,
    faults: new FaultSchedule([]),
    startMs: 0,
    durationMs: 600_000,
    venues: ['a', 'b', 'spot'],
    limits: { netBaseMax: 0.5, hedgeWithinSec: 30, grossBaseMaxPerVenue: 2 },
    phases: { chaosUntilSec: 300, convergeWithinSec: 60 },
    baseAsset: 'BTC',
    assets: [
      { asset: 'BTC', netBaseMax: 0.5, grossBaseMaxPerVenue: 2 },
      { asset: 'ETH', netBaseMax: 5, grossBaseMaxPerVenue: 20 },
    ],
    ...over,
  };
}

const named = (results: InvariantResult[], name: string): InvariantResult => {
  const r = results.find((x) => x.name === name);
  if (r === undefined) throw new Error(`no result ${name}`);
  return r;
};

describe('multi-coin runs: coin-specific invariants run once per coin', () => {
  test('an ETH breach is reported by exposure with an "ETH: " prefix while BTC, hedged, is fine; positions of two coins on one venue do not net', () => {
    // +1 BTC hedged by -1 BTC on a; +10 ETH never hedged (ETH's limit is 5).
    const trace = [ev(0, 'inventory', { deltaBase: 1, inventoryBase: 1 }), ev(0, 'inventory', { asset: 'ETH', deltaBase: 10, inventoryBase: 10 }), pos(1000, 'a', BTC, '-1')];
    const r = named(checkInvariants(input(trace)), 'exposure');
    expect(r.passed).toBe(false);
    expect(r.numViolations).toBe(1);
    expect(r.firstViolation).toEqual({
      tMs: 30_000,
      excess: 5,
      message: 'ETH: net exposure 10 base exceeded netBaseMax 5 by 5 for more than hedgeWithinSec 30 s while a venue could take the hedge',
    });
    // Hedged, ETH passes too: the BTC short on a does not count against ETH, nor ETH's against BTC.
    const hedged = [...trace, pos(20_000, 'a', ETH, '-10')];
    expect(named(checkInvariants(input(hedged)), 'exposure')).toEqual({ name: 'exposure', passed: true, firstViolation: null, numViolations: 0 });
  });

  test('long 1 BTC and short 1 ETH on one venue with no inventory: both coins are over, not 0 net; at the same moment the first coin is named first', () => {
    const limits = { assets: [{ asset: 'BTC', netBaseMax: 0.5 }, { asset: 'ETH', netBaseMax: 0.5 }] };
    const trace = [pos(1000, 'a', BTC, '1'), pos(1000, 'a', ETH, '-1')];
    const r = named(checkInvariants(input(trace, limits)), 'exposure');
    expect(r.passed).toBe(false);
    expect(r.numViolations).toBe(2);
    expect(r.firstViolation?.tMs).toBe(31_000);
    expect(r.firstViolation?.message).toBe('BTC: net exposure 1 base exceeded netBaseMax 0.5 by 0.5 for more than hedgeWithinSec 30 s while a venue could take the hedge');
    // ETH's own violation is the one counted second: reversed order, ETH is named.
    const eth = named(checkInvariants(input(trace, { assets: [...limits.assets].reverse() })), 'exposure');
    expect(eth.firstViolation?.message).toMatch(/^ETH: net exposure -1 base/);
  });

  test("grossPerVenue holds each coin to its own cap, and the earliest violation across coins wins, whichever coin it is", () => {
    // 15 ETH short on a and 10 ETH on spot are within ETH's cap of 20 (over BTC's 2); 3 BTC on b is over BTC's.
    const base = [
      pos(1000, 'a', ETH, '-15'),
      ev(1000, 'venue.balance', { venue: 'spot', asset: 'ETH', wallet: '10', locked: '0' }),
      ev(1000, 'venue.balance', { venue: 'spot', asset: 'USDT', wallet: '100000', locked: '0' }),
      pos(5000, 'b', BTC, '-3'),
    ];
    const r = named(checkInvariants(input(base)), 'grossPerVenue');
    expect(r.numViolations).toBe(1);
    expect(r.firstViolation).toMatchObject({ tMs: 5000, venue: 'b', excess: 1 });
    expect(r.firstViolation?.message).toBe('BTC: b: held 3 base (position -3) at +5.000 s, over grossBaseMaxPerVenue 2 by 1; still over when the run ended');
    // 25 ETH on a at +2 s: over ETH's cap, earlier than BTC's breach — ETH's is the first violation.
    const both = [...base, pos(2000, 'a', ETH, '-25')];
    const r2 = named(checkInvariants(input(both)), 'grossPerVenue');
    expect(r2.numViolations).toBe(2);
    expect(r2.firstViolation).toMatchObject({ tMs: 2000, venue: 'a', excess: 5 });
    expect(r2.firstViolation?.message).toMatch(/^ETH: a: held 25 base \(position -25\) at \+2\.000 s, over grossBaseMaxPerVenue 20 by 5/);
  });

  test('a note is kept only when every coin has one', () => {
    const trace = [pos(1000, 'a', BTC, '-3')];
    // ETH sets no cap: ETH checked nothing, BTC did — no note, and BTC's violation.
    const oneCap = named(checkInvariants(input(trace, { assets: [{ asset: 'BTC', netBaseMax: 0.5, grossBaseMaxPerVenue: 2 }, { asset: 'ETH', netBaseMax: 5 }] })), 'grossPerVenue');
    expect(oneCap).toMatchObject({ passed: false, numViolations: 1 });
    expect(oneCap.note).toBeUndefined();
    // Only ETH sets one (the first coin's result has the note, ETH's not): still no note.
    const ethCap = named(checkInvariants(input([pos(1000, 'a', ETH, '-3')], { limits: { netBaseMax: 0.5, hedgeWithinSec: 30 }, assets: [{ asset: 'BTC', netBaseMax: 0.5 }, { asset: 'ETH', netBaseMax: 5, grossBaseMaxPerVenue: 20 }] })), 'grossPerVenue');
    expect(ethCap).toEqual({ name: 'grossPerVenue', passed: true, firstViolation: null, numViolations: 0 });
    // Neither sets one: nothing was checked, and the result says so once.
    const none = named(checkInvariants(input(trace, { limits: { netBaseMax: 0.5, hedgeWithinSec: 30 }, assets: [{ asset: 'BTC', netBaseMax: 0.5 }, { asset: 'ETH', netBaseMax: 5 }] })), 'grossPerVenue');
    expect(none).toEqual({ name: 'grossPerVenue', passed: true, firstViolation: null, numViolations: 0, note: 'not checked: limits.grossBaseMaxPerVenue is not set in the scenario' });
  });

  describe('noDoubleHedge judges an order against its own coin', () => {
    /** Long 3 BTC and 3 ETH; a BTC sell of 3 on a is filled and its ack lost; then a sell of 3 on b naming `orderAsset` (or none). */
    const trace = (orderAsset: string | undefined): TraceEvent[] => [
      ev(0, 'inventory', { deltaBase: 3, inventoryBase: 3 }),
      ev(0, 'inventory', { asset: 'ETH', deltaBase: 3, inventoryBase: 3 }),
      ev(10_000, 'request', { venue: 'a', reqId: 1, endpoint: 'POST /fapi/v1/order', group: 'order', orderCount: 1, side: 'sell' }),
      ev(10_050, 'venue.order', { venue: 'a', orderId: '7', side: 'sell', qty: '3', filledQty: '3', status: 'filled' }),
      pos(10_050, 'a', BTC, '-3'),
      ev(10_050, 'fault.ackLost', { venue: 'a', reqId: 1, status: 200, mode: 'timeout' }),
      ev(12_000, 'request', { venue: 'b', reqId: 2, endpoint: 'POST /fapi/v1/order', group: 'order', orderCount: 1, side: 'sell', ...(orderAsset !== undefined ? { orderAsset } : {}) }),
      ev(12_025, 'venue.order', { venue: 'b', orderId: '8', side: 'sell', qty: '3', filledQty: '0', status: 'new', ...(orderAsset !== undefined ? { symbol: `${orderAsset}/USDT:USDT` } : {}) }),
    ];

    test('an ETH hedge placed while a BTC order is unresolved is not a BTC double hedge', () => {
      expect(named(checkInvariants(input(trace('ETH'))), 'noDoubleHedge')).toEqual({ name: 'noDoubleHedge', passed: true, firstViolation: null, numViolations: 0 });
    });

    test('the same placement for BTC (named, or naming no coin: the first) is one', () => {
      for (const coin of ['BTC', undefined]) {
        const r = named(checkInvariants(input(trace(coin))), 'noDoubleHedge');
        expect(r.passed, String(coin)).toBe(false);
        expect(r.numViolations).toBe(1);
        expect(r.firstViolation?.message).toMatch(/^BTC: b: sell order placed at \+12\.000 s .* while the sell order on a whose acknowledgement was lost at \+10\.050 s/);
      }
    });

    test('control: on the unsplit trace the ETH hedge would count as a BTC double hedge', () => {
      expect(noDoubleHedgeInvariant.check({ ...input(trace('ETH')), assets: undefined }).passed).toBe(false);
    });
  });

  test("reconciled compares each coin's view (byAsset) with that coin's truth", () => {
    const truth = [ev(0, 'inventory', { inventoryBase: 1 }), ev(0, 'inventory', { asset: 'ETH', inventoryBase: 10 }), pos(50_000, 'a', BTC, '-1'), pos(50_000, 'a', ETH, '-10')];
    const view = (ethOnA: number | undefined): TraceEvent =>
      ev(360_000, 'policy.view', { at: 'deadline', netBase: 0, byVenue: { a: -1 }, ...(ethOnA !== undefined ? { byAsset: { ETH: { netBase: 10 + ethOnA, byVenue: { a: ethOnA } } } } : {}) });
    const ok = named(checkInvariants(input([...truth, view(-10)])), 'reconciled');
    expect(ok).toEqual({ name: 'reconciled', passed: true, firstViolation: null, numViolations: 0 });
    const off = named(checkInvariants(input([...truth, view(-9)])), 'reconciled');
    expect(off.numViolations).toBe(1);
    expect(off.firstViolation).toMatchObject({ tMs: 360_000, venue: 'a', excess: 1 });
    expect(off.firstViolation?.message).toMatch(/^ETH: the policy's view at the recovery deadline \+360\.000 s differs .*: a -9 \(venue holds -10, off by 1\); net 1 \(truth 0, off by 1\)$/);
    // A view that says nothing of ETH: ETH has no view (checked nothing), BTC's was checked — passed, no note.
    const noEth = named(checkInvariants(input([...truth, view(undefined)])), 'reconciled');
    expect(noEth).toEqual({ name: 'reconciled', passed: true, firstViolation: null, numViolations: 0 });
  });

  test('venue-wide invariants run once on the whole trace, unprefixed; the report order is DEFAULT_INVARIANTS', () => {
    const trace = [ev(100_000, 'venue.liquidation', { venue: 'a', symbol: ETH, size: '-10', price: '4000' })];
    const results = checkInvariants(input(trace));
    expect(results.map((r) => r.name)).toEqual(DEFAULT_INVARIANTS.map((i) => i.name));
    expect(named(results, 'noLiquidation')).toEqual(noLiquidationInvariant.check(input(trace)));
    expect(named(results, 'noLiquidation').firstViolation?.message).toMatch(/^a: position of -10 ETH/);
    expect([...PER_ASSET_INVARIANTS].map((i) => i.name).sort()).toEqual(['converged', 'exposure', 'grossPerVenue', 'noDoubleHedge', 'reconciled']);
  });

  test('a custom invariants list: order kept, built-in coin invariants still per coin, an unknown one runs once on the whole input', () => {
    const seen: InvariantInput[] = [];
    const custom: Invariant = {
      name: 'custom',
      description: 'records what it is given',
      check(i) {
        seen.push(i);
        return { name: 'custom', passed: true, firstViolation: null, numViolations: 0 };
      },
    };
    const trace = [ev(0, 'inventory', { asset: 'ETH', inventoryBase: 10 })];
    const whole = input(trace);
    const results = checkInvariants(whole, [custom, noBanInvariant, exposureInvariant]);
    expect(results.map((r) => r.name)).toEqual(['custom', 'noBan', 'exposure']);
    expect(seen).toEqual([whole]);
    expect(results[2]?.firstViolation?.message).toMatch(/^ETH: /);
  });
});

describe('splitTraceByAsset', () => {
  test('each event goes to its coin; events of no coin go to every coin; each coin gets its own policy view', () => {
    const e = {
      invBtc: ev(0, 'inventory', { deltaBase: 1, inventoryBase: 1 }),
      invEth: ev(0, 'inventory', { asset: 'ETH', deltaBase: 2, inventoryBase: 2 }),
      posEth: pos(1, 'a', ETH, '-2'),
      posBare: ev(1, 'venue.position', { venue: 'a', size: '-1' }),
      balEth: ev(2, 'venue.balance', { venue: 'spot', asset: 'ETH', wallet: '1', locked: '0' }),
      balUsdt: ev(2, 'venue.balance', { venue: 'spot', asset: 'USDT', wallet: '5', locked: '0' }),
      orderEth: ev(3, 'venue.order', { venue: 'a', symbol: 'ETH/USD', side: 'sell', qty: '2' }),
      fillBare: ev(3, 'venue.fill', { venue: 'a', side: 'sell', qty: '1' }),
      placeEth: ev(4, 'request', { venue: 'a', reqId: 1, group: 'order', orderCount: 1, side: 'sell', orderAsset: 'ETH' }),
      placeBare: ev(4, 'request', { venue: 'a', reqId: 2, group: 'order', orderCount: 1, side: 'sell' }),
      read: ev(5, 'request', { venue: 'a', reqId: 3, group: 'account' }),
      answer: ev(5, 'response', { venue: 'a', reqId: 1, outcome: 'timeout' }),
      lost: ev(5, 'fault.ackLost', { venue: 'a', reqId: 1 }),
      margin: ev(6, 'venue.margin', { venue: 'a', asset: 'USDT', initialMargin: '1', marginBalance: '10' }),
      view: ev(7, 'policy.view', { at: 'end', netBase: 0, byVenue: { a: -1 }, byAsset: { ETH: { netBase: 0.5, byVenue: { a: -2 } } } }),
      solPos: pos(8, 'b', 'SOL/USDT:USDT', '3'),
    };
    const [btc, eth, ...rest] = splitTraceByAsset(Object.values(e), ['BTC', 'ETH']);
    expect(rest).toEqual([]);
    expect(btc?.asset).toBe('BTC');
    expect(eth?.asset).toBe('ETH');
    const every = [e.balUsdt, e.read, e.answer, e.lost, e.margin];
    const sortSeq = (xs: TraceEvent[]): TraceEvent[] => [...xs].sort((x, y) => x.seq - y.seq);
    expect(btc?.trace).toEqual(sortSeq([e.invBtc, e.posBare, e.fillBare, e.placeBare, ...every, e.view]));
    expect(eth?.trace).toEqual(
      sortSeq([e.invEth, e.posEth, e.balEth, e.orderEth, e.placeEth, ...every, { seq: e.view.seq, tMs: 7, type: 'policy.view', at: 'end', netBase: 0.5, byVenue: { a: -2 } }]),
    );
    // A view that names no ETH is not ETH's.
    const bare = ev(9, 'policy.view', { at: 'end', netBase: 0, byVenue: {} });
    const [btc2, eth2] = splitTraceByAsset([bare], ['BTC', 'ETH']);
    expect(btc2?.trace).toEqual([bare]);
    expect(eth2?.trace).toEqual([]);
  });
});

describe('single-coin runs are checked exactly as before', () => {
  // Breaks several invariants (exposure, grossPerVenue, converged, reconciled) so a changed message would show.
  const trace = [
    ev(0, 'inventory', { deltaBase: 5, inventoryBase: 5 }),
    ev(40_000, 'venue.position', { venue: 'a', symbol: BTC, size: '-3' }),
    ev(360_000, 'policy.view', { at: 'deadline', netBase: 1, byVenue: { a: -3 } }),
    ev(600_000, 'policy.view', { at: 'end', netBase: 2, byVenue: { a: -3 } }),
  ];
  const direct = (i: InvariantInput): InvariantResult[] => DEFAULT_INVARIANTS.map((inv) => inv.check(i));

  test('without assets, or with one coin, every result deep-equals the invariant called on the input as given', () => {
    const none = input(trace, { assets: undefined });
    expect(direct(none).some((r) => !r.passed)).toBe(true);
    expect(checkInvariants(none)).toEqual(direct(none));
    const one = input(trace, { assets: [{ asset: 'BTC', netBaseMax: 0.5, grossBaseMaxPerVenue: 2 }] });
    expect(checkInvariants(one)).toEqual(direct(one));
    expect(checkInvariants(input(trace, { assets: [] }))).toEqual(direct(input(trace, { assets: [] })));
    // A custom list too.
    expect(checkInvariants(one, [reconciledInvariant, grossPerVenueInvariant])).toEqual([reconciledInvariant.check(one), grossPerVenueInvariant.check(one)]);
  });

  test('control: the same trace as a two-coin run (ETH idle) differs only by the "BTC: " prefix on first violations', () => {
    const two = checkInvariants(input(trace));
    const one = direct(input(trace, { assets: undefined }));
    expect(two.map((r) => r.passed)).toEqual(one.map((r) => r.passed));
    expect(two.map((r) => r.numViolations)).toEqual(one.map((r) => r.numViolations));
    for (const [i, r] of two.entries()) {
      const before = one[i]!;
      if (before.firstViolation === null) continue;
      const perCoin = PER_ASSET_INVARIANTS.has(DEFAULT_INVARIANTS[i]!);
      expect(r.firstViolation?.message).toBe(perCoin ? `BTC: ${before.firstViolation.message}` : before.firstViolation.message);
    }
  });
});
