import { test as fcTest } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { spotMarketSpec } from '../../../src/market/markets.ts';
import * as D from '../../../src/venue/decimal.ts';
import { createAccountHistory } from '../../../src/venue/history.ts';
import type { AssetBalance, MarketSpec, TimeInForce } from '../../../src/venue/types.ts';
import { BTC_SPOT, ETH_SPOT, spotVenue } from './helpers.ts';

type Symbol = typeof BTC_SPOT | typeof ETH_SPOT;
type Action =
  | { kind: 'market'; symbol: Symbol; side: 'buy' | 'sell'; qtySteps: number; reduceOnly: boolean }
  | { kind: 'limit'; symbol: Symbol; side: 'buy' | 'sell'; qtySteps: number; offsetBps: number; timeInForce: TimeInForce }
  | { kind: 'cancel'; pick: number }
  | { kind: 'move'; symbol: Symbol; bps: number };

const SPECS: Record<Symbol, MarketSpec> = { [BTC_SPOT]: spot(BTC_SPOT), [ETH_SPOT]: spot(ETH_SPOT) };
const START: Record<string, string> = { BTC: '3', ETH: '40', USDT: '250000' };
const ASSETS = Object.keys(START).sort();

const symbol = fc.constantFrom<Symbol>(BTC_SPOT, ETH_SPOT);
const side = fc.constantFrom<'buy' | 'sell'>('buy', 'sell');
// Up to 4 BTC (0.00001 steps) or 40 ETH (0.0001 steps): enough to run out of either side of a balance.
const qtySteps = fc.integer({ min: 1, max: 400_000 });
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('market' as const), symbol, side, qtySteps, reduceOnly: fc.boolean() }),
  fc.record({
    kind: fc.constant('limit' as const),
    symbol,
    side,
    qtySteps,
    offsetBps: fc.integer({ min: -30, max: 30 }),
    timeInForce: fc.constantFrom<TimeInForce>('GTC', 'IOC', 'FOK', 'GTX'),
  }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('move' as const), symbol, bps: fc.integer({ min: -50, max: 50 }) }),
);
const config = fc.record({
  spotFeeAsset: fc.constantFrom<'received' | 'quote'>('received', 'quote'),
  feeTakerBps: fc.constantFrom(0, 4, 10, 26),
  feeMakerBps: fc.constantFrom(0, 2, 10, 16),
});

describe('venue engine spot properties', () => {
  fcTest.prop([config, fc.array(action, { maxLength: 60 })], { numRuns: 150 })(
    'any sequence of spot orders, cancels and price moves moves value only as fills and fees say, and never overdraws',
    (cfg, actions) => {
      const v = spotVenue({ ...cfg, markets: [SPECS[BTC_SPOT], SPECS[ETH_SPOT]], balances: { ...START } });
      const history = createAccountHistory(v.engine, 0);
      const seen: Array<{ tMs: number; balances: AssetBalance[] }> = [];
      const mids: Record<Symbol, number> = { [BTC_SPOT]: 60000, [ETH_SPOT]: 3000 };
      let n = 0;
      for (const a of actions) {
        v.now += 1000;
        if (a.kind === 'move') {
          mids[a.symbol] = mids[a.symbol] * (1 + a.bps / 10_000);
          v.setMid(a.symbol, mids[a.symbol]);
          v.engine.tick(v.now);
        } else if (a.kind === 'cancel') {
          const open = v.engine.openOrders();
          const target = open[a.pick % Math.max(1, open.length)];
          if (target !== undefined) expect(v.engine.cancelOrder({ symbol: target.symbol, orderId: target.orderId, nowMs: v.now }).ok).toBe(true);
        } else {
          const spec = SPECS[a.symbol];
          const qty = D.format(BigInt(a.qtySteps) * D.parse(spec.qtyStep));
          const price = a.kind === 'limit' ? D.format(D.fromNumber(mids[a.symbol] * (1 + a.offsetBps / 10_000), { step: D.parse(spec.priceTick) })) : undefined;
          const reduceOnly = a.kind === 'market' && a.reduceOnly;
          const r = v.engine.placeOrder({
            symbol: a.symbol,
            side: a.side,
            type: a.kind,
            qty,
            ...(price !== undefined ? { price } : {}),
            ...(a.kind === 'limit' ? { timeInForce: a.timeInForce } : {}),
            reduceOnly,
            clientOrderId: `p${++n}`,
            nowMs: v.now,
          });
          if (reduceOnly) expect(r).toMatchObject({ ok: false, reason: 'reduceOnlyNotSupported' });
          if (!r.ok) expect(['insufficientBalance', 'postOnlyWouldTake', 'notionalTooSmall', 'reduceOnlyNotSupported']).toContain(r.reason);
        }
        checkSpotLedger(v, cfg);
        seen.push({ tMs: v.now, balances: v.engine.balances(v.now) });
      }
      // Every balance change was told by an event: the history answers each past moment as the engine
      // did then (stamped with the time of its snapshot, which is no later).
      const figures = (rows: AssetBalance[]) => rows.map(({ updatedMs: _, ...rest }) => rest);
      for (const s of seen) expect(figures(history.asOf(s.tMs).balances(s.tMs))).toEqual(figures(s.balances));
      expect(v.engine.positions(v.now)).toEqual([]);
    },
  );
});

