import { describe, expect, test } from 'vitest';
import { DEFAULT_MARKETS, DEFAULT_SPOT_MARKETS } from '../../../src/market/markets.ts';
import { createVenueEngine } from '../../../src/venue/engine.ts';
import type { VenueEvent } from '../../../src/venue/types.ts';
import { BTC, ETH, btcWithNotionalMin, testVenue } from './helpers.ts';

// With the default book (spread 1 bps, step 1 bps, 2 BTC a level) and a 60000 mid, the asks are
// 60003, 60009, 60015 … and the bids 59997, 59991, 59985 …

describe('exact arithmetic', () => {
  test('1000 buys of 0.001 then 1000 sells of 0.001 leave the size exactly "0" and the wallet exact', () => {
    const v = testVenue({ markets: [btcWithNotionalMin('5')] });
    for (let i = 0; i < 1000; i++) v.place({ side: 'buy', qty: '0.001' });
    expect(v.position().size).toBe('1');
    expect(v.position().entryPrice).toBe('60003');
    for (let i = 0; i < 1000; i++) v.place({ side: 'sell', qty: '0.001' });
    expect(v.position().size).toBe('0');
    expect(v.position().entryPrice).toBe('0');
    // realized 1000 × 0.001 × (59997 − 60003) = −6; fees 1000 × 0.001 × (60003 + 59997) × 0.0004 = 48
    expect(v.usdt().wallet).toBe('999946');
    const fills = v.engine.trades(BTC);
    expect(fills).toHaveLength(2000);
    expect(fills[0]).toMatchObject({ tradeId: '1', price: '60003', qty: '0.001', quoteQty: '60.003', fee: '0.0240012', realizedPnl: '0' });
    expect(fills[1999]).toMatchObject({ tradeId: '2000', price: '59997', fee: '0.0239988', realizedPnl: '-0.006' });
  });
});

describe('positions', () => {
  test('averages the entry price on increase, keeps it on reduce, realizes PnL on reduce and resets it on a flip', () => {
    const v = testVenue({ book: { levelQty: '10' } });
    v.place({ side: 'buy', qty: '1' }); // 60003
    v.setMid(40000);
    v.place({ side: 'buy', qty: '1' }); // 40002
    expect(v.position()).toMatchObject({ size: '2', entryPrice: '50002.5' });

    v.setMid(80000);
    const reduce = v.place({ side: 'sell', qty: '0.5' }); // 79996
    expect(v.position()).toMatchObject({ size: '1.5', entryPrice: '50002.5', markPrice: '80000', unrealizedPnl: '44996.25' });
    expect(v.engine.trades(BTC, { orderId: reduce.orderId })[0]?.realizedPnl).toBe('14996.75');

    const flip = v.place({ side: 'sell', qty: '2.5' }); // 79996: closes 1.5, opens 1 short
    expect(v.engine.trades(BTC, { orderId: flip.orderId })[0]?.realizedPnl).toBe('44990.25');
    expect(v.position()).toMatchObject({ size: '-1', entryPrice: '79996', unrealizedPnl: '-4', notional: '-80000' });
  });

  test('reports notional, margins and a liquidation price for the position', () => {
    const v = testVenue({ balances: { USDT: '1000' } });
    v.place({ side: 'buy', qty: '0.16' });
    expect(v.position()).toMatchObject({
      size: '0.16',
      entryPrice: '60003',
      notional: '9600',
      initialMargin: '960',
      maintenanceMargin: '38.4',
      liquidationPrice: '53993',
      leverage: 10,
    });
    expect(v.usdt()).toMatchObject({ wallet: '996.159808', unrealizedPnl: '-0.48', marginBalance: '995.679808', initialMargin: '960', maintenanceMargin: '38.4', available: '35.679808' });
  });

  test('lists flat positions for every market and starting positions at the starting mid', () => {
    const v = testVenue({ positions: [{ symbol: 'ETHUSDT', size: '-2' }] });
    expect(v.engine.positions(0).map((p) => [p.symbol, p.size, p.entryPrice])).toEqual([
      [BTC, '0', '0'],
      [ETH, '-2', '3000'],
    ]);
  });
});

