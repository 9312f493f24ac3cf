import { describe, expect, test } from 'vitest';
import { DEFAULT_MARKETS, DEFAULT_SPOT_MARKETS, marketSpec, spotMarketSpec } from '../../../src/market/markets.ts';
import { createVenueEngine } from '../../../src/venue/engine.ts';
import { createAccountHistory } from '../../../src/venue/history.ts';
import type { MarketSpec, VenueEvent } from '../../../src/venue/types.ts';
import { BTC, BTC_SPOT, BTC_USD, spotVenue } from './helpers.ts';

// BTC/USDT spot, tick 0.01, default book (spread 1 bps, step 1 bps, 2 BTC a level) around a 60000
// mid: asks 60003, 60009, 60015 …, bids 59997, 59991 … Default fees: taker 4 bps, maker 2 bps.

const shape = (e: VenueEvent): string =>
  e.type === 'order' ? `order:${e.order.status}` : e.type === 'fill' ? `fill:${e.fill.qty}` : e.type === 'balance' ? `balance:${e.balance.asset}` : e.type;

describe('spot fills move balances', () => {
  test('a market buy debits quote and credits base less the fee in base (spotFeeAsset "received", the default)', () => {
    const v = spotVenue({ balances: { USDT: '100000' } });
    const o = v.place({ side: 'buy', qty: '0.5' });
    expect(o).toMatchObject({ status: 'filled', filledQty: '0.5', avgPrice: '60003', cumQuote: '30001.5', reduceOnly: false });
    // 0.5 BTC × 4 bps = 0.0002 BTC fee
    expect(v.engine.trades(BTC_SPOT)).toEqual([
      expect.objectContaining({ side: 'buy', price: '60003', qty: '0.5', quoteQty: '30001.5', fee: '0.0002', feeAsset: 'BTC', maker: false, realizedPnl: '0' }),
    ]);
    expect(v.balance('USDT')).toMatchObject({ wallet: '69998.5', locked: '0', available: '69998.5', initialMargin: '0', unrealizedPnl: '0', marginBalance: '69998.5' });
    expect(v.balance('BTC')).toMatchObject({ wallet: '0.4998', locked: '0', available: '0.4998' });
  });

  test('a market sell debits base and credits quote less the fee in quote, in both fee modes', () => {
    for (const spotFeeAsset of ['received', 'quote'] as const) {
      const v = spotVenue({ spotFeeAsset, balances: { BTC: '0.4998', USDT: '0' } });
      v.place({ side: 'sell', qty: '0.4998' });
      // 0.4998 × 59997 = 29986.5006; fee × 4 bps = 11.99460024
      expect(v.engine.trades(BTC_SPOT)[0]).toMatchObject({ quoteQty: '29986.5006', fee: '11.99460024', feeAsset: 'USDT' });
      expect(v.balance('BTC').wallet).toBe('0');
      expect(v.balance('USDT').wallet).toBe('29974.50599976');
    }
  });

  test('with spotFeeAsset "quote" (Kraken) a buy costs price × qty + fee and credits the whole quantity', () => {
    const v = spotVenue({ spotFeeAsset: 'quote', balances: { USDT: '100000' } });
    v.place({ side: 'buy', qty: '0.5' });
    expect(v.engine.trades(BTC_SPOT)[0]).toMatchObject({ quoteQty: '30001.5', fee: '12.0006', feeAsset: 'USDT' });
    expect(v.balance('USDT').wallet).toBe('69986.4994');
    expect(v.balance('BTC').wallet).toBe('0.5');
  });

  test('spot markets never appear in positions and their fills emit no position event', () => {
    const v = spotVenue({ markets: [...DEFAULT_MARKETS, ...DEFAULT_SPOT_MARKETS] });
    v.place({ side: 'buy', qty: '0.5' });
    expect(v.engine.positions(v.now).map((p) => p.symbol)).toEqual(DEFAULT_MARKETS.map((m) => m.symbol));
    expect(v.engine.positions(v.now).every((p) => p.size === '0')).toBe(true);
    expect(v.events.some((e) => e.type === 'position')).toBe(false);
  });
});