function checkSpotLedger(v: ReturnType<typeof spotVenue>, cfg: { spotFeeAsset: 'received' | 'quote'; feeTakerBps: number; feeMakerBps: number }): void {
  const fills = [BTC_SPOT, ETH_SPOT].flatMap((s) => v.engine.trades(s));
  // Value is neither created nor destroyed: each asset is its start plus what fills moved in, less what they moved out and the fees.
  const expected = new Map(ASSETS.map((a) => [a, D.parse(START[a] ?? '0')]));
  const move = (asset: string, amount: bigint) => expected.set(asset, (expected.get(asset) ?? 0n) + amount);
  for (const f of fills) {
    const spec = SPECS[f.symbol as Symbol];
    const qty = D.parse(f.qty);
    const quote = D.parse(f.quoteQty);
    expect(quote).toBe(D.mul(qty, D.parse(f.price)));
    move(spec.base, f.side === 'buy' ? qty : -qty);
    move(spec.quote, f.side === 'buy' ? -quote : quote);
    move(f.feeAsset, -D.parse(f.fee));
    expect(f.realizedPnl).toBe('0');
    expect(f.feeAsset).toBe(f.side === 'buy' && cfg.spotFeeAsset === 'received' ? spec.base : spec.quote);
    // fees are the stated share of what they are charged on, rounded down
    const bps = BigInt(f.maker ? cfg.feeMakerBps : cfg.feeTakerBps);
    const base = f.feeAsset === spec.base ? qty : quote;
    expect(D.parse(f.fee)).toBe(D.divRound(base * bps, 10_000n, 'floor'));
  }

  // What open orders still reserve, by asset: a sell its remainder; a buy remainder × limit price,
  // plus (fees in quote) at most the larger fee on that, rounded up.
  const lockedMin = new Map<string, bigint>();
  const lockedMax = new Map<string, bigint>();
  const bump = (m: Map<string, bigint>, asset: string, x: bigint) => m.set(asset, (m.get(asset) ?? 0n) + x);
  for (const o of v.engine.openOrders()) {
    const spec = SPECS[o.symbol as Symbol];
    const rest = D.parse(o.qty) - D.parse(o.filledQty);
    expect(rest > 0n).toBe(true);
    if (o.side === 'sell') {
      bump(lockedMin, spec.base, rest);
      bump(lockedMax, spec.base, rest);
      continue;
    }
    const cost = D.mul(rest, D.parse(o.price ?? '0'));
    bump(lockedMin, spec.quote, cost);
    const feeMax = cfg.spotFeeAsset === 'quote' ? D.divRound(cost * BigInt(Math.max(cfg.feeTakerBps, cfg.feeMakerBps)), 10_000n, 'ceil') : 0n;
    bump(lockedMax, spec.quote, cost + feeMax);
  }

  const rows = v.engine.balances(v.now);
  expect(rows.map((b) => b.asset)).toEqual(ASSETS);
  for (const b of rows) {
    const wallet = D.parse(b.wallet);
    const locked = D.parse(b.locked);
    const available = D.parse(b.available);
    expect(wallet).toBe(expected.get(b.asset));
    expect(wallet >= 0n).toBe(true);
    expect(locked >= (lockedMin.get(b.asset) ?? 0n) && locked <= (lockedMax.get(b.asset) ?? 0n)).toBe(true);
    expect(locked <= wallet).toBe(true);
    expect(available).toBe(wallet - locked);
    expect([b.unrealizedPnl, b.initialMargin, b.maintenanceMargin]).toEqual(['0', '0', '0']);
    expect(b.marginBalance).toBe(b.wallet);
  }

  // every order's totals are its fills'
  const byOrder = new Map<string, { qty: bigint; quote: bigint; symbol: string }>();
  for (const f of fills) {
    const t = byOrder.get(f.orderId) ?? { qty: 0n, quote: 0n, symbol: f.symbol };
    t.qty += D.parse(f.qty);
    t.quote += D.parse(f.quoteQty);
    byOrder.set(f.orderId, t);
  }
  for (const [orderId, t] of byOrder) {
    const o = v.engine.getOrder({ symbol: t.symbol, orderId });
    expect(o !== undefined && D.parse(o.filledQty) === t.qty && D.parse(o.cumQuote) === t.quote).toBe(true);
  }
}

function spot(symbol: string): MarketSpec {
  const spec = spotMarketSpec(symbol);
  if (spec === undefined) throw new Error(`no spot market ${symbol}`);
  return spec;
}