describe('fees', () => {
  test('charges the taker fee on taking fills and the maker fee on resting fills, in the settle asset', () => {
    const v = testVenue({ feeTakerBps: 5, feeMakerBps: 1.5 });
    v.place({ side: 'buy', qty: '1' });
    v.place({ type: 'limit', side: 'sell', qty: '1', price: '61000' });
    v.setMid(61000);
    v.engine.tick(2000);
    const [taker, maker] = v.engine.trades(BTC);
    expect(taker).toMatchObject({ maker: false, fee: '30.0015', feeAsset: 'USDT' }); // 60003 × 5 bps
    expect(maker).toMatchObject({ maker: true, price: '61000', fee: '9.15', realizedPnl: '997' }); // 61000 × 1.5 bps
    expect(v.usdt().wallet).toBe(String(1000000 - 30.0015 - 9.15 + 997));
  });
});

describe('market orders', () => {
  test('walk the book level by level and report the volume-weighted average price', () => {
    const v = testVenue();
    const o = v.place({ side: 'buy', qty: '5' });
    expect(o).toMatchObject({ status: 'filled', filledQty: '5', avgPrice: '60007.8', cumQuote: '300039', timeInForce: 'IOC' });
    expect(v.engine.trades(BTC).map((f) => [f.price, f.qty])).toEqual([
      ['60003', '2'],
      ['60009', '2'],
      ['60015', '1'],
    ]);
    const sell = v.place({ side: 'sell', qty: '3' });
    expect(sell.avgPrice).toBe('59995'); // (2 × 59997 + 59991) / 3
  });

  test('expire the part the book is too thin for', () => {
    const v = testVenue({ book: { levels: 3 } });
    const o = v.place({ side: 'buy', qty: '7' });
    expect(o).toMatchObject({ status: 'expired', qty: '7', filledQty: '6' });
    expect(v.position().size).toBe('6');
    expect(v.engine.openOrders()).toEqual([]);
  });
});

