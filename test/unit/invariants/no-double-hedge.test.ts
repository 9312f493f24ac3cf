import { describe, expect, test } from 'vitest';
import { FaultSchedule } from '../../../src/faults/index.ts';
import { noDoubleHedgeInvariant, type InvariantInput } from '../../../src/invariants/index.ts';
import { orderBaseOf, orderSideOf } from '../../../src/net/transport.ts';
import type { TraceEvent } from '../../../src/sim/trace.ts';

let seq = 0;
const ev = (tMs: number, type: string, data: Record<string, unknown> = {}): TraceEvent => ({ seq: seq++, tMs, type, ...data });

/** The desk bought 3 at +0 s: the lost sell of 3 below hedges it, so a second sell of 3 hedges it twice. */
function input(trace: TraceEvent[]): InvariantInput {
  return { trace: [ev(0, 'inventory', { deltaBase: 3, inventoryBase: 3 }), ...trace], faults: new FaultSchedule([]), startMs: 0, durationMs: 600_000, venues: ['a', 'b'], limits: { netBaseMax: 0.5, hedgeWithinSec: 30 } };
}

/** An order placement request (as the transport records it) and, unless `booked` is false, the venue booking it (3 base). */
const place = (tMs: number, venue: string, reqId: number, side: 'buy' | 'sell', booked = true): TraceEvent[] => [
  ev(tMs, 'request', { venue, reqId, endpoint: 'POST /fapi/v1/order', group: 'order', orderCount: 1, side }),
  ...(booked ? [ev(tMs + 25, 'venue.order', { venue, orderId: `o${reqId}`, side, qty: '3', filledQty: '0', status: 'new' })] : []),
];
/** A read request and its answer. */
const read = (tMs: number, venue: string, reqId: number, outcome = 'ok', endpoint = 'GET /fapi/v1/order', group = 'account'): TraceEvent[] => [
  ev(tMs, 'request', { venue, reqId, endpoint, group }),
  ev(tMs + 50, 'response', { venue, reqId, endpoint, outcome, status: outcome === 'ok' ? 200 : 503 }),
];

/** A sell of 3 on venue a at +10 s whose ack is lost: the venue filled it. */
const lostSell = (): TraceEvent[] => [
  ...place(10_000, 'a', 1, 'sell', false),
  ev(10_050, 'venue.order', { venue: 'a', orderId: '7', side: 'sell', qty: '3', filledQty: '3', status: 'filled' }),
  ev(10_050, 'venue.position', { venue: 'a', symbol: 'BTC/USDT:USDT', size: '-3', entryPrice: '60000' }),
  ev(10_050, 'fault.ackLost', { venue: 'a', reqId: 1, status: 200, mode: 'timeout' }),
];