describe('spot reservations', () => {
  test('a resting limit buy locks qty × price of quote and a cancel releases it', () => {
    const v = spotVenue({ balances: { USDT: '100000' } });
    const o = v.place({ type: 'limit', side: 'buy', qty: '1', price: '59000' });
    expect(o.status).toBe('new');
    expect(v.balance('USDT')).toMatchObject({ wallet: '100000', locked: '59000', available: '41000' });
    expect(v.engine.placeOrder({ symbol: BTC_SPOT, side: 'buy', type: 'limit', qty: '0.7', price: '59000', clientOrderId: 'too-much', nowMs: v.now })).toMatchObject({ ok: false, reason: 'insufficientBalance' });
    v.engine.cancelOrder({ symbol: BTC_SPOT, orderId: o.orderId, nowMs: v.now });
    expect(v.balance('USDT')).toMatchObject({ wallet: '100000', locked: '0', available: '100000' });
  });

  test('a resting limit sell locks base and fills as maker once the mid reaches it, consuming the lock', () => {
    const v = spotVenue({ balances: { BTC: '1', USDT: '0' } });
    const o = v.place({ type: 'limit', side: 'sell', qty: '0.4', price: '61000' });
    expect(v.balance('BTC')).toMatchObject({ wallet: '1', locked: '0.4', available: '0.6' });
    expect(v.engine.placeOrder({ symbol: BTC_SPOT, side: 'sell', type: 'market', qty: '0.6001', clientOrderId: 'oversell', nowMs: v.now })).toMatchObject({ ok: false, reason: 'insufficientBalance' });
    v.setMid(BTC_SPOT, 61000);
    v.engine.tick(2000);
    expect(v.engine.getOrder({ symbol: BTC_SPOT, orderId: o.orderId })).toMatchObject({ status: 'filled', avgPrice: '61000' });
    // 0.4 × 61000 = 24400; maker fee 2 bps = 4.88
    expect(v.engine.trades(BTC_SPOT)[0]).toMatchObject({ maker: true, fee: '4.88', feeAsset: 'USDT', timeMs: 2000 });
    expect(v.balance('BTC')).toMatchObject({ wallet: '0.6', locked: '0', available: '0.6' });
    expect(v.balance('USDT')).toMatchObject({ wallet: '24395.12', locked: '0' });
  });

  test('a GTC buy that takes part of its quantity keeps locked only what the rest may spend', () => {
    const v = spotVenue({ balances: { USDT: '200000' } });
    // 3 @ 60003 reserves 180009; 2 fill at 60003 (120006), 1 rests at 60003
    const o = v.place({ type: 'limit', side: 'buy', qty: '3', price: '60003' });
    expect(o).toMatchObject({ status: 'partiallyFilled', filledQty: '2' });
    expect(v.balance('USDT')).toMatchObject({ wallet: '79994', locked: '60003', available: '19991' });
    expect(v.balance('BTC').wallet).toBe('1.9992');
  });

  test('a limit buy below its limit frees the saving at once', () => {
    const v = spotVenue({ balances: { USDT: '400000' }, book: { levelQty: '1' } });
    // 3 @ 60015 takes 1 @ 60003, 1 @ 60009, 1 @ 60015: everything fills, nothing stays locked
    v.place({ type: 'limit', side: 'buy', qty: '3', price: '60015' });
    expect(v.balance('USDT')).toMatchObject({ wallet: '219973', locked: '0' });
    // 3 @ 60009 takes 1 @ 60003 and 1 @ 60009; the 1 left keeps 60009 locked, not 3 × 60009 − 120012 = 60015
    v.place({ type: 'limit', side: 'buy', qty: '3', price: '60009' });
    expect(v.balance('USDT')).toMatchObject({ wallet: '99961', locked: '60009', available: '39952' });
  });

  test('with fees in quote a limit buy also reserves the larger fee, rounded up, and is charged less, rounded down', () => {
    // Kraken-like: BTC/USD, fees in quote, taker 26 bps, maker 16 bps
    const v = spotVenue({ spotFeeAsset: 'quote', feeTakerBps: 26, feeMakerBps: 16, balances: { USD: '1000' } });
    v.setMid(BTC_USD, 61000);
    v.place({ symbol: BTC_USD, type: 'limit', side: 'buy', qty: '0.00012347', price: '60000.1' });
    // cost 7.408212347; 26 bps of it is 0.0192613521022 → up to 0.019261352103
    expect(v.balance('USD')).toMatchObject({ locked: '7.427473699103', available: '992.572526300897' });
    v.setMid(BTC_USD, 60000);
    v.engine.tick(2000);
    // maker: 16 bps of 7.408212347 is 0.0118531397552 → down to 0.011853139755
    expect(v.engine.trades(BTC_USD)[0]).toMatchObject({ maker: true, fee: '0.011853139755', feeAsset: 'USD' });
    expect(v.balance('USD')).toMatchObject({ wallet: '992.579934513245', locked: '0', available: '992.579934513245' });
    expect(v.balance('BTC').wallet).toBe('0.00012347');
  });
});