describe('limit orders', () => {
  test('rest when not marketable and fill at their price as maker once the mid reaches them', () => {
    const v = testVenue();
    const o = v.place({ type: 'limit', side: 'buy', qty: '0.01', price: '59000' });
    expect(o).toMatchObject({ status: 'new', price: '59000', filledQty: '0', avgPrice: '0' });
    expect(v.engine.openOrders(BTC).map((x) => x.orderId)).toEqual([o.orderId]);
    v.setMid(59500);
    v.engine.tick(2000);
    expect(v.engine.getOrder({ symbol: BTC, orderId: o.orderId })?.status).toBe('new');
    v.setMid(58990.3);
    v.engine.tick(3000);
    expect(v.engine.getOrder({ symbol: BTC, orderId: o.orderId })).toMatchObject({ status: 'filled', filledQty: '0.01', avgPrice: '59000', updatedMs: 3000 });
    expect(v.engine.trades(BTC)).toEqual([expect.objectContaining({ price: '59000', qty: '0.01', maker: true, fee: '0.118', timeMs: 3000 })]);
    expect(v.position()).toMatchObject({ size: '0.01', entryPrice: '59000' });
    expect(v.engine.openOrders()).toEqual([]);
  });

  test('GTC takes what is marketable up to its price and rests the remainder', () => {
    const v = testVenue();
    const o = v.place({ type: 'limit', side: 'buy', qty: '5', price: '60009' });
    expect(o).toMatchObject({ status: 'partiallyFilled', filledQty: '4', avgPrice: '60006' });
    expect(v.engine.openOrders()).toHaveLength(1);
    expect(v.engine.trades(BTC).every((f) => !f.maker)).toBe(true);
  });

  test('IOC takes what is marketable and expires the rest', () => {
    const v = testVenue();
    const o = v.place({ type: 'limit', side: 'sell', qty: '5', price: '59991', timeInForce: 'IOC' });
    expect(o).toMatchObject({ status: 'expired', filledQty: '4' });
    expect(v.engine.openOrders()).toEqual([]);
  });

  test('FOK fills completely or expires with nothing filled', () => {
    const v = testVenue();
    const miss = v.place({ type: 'limit', side: 'buy', qty: '5', price: '60009', timeInForce: 'FOK' });
    expect(miss).toMatchObject({ status: 'expired', filledQty: '0' });
    expect(v.engine.trades(BTC)).toEqual([]);
    const hit = v.place({ type: 'limit', side: 'buy', qty: '4', price: '60009', timeInForce: 'FOK' });
    expect(hit).toMatchObject({ status: 'filled', filledQty: '4' });
  });

  test('GTX (post-only) is rejected when it would take and rests otherwise', () => {
    const v = testVenue();
    const r = v.engine.placeOrder({ symbol: BTC, side: 'buy', type: 'limit', qty: '0.01', price: '60003', timeInForce: 'GTX', clientOrderId: 'po', nowMs: 0 });
    expect(r).toMatchObject({ ok: false, reason: 'postOnlyWouldTake' });
    const ok = v.place({ type: 'limit', side: 'buy', qty: '0.01', price: '59997', timeInForce: 'GTX' });
    expect(ok.status).toBe('new');
    // the rejected post-only order consumed neither an order id nor its client order id
    expect(ok.orderId).toBe('1');
    expect(v.engine.placeOrder({ symbol: BTC, side: 'buy', type: 'limit', qty: '0.01', price: '59000', clientOrderId: 'po', nowMs: 0 }).ok).toBe(true);
  });

  test('cancel removes an open order once and reports finished or unknown orders', () => {
    const v = testVenue();
    const o = v.place({ type: 'limit', side: 'buy', qty: '0.01', price: '59000', clientOrderId: 'rest-1' });
    expect(v.engine.cancelOrder({ symbol: BTC, clientOrderId: 'rest-1', nowMs: 5 })).toMatchObject({ ok: true, value: { orderId: o.orderId, status: 'canceled', updatedMs: 5 } });
    expect(v.engine.cancelOrder({ symbol: BTC, orderId: o.orderId, nowMs: 6 })).toMatchObject({ ok: false, reason: 'orderNotCancelable' });
    expect(v.engine.cancelOrder({ symbol: BTC, orderId: '999', nowMs: 6 })).toMatchObject({ ok: false, reason: 'orderNotFound' });
    expect(v.engine.cancelOrder({ symbol: ETH, orderId: o.orderId, nowMs: 6 })).toMatchObject({ ok: false, reason: 'orderNotFound' });
    expect(v.engine.openOrders()).toEqual([]);
    v.setMid(58000);
    v.engine.tick(10);
    expect(v.engine.trades(BTC)).toEqual([]);
  });
});