describe('noDoubleHedge invariant', () => {
  test('holds when the lost order is looked up on its venue before the next placement in its direction', () => {
    const trace = [...lostSell(), ...read(20_100, 'a', 2), ...place(21_000, 'b', 3, 'sell')];
    expect(noDoubleHedgeInvariant.check(input(trace))).toEqual({ name: 'noDoubleHedge', passed: true, firstViolation: null, numViolations: 0 });
  });

  test('breaks on a placement in the same direction on another venue before any read could reveal the lost order, naming both and how long', () => {
    const trace = [...lostSell(), ...place(20_500, 'b', 2, 'sell'), ...place(21_500, 'b', 3, 'sell')];
    const r = noDoubleHedgeInvariant.check(input(trace));
    expect(r.passed).toBe(false);
    expect(r.numViolations).toBe(2);
    expect(r.firstViolation).toEqual({
      tMs: 20_500,
      venue: 'b',
      excess: 3,
      message:
        'b: sell order placed at +20.500 s (POST /fapi/v1/order) while the sell order on a whose acknowledgement was lost at +10.050 s (sell 3, filled) was unresolved for 10.450 s: ' +
        'no read of orders, trades, positions or balances on a sent after the loss had answered yet, so its quantity may be hedged twice',
    });
  });

  test('a retry on the same venue counts too', () => {
    const r = noDoubleHedgeInvariant.check(input([...lostSell(), ...place(12_000, 'a', 2, 'sell')]));
    expect(r.firstViolation).toMatchObject({ tMs: 12_000, venue: 'a' });
  });

  test('the rest of a split hedge, or a hedge of a new client trade, is not a double hedge: it fits in what the lost fill left', () => {
    // The desk bought 3 more at +11 s: after the lost sell of 3, 3 are still to sell — a sell of 3 hedges them once.
    const newTrade = [...lostSell(), ev(11_000, 'inventory', { deltaBase: 3, inventoryBase: 6 }), ...place(12_000, 'b', 2, 'sell')];
    expect(noDoubleHedgeInvariant.check(input(newTrade)).passed).toBe(true);
    // With 2 still to sell, a sell of 3 trades 1 of the lost 3 again: under half of it, within rounding — not counted; with nothing left, all 3 — counted.
    const twoLeft = [...lostSell(), ev(11_000, 'inventory', { deltaBase: 2, inventoryBase: 5 }), ...place(12_000, 'b', 2, 'sell')];
    expect(noDoubleHedgeInvariant.check(input(twoLeft)).passed).toBe(true);
    expect(noDoubleHedgeInvariant.check(input([...lostSell(), ...place(12_000, 'b', 2, 'sell')])).passed).toBe(false);
  });

  test('a placement in the other direction is not a double hedge', () => {
    expect(noDoubleHedgeInvariant.check(input([...lostSell(), ...place(12_000, 'b', 2, 'buy')])).passed).toBe(true);
  });

  test('reads that cannot reveal the order resolve nothing: failed, on another venue, not an account read, or sent before the ack was lost', () => {
    const cases: TraceEvent[][] = [
      read(11_000, 'a', 2, 'http5xx'),
      read(11_000, 'b', 2),
      read(11_000, 'a', 2, 'ok', 'GET /fapi/v1/time', 'status'),
      read(11_000, 'a', 2, 'ok', 'GET /fapi/v1/ticker/bookTicker', 'marketData'),
    ];
    for (const reads of cases) {
      const r = noDoubleHedgeInvariant.check(input([...lostSell(), ...reads, ...place(20_000, 'b', 9, 'sell')]));
      expect(r.passed, `${String(reads[0]?.['endpoint'])} ${String(reads[1]?.['outcome'])} on ${reads[0]?.venue}`).toBe(false);
    }
    // Sent before the loss, answered after it: the venue may have answered before the order existed.
    const before = [...place(10_000, 'a', 1, 'sell', false), ev(10_010, 'request', { venue: 'a', reqId: 2, endpoint: 'GET /fapi/v3/positionRisk', group: 'account' }), ev(10_040, 'venue.order', { venue: 'a', orderId: '7', side: 'sell', qty: '3', filledQty: '3', status: 'filled' }), ev(10_040, 'venue.position', { venue: 'a', size: '-3' }), ev(10_050, 'fault.ackLost', { venue: 'a', reqId: 1 }), ev(10_060, 'response', { venue: 'a', reqId: 2, outcome: 'ok' }), ...place(20_000, 'b', 3, 'sell')];
    expect(noDoubleHedgeInvariant.check(input(before)).passed).toBe(false);
  });

  test('a placement sent while the revealing read is still on its way is blind', () => {
    const trace = [...lostSell(), ev(20_000, 'request', { venue: 'a', reqId: 2, endpoint: 'GET /fapi/v1/order', group: 'account' }), ...place(20_010, 'b', 3, 'sell'), ev(20_050, 'response', { venue: 'a', reqId: 2, outcome: 'ok' })];
    expect(noDoubleHedgeInvariant.check(input(trace)).firstViolation?.tMs).toBe(20_010);
  });

  test('under readLag a read reveals the order only if the moment it answers from is at or after the order', () => {
    const lagged = (lagMs: number): TraceEvent[] => [
      ...lostSell(),
      ev(12_000, 'request', { venue: 'a', reqId: 2, endpoint: 'GET /fapi/v3/positionRisk', group: 'account' }),
      ev(12_025, 'fault.fired', { venue: 'a', reqId: 2, faultId: 'f1-readLag-a', action: 'readLag', lagMs }),
      ev(12_050, 'response', { venue: 'a', reqId: 2, outcome: 'ok' }),
      ...place(13_000, 'b', 3, 'sell'),
    ];
    expect(noDoubleHedgeInvariant.check(input(lagged(5000))).passed).toBe(false);
    expect(noDoubleHedgeInvariant.check(input(lagged(1975))).passed).toBe(true);
  });

  test('each lost order needs its own read: a later loss reopens the question', () => {
    const trace = [...lostSell(), ...read(11_000, 'a', 2), ...place(12_000, 'a', 3, 'sell'), ev(12_040, 'venue.order', { venue: 'a', orderId: '8', side: 'sell', qty: '1', filledQty: '1', status: 'filled' }), ev(12_050, 'fault.ackLost', { venue: 'a', reqId: 3 }), ...place(13_000, 'b', 4, 'sell')];
    const r = noDoubleHedgeInvariant.check(input(trace));
    expect(r.numViolations).toBe(1);
    expect(r.firstViolation).toMatchObject({ tMs: 13_000, venue: 'b' });
    expect(r.firstViolation?.message).toContain('lost at +12.050 s');
  });

  test('a lost answer to an order the venue did not take (refused: no order booked, or ended at once with nothing filled) opens nothing', () => {
    const refused = [...place(10_000, 'a', 1, 'sell', false), ev(10_050, 'fault.ackLost', { venue: 'a', reqId: 1, status: 400 }), ...place(20_000, 'b', 2, 'sell')];
    expect(noDoubleHedgeInvariant.check(input(refused)).passed).toBe(true);
    const rejected = [...place(10_000, 'a', 1, 'sell', false), ev(10_040, 'venue.order', { venue: 'a', orderId: '7', side: 'sell', qty: '3', filledQty: '0', status: 'rejected' }), ev(10_050, 'fault.ackLost', { venue: 'a', reqId: 1 }), ...place(20_000, 'b', 2, 'sell')];
    expect(noDoubleHedgeInvariant.check(input(rejected)).passed).toBe(true);
    // The control: the same trace with the order filled is a double hedge.
    const filled = rejected.flatMap((e) => (e.type === 'venue.order' && e.venue === 'a' ? [{ ...e, filledQty: '3', status: 'filled' }, ev(e.tMs, 'venue.position', { venue: 'a', size: '-3' })] : [e]));
    expect(noDoubleHedgeInvariant.check(input(filled)).passed).toBe(false);
  });
});

