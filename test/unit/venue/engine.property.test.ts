import { test as fcTest } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import * as D from '../../../src/venue/decimal.ts';
import type { Fill, TimeInForce } from '../../../src/venue/types.ts';
import { BTC, btcWithNotionalMin, testVenue } from './helpers.ts';

type Action =
  | { kind: 'market'; side: 'buy' | 'sell'; qtySteps: number; reduceOnly: boolean }
  | { kind: 'limit'; side: 'buy' | 'sell'; qtySteps: number; offsetBps: number; timeInForce: TimeInForce; reduceOnly: boolean }
  | { kind: 'cancel'; pick: number }
  | { kind: 'move'; bps: number };

const side = fc.constantFrom<'buy' | 'sell'>('buy', 'sell');
const qtySteps = fc.integer({ min: 1, max: 5000 }); // 0.001 … 5 BTC: deeper than two book levels
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('market' as const), side, qtySteps, reduceOnly: fc.boolean() }),
  fc.record({
    kind: fc.constant('limit' as const),
    side,
    qtySteps,
    offsetBps: fc.integer({ min: -30, max: 30 }),
    timeInForce: fc.constantFrom<TimeInForce>('GTC', 'IOC', 'FOK', 'GTX'),
    reduceOnly: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('move' as const), bps: fc.integer({ min: -50, max: 50 }) }),
);

const INITIAL = '1000000000';

describe('venue engine properties', () => {
  fcTest.prop([fc.array(action, { maxLength: 60 })], { numRuns: 150 })(
    'any sequence of orders, cancels and price moves keeps the ledger consistent with its fills',
    (actions) => {
      const v = testVenue({ markets: [btcWithNotionalMin('1')], balances: { USDT: INITIAL } });
      let mid = 60000;
      let n = 0;
      for (const a of actions) {
        v.now += 1000;
        if (a.kind === 'move') {
          mid = mid * (1 + a.bps / 10_000);
          v.setMid(mid);
          v.engine.tick(v.now);
        } else if (a.kind === 'cancel') {
          const open = v.engine.openOrders();
          const target = open[a.pick % Math.max(1, open.length)];
          if (target !== undefined) expect(v.engine.cancelOrder({ symbol: BTC, orderId: target.orderId, nowMs: v.now }).ok).toBe(true);
        } else {
          const qty = D.format(BigInt(a.qtySteps) * D.parse('0.001'));
          const price = a.kind === 'limit' ? D.format(D.fromNumber(mid * (1 + a.offsetBps / 10_000), { step: D.parse('0.1') })) : undefined;
          v.engine.placeOrder({
            symbol: BTC,
            side: a.side,
            type: a.kind,
            qty,
            ...(price !== undefined ? { price } : {}),
            ...(a.kind === 'limit' ? { timeInForce: a.timeInForce } : {}),
            reduceOnly: a.reduceOnly,
            clientOrderId: `p${++n}`,
            nowMs: v.now,
          });
        }
        checkLedger(v, mid);
      }
      expect(v.events.some((e) => e.type === 'liquidation')).toBe(false);
    },
  );
});

function checkLedger(v: ReturnType<typeof testVenue>, mid: number): void {
  const fills: Fill[] = v.engine.trades(BTC);
  const signed = (f: Fill) => (f.side === 'buy' ? D.parse(f.qty) : -D.parse(f.qty));
  const position = v.position();
  const balance = v.usdt();

  // size is exactly the sum of signed fills
  expect(D.parse(position.size)).toBe(fills.reduce((s, f) => s + signed(f), 0n));
  // wallet is exactly the deposit plus realized PnL minus fees
  const realized = fills.reduce((s, f) => s + D.parse(f.realizedPnl), 0n);
  const fees = fills.reduce((s, f) => s + D.parse(f.fee), 0n);
  expect(D.parse(balance.wallet)).toBe(D.parse(INITIAL) + realized - fees);
  // realized + unrealized is the cash flow of the fills marked at the mid (independent of entry-price bookkeeping)
  const mark = D.parse(position.markPrice);
  expect(mark).toBe(D.fromNumber(mid, { step: D.parse('0.1') }));
  const cashFlow = fills.reduce((s, f) => s - D.mul(signed(f), D.parse(f.price)), 0n) + D.mul(D.parse(position.size), mark);
  const drift = D.abs(realized + D.parse(position.unrealizedPnl) - cashFlow);
  expect(drift <= D.parse('0.000001')).toBe(true);
  // margin balance and entry price agree with the position
  expect(D.parse(balance.marginBalance)).toBe(D.parse(balance.wallet) + D.parse(balance.unrealizedPnl));
  expect(position.entryPrice === '0').toBe(position.size === '0');
  // every order's totals are its fills'
  for (const o of v.engine.openOrders()) {
    expect(['new', 'partiallyFilled']).toContain(o.status);
    expect(D.parse(o.filledQty) < D.parse(o.qty)).toBe(true);
  }
  const byOrder = new Map<string, bigint>();
  for (const f of fills) byOrder.set(f.orderId, (byOrder.get(f.orderId) ?? 0n) + D.parse(f.qty));
  for (const [orderId, qty] of byOrder) {
    const o = v.engine.getOrder({ symbol: BTC, orderId });
    expect(o !== undefined && D.parse(o.filledQty) === qty).toBe(true);
  }
  // trade ids are 1, 2, 3 … in order
  expect(fills.map((f) => f.tradeId)).toEqual(fills.map((_, i) => String(i + 1)));
}