describe('validation', () => {
  test('rejects unknown symbols, bad quantities, bad prices and small notionals with their reasons', () => {
    const v = testVenue();
    const place = (over: Record<string, unknown>) =>
      v.engine.placeOrder({ symbol: BTC, side: 'buy', type: 'limit', qty: '0.01', price: '59000', clientOrderId: `x${JSON.stringify(over)}`, nowMs: 0, ...over });
    expect(place({ symbol: 'DOGE/USDT:USDT' })).toMatchObject({ ok: false, reason: 'unknownSymbol' });
    for (const qty of ['0', '-0.01', '0.0015', '0.0005', '1001', 'abc', '0.0010000000000001']) {
      expect(place({ qty })).toMatchObject({ ok: false, reason: 'invalidQuantity' });
    }
    for (const price of ['59000.05', '0', '-1', 'x', undefined]) {
      expect(place({ price })).toMatchObject({ ok: false, reason: 'invalidPrice' });
    }
    expect(place({ qty: '0.001' })).toMatchObject({ ok: false, reason: 'notionalTooSmall' });
    expect(place({ type: 'market', qty: '0.001', price: undefined })).toMatchObject({ ok: false, reason: 'notionalTooSmall' });
    expect(place({ symbol: 'BTCUSDT' })).toMatchObject({ ok: true, value: { symbol: BTC, orderId: '1' } });
    expect(v.events.filter((e) => e.type === 'order')).toHaveLength(1);
  });

  test('rejects a client order id used by an open order, but lets a finished order\'s id trade again (Binance USDⓈ-M rule); a rejected order does not use it up', () => {
    const v = testVenue();
    v.place({ type: 'limit', side: 'buy', qty: '0.01', price: '59000', clientOrderId: 'dup-open' });
    v.place({ side: 'buy', qty: '0.01', clientOrderId: 'dup-filled' });
    expect(v.engine.placeOrder({ symbol: BTC, side: 'sell', type: 'market', qty: '0.01', clientOrderId: 'dup-open', nowMs: 0 })).toMatchObject({ ok: false, reason: 'duplicateClientOrderId' });
    // The trap a retrying policy falls into: the finished order's id executes a second time.
    const again = v.engine.placeOrder({ symbol: BTC, side: 'buy', type: 'market', qty: '0.01', clientOrderId: 'dup-filled', nowMs: 0 });
    expect(again).toMatchObject({ ok: true, value: { status: 'filled' } });
    expect(v.position().size).toBe('0.02');
    // A lookup by client order id finds the latest order with it.
    expect(v.engine.getOrder({ symbol: BTC, clientOrderId: 'dup-filled' })?.orderId).toBe(again.ok ? again.value.orderId : 'none');
    expect(v.engine.placeOrder({ symbol: BTC, side: 'sell', type: 'market', qty: '0.0001', clientOrderId: 'retry', nowMs: 0 })).toMatchObject({ ok: false, reason: 'invalidQuantity' });
    expect(v.engine.placeOrder({ symbol: BTC, side: 'sell', type: 'market', qty: '0.01', clientOrderId: 'retry', nowMs: 0 }).ok).toBe(true);
    expect(v.position().size).toBe('0.01');
  });

  test('with clientOrderIdScope "all" no client order id is ever reused', () => {
    const v = testVenue({ clientOrderIdScope: 'all' });
    v.place({ side: 'buy', qty: '0.01', clientOrderId: 'once' });
    expect(v.engine.placeOrder({ symbol: BTC, side: 'buy', type: 'market', qty: '0.01', clientOrderId: 'once', nowMs: 0 })).toMatchObject({ ok: false, reason: 'duplicateClientOrderId' });
    expect(v.position().size).toBe('0.01');
  });

  test('reduce-only orders must shrink an existing position and may be below the minimum notional', () => {
    const v = testVenue();
    const ro = (side: 'buy' | 'sell', qty: string) => v.engine.placeOrder({ symbol: BTC, side, type: 'market', qty, reduceOnly: true, clientOrderId: `ro-${v.events.length}-${side}-${qty}`, nowMs: 0 });
    expect(ro('sell', '0.01')).toMatchObject({ ok: false, reason: 'reduceOnlyRejected' }); // no position
    v.place({ side: 'buy', qty: '1' });
    expect(ro('buy', '0.01')).toMatchObject({ ok: false, reason: 'reduceOnlyRejected' }); // would increase
    expect(ro('sell', '1.001')).toMatchObject({ ok: false, reason: 'reduceOnlyRejected' }); // larger than the position
    expect(ro('sell', '0.001')).toMatchObject({ ok: true, value: { status: 'filled', reduceOnly: true } }); // 60 USDT < 100 is fine
    expect(ro('sell', '0.999')).toMatchObject({ ok: true, value: { status: 'filled' } });
    expect(v.position().size).toBe('0');
  });

  test('a resting reduce-only order that no longer reduces expires instead of opening a position', () => {
    const v = testVenue();
    v.place({ side: 'buy', qty: '1' });
    const tp = v.place({ type: 'limit', side: 'sell', qty: '1', price: '61000', reduceOnly: true });
    v.place({ side: 'sell', qty: '1' });
    v.setMid(61000);
    v.engine.tick(2000);
    expect(v.engine.getOrder({ symbol: BTC, orderId: tp.orderId })?.status).toBe('expired');
    expect(v.position().size).toBe('0');
  });
});