describe('the direction of an order placement, as the transport records it', () => {
  test('reads every dialect spelling: query, form body, JSON body, OKX batch, Kraken type', () => {
    const url = (q = ''): URL => new URL(`https://api.example.test/order${q}`);
    expect(orderSideOf(url('?symbol=BTCUSDT&side=SELL&type=MARKET'), undefined)).toBe('sell');
    expect(orderSideOf(url(), 'symbol=BTCUSDT&side=BUY&type=MARKET&quantity=1')).toBe('buy');
    expect(orderSideOf(url(), JSON.stringify({ category: 'linear', side: 'Sell', orderType: 'Market' }))).toBe('sell');
    expect(orderSideOf(url(), JSON.stringify([{ instId: 'BTC-USDT-SWAP', side: 'buy', ordType: 'market' }]))).toBe('buy');
    expect(orderSideOf(url(), 'nonce=1&ordertype=market&type=sell&volume=0.5&pair=XBTUSD')).toBe('sell');
    expect(orderSideOf(url(), 'symbol=BTCUSDT&type=MARKET')).toBeUndefined();
  });
});

describe('the size of an order placement, in base units, as the transport records it', () => {
  test('reads Binance quantity, Bybit qty, Kraken volume, and OKX sz in contracts of the instrument\'s ctVal', () => {
    const url = (q = ''): URL => new URL(`https://api.example.test/order${q}`);
    expect(orderBaseOf(url('?symbol=BTCUSDT&side=SELL&type=MARKET&quantity=0.687'), undefined)).toBe('0.687');
    expect(orderBaseOf(url(), 'symbol=BTCUSDT&side=BUY&type=MARKET&quantity=1')).toBe('1');
    expect(orderBaseOf(url(), JSON.stringify({ category: 'linear', side: 'Sell', orderType: 'Market', qty: '0.25' }))).toBe('0.25');
    expect(orderBaseOf(url(), 'nonce=1&ordertype=market&type=sell&volume=0.5&pair=XBTUSD')).toBe('0.5');
    // OKX: 0.01 BTC, 0.1 ETH per contract.
    expect(orderBaseOf(url(), JSON.stringify({ instId: 'BTC-USDT-SWAP', side: 'buy', ordType: 'market', sz: '31' }))).toBe('0.31');
    expect(orderBaseOf(url(), JSON.stringify([{ instId: 'ETH-USDT-SWAP', side: 'buy', ordType: 'market', sz: '7' }]))).toBe('0.7');
    expect(orderBaseOf(url(), 'symbol=BTCUSDT&side=BUY&type=MARKET')).toBeUndefined();
  });
});