describe('spot validation', () => {
  test('rejects an order the free balance does not cover, whole, without using an order id', () => {
    const v = spotVenue({ balances: { USDT: '100000' } });
    // 2 BTC at market cost 2 × 60003 = 120006 > 100000
    expect(v.engine.placeOrder({ symbol: BTC_SPOT, side: 'buy', type: 'market', qty: '2', clientOrderId: 'big', nowMs: v.now })).toMatchObject({
      ok: false,
      reason: 'insufficientBalance',
      message: expect.stringContaining('120006 USDT, 100000 USDT free'),
    });
    expect(v.engine.placeOrder({ symbol: BTC_SPOT, side: 'sell', type: 'market', qty: '0.001', clientOrderId: 'no-coins', nowMs: v.now })).toMatchObject({ ok: false, reason: 'insufficientBalance' });
    expect(v.events).toEqual([]);
    expect(v.place({ side: 'buy', qty: '1', clientOrderId: 'big' }).orderId).toBe('1');
  });

  test('a market buy needs only what the book can fill', () => {
    const v = spotVenue({ balances: { USDT: '130000' }, book: { levels: 1 } });
    // 3 BTC at the mid would be 180000; the book holds 2 @ 60003 = 120006
    const o = v.place({ side: 'buy', qty: '3' });
    expect(o).toMatchObject({ status: 'expired', filledQty: '2' });
    expect(v.balance('USDT')).toMatchObject({ wallet: '9994', locked: '0' });
  });

  test('rejects reduce-only on spot with its own reason', () => {
    const v = spotVenue();
    expect(v.engine.placeOrder({ symbol: BTC_SPOT, side: 'sell', type: 'market', qty: '0.1', reduceOnly: true, clientOrderId: 'ro', nowMs: v.now })).toMatchObject({ ok: false, reason: 'reduceOnlyNotSupported' });
    expect(v.place({ side: 'sell', qty: '0.1', reduceOnly: false })).toMatchObject({ status: 'filled', reduceOnly: false });
  });

  test('applies the spot filters: step, minimum, tick and minimum notional', () => {
    const v = spotVenue();
    const place = (over: Record<string, unknown>) =>
      v.engine.placeOrder({ symbol: BTC_SPOT, side: 'buy', type: 'limit', qty: '0.001', price: '59000', clientOrderId: `f${JSON.stringify(over)}`, nowMs: v.now, ...over });
    expect(place({ qty: '0.000001' })).toMatchObject({ ok: false, reason: 'invalidQuantity' });
    expect(place({ price: '59000.001' })).toMatchObject({ ok: false, reason: 'invalidPrice' });
    expect(place({ qty: '0.00008' })).toMatchObject({ ok: false, reason: 'notionalTooSmall' }); // 4.72 < 5
    expect(place({ qty: '0.0001' })).toMatchObject({ ok: true }); // 5.9
  });

  test('refuses spot specs it cannot keep exact, spot starting positions, and a settle other than the quote', () => {
    const btc = spotMarketSpec(BTC_SPOT) as MarketSpec;
    const make = (markets: MarketSpec[], positions?: Array<{ symbol: string; size: string }>) => () =>
      createVenueEngine({ venueId: 'x', markets, balances: {}, midPrice: () => 1, ...(positions ? { positions } : {}) });
    expect(make([{ ...btc, settle: 'BTC' }])).toThrow(/must settle in its quote USDT/);
    expect(make([{ ...btc, qtyStep: '0.00000001', qtyMin: '0.00000001', priceTick: '0.00001' }])).toThrow(/more than 12 decimal places/);
    expect(make([btc], [{ symbol: BTC_SPOT, size: '1' }])).toThrow(/spot holdings are balances/);
  });
});