describe('margin', () => {
  test('rejects an order whose position increase needs more initial margin than is available', () => {
    const v = testVenue({ balances: { USDT: '1000' } });
    expect(v.engine.placeOrder({ symbol: BTC, side: 'buy', type: 'market', qty: '0.17', clientOrderId: 'big', nowMs: 0 })).toMatchObject({ ok: false, reason: 'insufficientMargin' });
    v.place({ side: 'buy', qty: '0.16' });
    expect(v.engine.placeOrder({ symbol: BTC, side: 'buy', type: 'market', qty: '0.01', clientOrderId: 'more', nowMs: 0 })).toMatchObject({ ok: false, reason: 'insufficientMargin' });
    // reducing needs no margin; a flip needs margin only for the part beyond the current size
    expect(v.engine.placeOrder({ symbol: BTC, side: 'sell', type: 'market', qty: '0.16', clientOrderId: 'close', nowMs: 0 }).ok).toBe(true);
    expect(v.engine.placeOrder({ symbol: BTC, side: 'sell', type: 'market', qty: '0.16', clientOrderId: 'short', nowMs: 0 }).ok).toBe(true);
  });

  test('reserves initial margin for resting orders and releases it on cancel', () => {
    const v = testVenue({ balances: { USDT: '1000' } });
    const o = v.place({ type: 'limit', side: 'buy', qty: '0.1', price: '50000' });
    expect(v.usdt()).toMatchObject({ initialMargin: '500', available: '500' });
    expect(v.engine.placeOrder({ symbol: BTC, side: 'buy', type: 'limit', qty: '0.1', price: '55000', clientOrderId: 'second', nowMs: 0 })).toMatchObject({ ok: false, reason: 'insufficientMargin' });
    v.engine.cancelOrder({ symbol: BTC, orderId: o.orderId, nowMs: 0 });
    expect(v.usdt()).toMatchObject({ initialMargin: '0', available: '1000' });
  });
});

describe('liquidation', () => {
  test('closes the position at the mid once the margin balance falls below maintenance margin, at the reported price', () => {
    const v = testVenue({ balances: { USDT: '1000' } });
    v.place({ side: 'buy', qty: '0.16' });
    const stop = v.place({ type: 'limit', side: 'sell', qty: '0.05', price: '70000', reduceOnly: true });
    expect(v.position().liquidationPrice).toBe('53993');
    v.setMid(53993);
    v.engine.tick(2000);
    expect(v.events.filter((e) => e.type === 'liquidation')).toEqual([]);
    v.events.length = 0;
    v.setMid(53992.9);
    v.engine.tick(3000);
    // First the margin sample of the state that triggered it (margin balance below maintenance margin).
    expect(v.events[0]).toMatchObject({ type: 'margin', balance: { asset: 'USDT', initialMargin: '863.8864' } });
    expect(v.events[1]).toEqual({ type: 'order', order: expect.objectContaining({ orderId: stop.orderId, status: 'canceled' }) });
    expect(v.events[2]).toEqual({ type: 'liquidation', symbol: BTC, size: '0.16', price: '53992.9', timeMs: 3000 });
    expect(v.events.at(-1)).toMatchObject({ type: 'margin', balance: { asset: 'USDT', initialMargin: '0', wallet: '34.543808' } });
    expect(v.position().size).toBe('0');
    const close = v.engine.trades(BTC).at(-1);
    expect(close).toMatchObject({ side: 'sell', qty: '0.16', price: '53992.9', fee: '0', clientOrderId: `autoclose-${close?.orderId}`, realizedPnl: '-961.616' });
    expect(v.usdt().wallet).toBe('34.543808');
    expect(v.engine.openOrders()).toEqual([]);
  });

  test('floors the wallet at zero when the loss exceeds it', () => {
    const v = testVenue({ balances: { USDT: '1000' } });
    v.place({ side: 'sell', qty: '0.16' });
    v.setMid(90000);
    v.engine.tick(2000);
    expect(v.events.some((e) => e.type === 'liquidation' && e.size === '-0.16')).toBe(true);
    expect(v.usdt()).toMatchObject({ wallet: '0', available: '0' });
  });

  test('refuses to tick backwards in time', () => {
    const v = testVenue();
    v.engine.tick(10);
    expect(() => v.engine.tick(9)).toThrow(/backwards/);
  });
});