describe('spot events and history', () => {
  test('emits one balance event per touched asset after the order and fill events', () => {
    const v = spotVenue({ balances: { BTC: '2', USDT: '200000' } });
    v.place({ side: 'buy', qty: '3' });
    expect(v.events.map(shape)).toEqual(['order:new', 'fill:2', 'fill:1', 'order:filled', 'balance:BTC', 'balance:USDT']);
    v.events.length = 0;
    const rest = v.place({ type: 'limit', side: 'sell', qty: '1', price: '61000' });
    v.engine.cancelOrder({ symbol: BTC_SPOT, orderId: rest.orderId, nowMs: v.now });
    expect(v.events.map(shape)).toEqual(['order:new', 'balance:BTC', 'order:canceled', 'balance:BTC']);
    expect(v.events[1]).toMatchObject({ type: 'balance', balance: { asset: 'BTC', locked: '1', updatedMs: v.now } });
    v.events.length = 0;
    v.place({ type: 'limit', side: 'sell', qty: '1', price: '61000' });
    v.events.length = 0;
    v.setMid(BTC_SPOT, 61000);
    v.engine.tick(5000);
    expect(v.events.map(shape)).toEqual(['fill:1', 'order:filled', 'balance:BTC', 'balance:USDT']);
    expect(v.events[2]).toMatchObject({ balance: { locked: '0', updatedMs: 5000 } });
  });

  test('the account history answers spot balances and their locks as of the past', () => {
    const v = spotVenue({ balances: { USDT: '100000' } });
    const history = createAccountHistory(v.engine, 0);
    v.now = 1000;
    v.place({ side: 'buy', qty: '0.5' });
    v.now = 2000;
    v.place({ type: 'limit', side: 'sell', qty: '0.4', price: '61000' });
    v.setMid(BTC_SPOT, 61000);
    v.engine.tick(3000);
    const at = (t: number, asset: string) => history.asOf(t).balances(t).find((b) => b.asset === asset);
    expect(at(500, 'BTC')).toMatchObject({ wallet: '0', locked: '0' });
    expect(at(500, 'USDT')).toMatchObject({ wallet: '100000' });
    expect(at(1500, 'BTC')).toMatchObject({ wallet: '0.4998', locked: '0' });
    expect(at(1500, 'USDT')).toMatchObject({ wallet: '69998.5' });
    expect(at(2500, 'BTC')).toMatchObject({ wallet: '0.4998', locked: '0.4', available: '0.0998' });
    // 0.4 × 61000 = 24400 less 4.88 maker fee
    expect(at(3000, 'BTC')).toMatchObject({ wallet: '0.0998', locked: '0' });
    expect(at(3000, 'USDT')).toMatchObject({ wallet: '94393.62' });
    expect(history.asOf(3000).balances(3000)).toEqual(v.engine.balances(3000));
    expect(history.asOf(2500).positions(2500)).toEqual([]);
  });
});