describe('events and ids', () => {
  test('emits order on every status change, fill and position on every fill, in that order, then one margin sample', () => {
    const v = testVenue();
    const o = v.place({ side: 'buy', qty: '3' });
    const shape = (e: VenueEvent) => (e.type === 'order' ? `order:${e.order.status}` : e.type === 'fill' ? `fill:${e.fill.qty}` : e.type === 'position' ? `position:${e.position.size}` : e.type);
    expect(v.events.map(shape)).toEqual(['order:new', 'fill:2', 'position:2', 'fill:1', 'position:3', 'order:filled', 'margin']);
    expect(o.orderId).toBe('1');
    v.events.length = 0;
    const rest = v.place({ type: 'limit', side: 'sell', qty: '1', price: '61000' });
    v.engine.cancelOrder({ symbol: BTC, orderId: rest.orderId, nowMs: 2 });
    expect(v.events.map(shape)).toEqual(['order:new', 'margin', 'order:canceled', 'margin']);
    expect(rest.orderId).toBe('2');
    expect(v.engine.trades(BTC).map((f) => f.tradeId)).toEqual(['1', '2']);
  });

  test('stops calling a listener after it unsubscribes', () => {
    const engine = createVenueEngine({ venueId: 'x', markets: [...DEFAULT_MARKETS], balances: { USDT: '100000' }, midPrice: () => 60000 });
    const seen: string[] = [];
    const off = engine.onEvent((e) => seen.push(e.type));
    engine.placeOrder({ symbol: BTC, side: 'buy', type: 'market', qty: '0.01', clientOrderId: 'a', nowMs: 0 });
    off();
    engine.placeOrder({ symbol: BTC, side: 'buy', type: 'market', qty: '0.01', clientOrderId: 'b', nowMs: 0 });
    expect(seen).toEqual(['order', 'fill', 'position', 'order', 'margin']);
  });
});

describe('margin samples', () => {
  const margins = (v: ReturnType<typeof testVenue>) => v.events.flatMap((e) => (e.type === 'margin' ? [e.balance] : []));

  test('a margin sample is the settle asset\'s balance row, the figures the order check and liquidation use', () => {
    const v = testVenue({ balances: { USDT: '100000' } });
    v.place({ side: 'buy', qty: '1' });
    expect(margins(v)).toEqual([v.usdt()]);
    expect(margins(v)[0]).toMatchObject({ asset: 'USDT', initialMargin: '6000' });
  });

  test('a tick samples a margin asset once as a baseline, then only when its use reaches a new peak', () => {
    const v = testVenue({ balances: { USDT: '100000' } });
    v.engine.tick(1000);
    expect(margins(v)).toMatchObject([{ asset: 'USDT', initialMargin: '0', updatedMs: 1000 }]);
    v.engine.tick(2000);
    expect(margins(v)).toHaveLength(1); // flat: use stays 0
    v.place({ side: 'sell', qty: '1' }); // short 1 at 60000: op sample
    v.events.length = 0;
    v.setMid(60100); // a rally raises a short's margin use: new peak
    v.engine.tick(3000);
    v.setMid(60050); // lower again: no sample
    v.engine.tick(4000);
    v.setMid(60080); // above 60050 but below the 60100 peak: no sample
    v.engine.tick(5000);
    v.setMid(60200); // new peak
    v.engine.tick(6000);
    expect(margins(v).map((b) => [b.updatedMs, b.initialMargin])).toEqual([
      [3000, '6010'],
      [6000, '6020'],
    ]);
  });

  test('any change of the account resets the peak: the sample after it is the new reference', () => {
    const v = testVenue({ balances: { USDT: '100000' } });
    v.place({ side: 'sell', qty: '1' });
    v.setMid(60500);
    v.engine.tick(2000); // peak
    v.place({ side: 'buy', qty: '0.5', nowMs: 2500 }); // halve the short: use falls, sampled
    v.events.length = 0;
    v.setMid(60600); // use below the old peak, above the halved position's: sampled
    v.engine.tick(3000);
    expect(margins(v).map((b) => b.initialMargin)).toEqual(['3030']);
  });

  test('a venue with only spot markets emits no margin samples', () => {
    const v = testVenue({ markets: [...DEFAULT_SPOT_MARKETS], balances: { USDT: '100000' } });
    v.engine.tick(1000);
    expect(margins(v)).toEqual([]);
  });
});

describe('market data', () => {
  test('builds the book around the mid rounded to the tick, spread rounded outward', () => {
    const v = testVenue();
    v.setMid(60000.04);
    expect(v.engine.book(BTC, 0, 3)).toEqual({
      symbol: BTC,
      bids: [
        ['59997', '2'],
        ['59991', '2'],
        ['59985', '2'],
      ],
      asks: [
        ['60003', '2'],
        ['60009', '2'],
        ['60015', '2'],
      ],
      timeMs: 0,
    });
    v.setMid(50000.05); // half even → 50000; half spread 2.5 → 49997.5 / 50002.5
    expect(v.engine.book(BTC, 0, 1)).toMatchObject({ bids: [['49997.5', '2']], asks: [['50002.5', '2']] });
    v.setMid(50000.15); // half even → 50000.2; half spread 2.50001 → outward to 49997.6 / 50002.8
    expect(v.engine.ticker(BTC, 0)).toMatchObject({ last: '50000.2', bid: '49997.6', ask: '50002.8', bidQty: '2' });
  });

  test('keeps levels a tick apart even when the step is finer than the tick', () => {
    const v = testVenue({ book: { spreadBps: 0, levelStepBps: 0 } });
    v.setMid(3000, ETH);
    expect(v.engine.book(ETH, 0, 3)).toMatchObject({
      bids: [
        ['3000', '2'],
        ['2999.99', '2'],
        ['2999.98', '2'],
      ],
      asks: [
        ['3000.01', '2'],
        ['3000.02', '2'],
        ['3000.03', '2'],
      ],
    });
  });

  test('reports 24 h volume from the venue’s own fills', () => {
    const v = testVenue();
    v.place({ side: 'buy', qty: '1' });
    expect(v.engine.ticker(BTC, 1000)).toMatchObject({ volumeBase: '1', volumeQuote: '60003', open: '60000', high: '60000', low: '60000' });
    expect(v.engine.ticker(BTC, 1000 + 86_400_000)).toMatchObject({ volumeBase: '0' });
  });

  test('returns trades oldest first, newest `limit` without a start time, oldest `limit` from one', () => {
    const v = testVenue();
    for (let i = 0; i < 4; i++) {
      v.now = i * 10;
      v.place({ side: 'buy', qty: '0.01' });
    }
    expect(v.engine.trades(BTC, { limit: 2 }).map((f) => f.timeMs)).toEqual([20, 30]);
    expect(v.engine.trades(BTC, { sinceMs: 10, limit: 2 }).map((f) => f.timeMs)).toEqual([10, 20]);
    expect(v.engine.trades('ETHUSDT')).toEqual([]);
  });
});