describe('spot and perps in one engine (a unified account)', () => {
  const unified = (balances: Record<string, string>) => spotVenue({ markets: [...DEFAULT_MARKETS, ...DEFAULT_SPOT_MARKETS], balances });

  test('a shared exchange id names the perp; spot markets are found by symbol; every asset is listed', () => {
    const v = unified({ USDT: '1000' });
    expect(v.engine.market('BTCUSDT')).toMatchObject({ symbol: BTC, kind: 'linearPerp' });
    expect(v.engine.market(BTC_SPOT)).toMatchObject({ id: 'BTCUSDT', kind: 'spot' });
    expect(v.engine.market('BTCUSD')).toMatchObject({ symbol: BTC_USD, kind: 'spot' });
    expect(v.engine.balances(0).map((b) => b.asset)).toEqual(['BTC', 'ETH', 'USD', 'USDT']);
  });

  test('a spot order cannot spend margin in use, and perp orders see spot reservations as used', () => {
    const v = unified({ USDT: '1000' });
    v.place({ symbol: BTC, side: 'buy', qty: '0.16' });
    // as in engine.test.ts: wallet 996.159808, marginBalance 995.679808, initial margin 960
    expect(v.engine.placeOrder({ symbol: BTC_SPOT, side: 'buy', type: 'limit', qty: '0.001', price: '59000', clientOrderId: 'spot-big', nowMs: v.now })).toMatchObject({ ok: false, reason: 'insufficientBalance' });
    v.place({ symbol: BTC_SPOT, type: 'limit', side: 'buy', qty: '0.0005', price: '59000' }); // 29.5
    expect(v.balance('USDT')).toMatchObject({ initialMargin: '960', locked: '989.5', available: '6.179808' });
    // 0.002 BTC more of perp needs 12 of initial margin > 6.179808
    expect(v.engine.placeOrder({ symbol: BTC, side: 'buy', type: 'market', qty: '0.002', clientOrderId: 'perp-more', nowMs: v.now })).toMatchObject({ ok: false, reason: 'insufficientMargin' });
  });

  test('a liquidation cancels the spot orders that spend the liquidated asset', () => {
    const v = unified({ USDT: '1000' });
    v.place({ symbol: BTC, side: 'buy', qty: '0.16' });
    const spot = v.place({ symbol: BTC_SPOT, type: 'limit', side: 'buy', qty: '0.0005', price: '59000' });
    v.events.length = 0;
    v.setMid(BTC, 53992.9);
    v.engine.tick(3000);
    expect(v.engine.getOrder({ symbol: BTC_SPOT, orderId: spot.orderId })?.status).toBe('canceled');
    expect(v.events.some((e) => e.type === 'liquidation')).toBe(true);
    expect(v.balance('USDT')).toMatchObject({ wallet: '34.543808', locked: '0' });
    expect(v.events.filter((e) => e.type === 'balance').at(-1)).toMatchObject({ type: 'balance', balance: { asset: 'USDT', locked: '0' } });
    // The liquidation changed the margin asset's account: one margin sample, last.
    expect(v.events.at(-1)).toMatchObject({ type: 'margin', balance: { asset: 'USDT', initialMargin: '0', wallet: '34.543808' } });
  });

  test('a resting spot order whose funds realized perp losses took expires instead of filling', () => {
    const v = unified({ USDT: '1000' });
    const spot = v.place({ symbol: BTC_SPOT, type: 'limit', side: 'buy', qty: '0.01', price: '50000' }); // reserves 500
    v.place({ symbol: BTC, side: 'buy', qty: '0.08' }); // initial margin 480 of the 500 available
    v.setMid(BTC, 48800);
    v.engine.tick(2000); // margin balance ≈ 101.8 > maintenance ≈ 15.6: no liquidation
    v.place({ symbol: BTC, side: 'sell', qty: '0.08', reduceOnly: true });
    const wallet = v.balance('USDT').wallet;
    expect(Number(wallet)).toBeLessThan(500);
    v.setMid(BTC_SPOT, 50000);
    v.engine.tick(3000);
    expect(v.engine.getOrder({ symbol: BTC_SPOT, orderId: spot.orderId })?.status).toBe('expired');
    expect(v.engine.trades(BTC_SPOT)).toEqual([]);
    expect(v.balance('USDT')).toMatchObject({ wallet, locked: '0' });
  });
});

describe('default spot markets', () => {
  test('list BTC and ETH against USDT and USD, frozen, beside the unchanged perpetuals', () => {
    expect(DEFAULT_SPOT_MARKETS.map((m) => [m.symbol, m.id, m.kind, m.settle === m.quote])).toEqual([
      ['BTC/USDT', 'BTCUSDT', 'spot', true],
      ['ETH/USDT', 'ETHUSDT', 'spot', true],
      ['BTC/USD', 'BTCUSD', 'spot', true],
      ['ETH/USD', 'ETHUSD', 'spot', true],
    ]);
    expect(Object.isFrozen(DEFAULT_SPOT_MARKETS) && DEFAULT_SPOT_MARKETS.every((m) => Object.isFrozen(m))).toBe(true);
    expect(spotMarketSpec('BTCUSDT')?.symbol).toBe(BTC_SPOT);
    expect(spotMarketSpec('ETH/USD')?.id).toBe('ETHUSD');
    expect(spotMarketSpec(BTC)).toBeUndefined();
    expect(marketSpec('BTCUSDT')?.symbol).toBe(BTC);
    expect(marketSpec(BTC_SPOT)).toBeUndefined();
  });
});
