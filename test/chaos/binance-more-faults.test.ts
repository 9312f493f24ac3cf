import { describe, expect, test } from 'vitest';
import { ackLoss, clockSkew, errorRate, latency, maintenance, readLag, staleData } from '../../src/faults/index.ts';
import { VIRTUAL_EPOCH_MS } from '../../src/sim/virtual-clock.ts';
import { classChain, createVenueHarness, rejectionOf } from '../helpers/venue-harness.ts';

/**
 * Latency, lost acknowledgements, transient error rates and clock skew on the Binance USDⓈ-M
 * dialect, through the real transport and ccxt: what the client sees, what the venue's ground
 * truth says, and that each fault fired only inside its window.
 */

const T = 1_000;
const at = (ms: number) => VIRTUAL_EPOCH_MS + ms;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BTC = 'BTC/USDT:USDT';

describe('latency', () => {
  test('adds seeded log-normal delay inside its window and none outside it', async () => {
    const h = await createVenueHarness({ faults: [latency({ venue: 'primary', startMs: at(T), durationMs: 60_000, latencyMsMedian: 200, latencyMsP99: 2000 })] });
    const timed = async (): Promise<number> => {
      const t0 = Date.now();
      await h.call(() => h.exchange.fetchTime());
      return Date.now() - t0;
    };
    expect(await timed()).toBe(0); // before the window: the venue's own latency (0 here)
    await h.call(() => wait(T));
    const inside: number[] = [];
    for (let i = 0; i < 40; i++) inside.push(await timed());
    inside.sort((a, b) => a - b);
    const median = inside[20] ?? 0;
    expect(median).toBeGreaterThan(80);
    expect(median).toBeLessThan(500);
    expect(inside[39]).toBeGreaterThan(median);
    await h.call(() => wait(60_000));
    expect(await timed()).toBe(0); // after the window
  });
});

describe('latency beyond the client timeout', () => {
  test('a 20 s delay against a 10 s ccxt timeout raises RequestTimeout at +10 s and the venue never sees the order', async () => {
    const h = await createVenueHarness({ faults: [latency({ venue: 'primary', startMs: at(0), durationMs: 600_000, latencyMsMedian: 20_000, latencyMsP99: 20_000 })], loadMarkets: false });
    h.exchange.timeout = 10_000;
    const t0 = Date.now();
    const error = await rejectionOf(h.call(() => h.exchange.fetchTime()));
    expect(classChain(error)[0]).toBe('RequestTimeout');
    expect(Date.now() - t0).toBe(10_000);
    expect(h.trace.events.filter((e) => e.type === 'response').map((e) => e['outcome'])).toEqual(['timeout']);
  });
});

describe('ackLoss', () => {
  test('mode timeout: the client gets RequestTimeout while the venue filled the order, and fetchOrder by client order id finds it', async () => {
    const h = await createVenueHarness({ faults: [ackLoss({ venue: 'primary', startMs: at(T), durationMs: 60_000, mode: 'timeout' })] });
    await h.call(() => wait(T));
    const error = await rejectionOf(h.call(() => h.exchange.createOrder(BTC, 'market', 'buy', 0.01, undefined, { clientOrderId: 'lost-1' })));
    expect(classChain(error)[0]).toBe('RequestTimeout');
    // Ground truth: the fill happened.
    expect(h.engine.trades(BTC).map((f) => f.clientOrderId)).toEqual(['lost-1']);
    expect(h.engine.positions(Date.now()).find((p) => p.symbol === BTC)?.size).toBe('0.01');
    expect(h.trace.events.filter((e) => e.type === 'fault.ackLost')).toHaveLength(1);
    // Reads are not affected: the client can find out what happened.
    const order = await h.call(() => h.exchange.fetchOrder(undefined, BTC, { origClientOrderId: 'lost-1' }));
    expect(order.status).toBe('closed');
    expect(order.filled).toBe(0.01);
  });

  test('mode unknownStatus: Binance answers -1007 "execution status unknown" (ccxt RequestTimeout) and the order still executed', async () => {
    const h = await createVenueHarness({ faults: [ackLoss({ venue: 'primary', startMs: at(T), durationMs: 60_000, mode: 'unknownStatus' })] });
    await h.call(() => wait(T));
    const error = await rejectionOf(h.call(() => h.exchange.createOrder(BTC, 'market', 'sell', 0.02, undefined, { clientOrderId: 'lost-2' })));
    expect(classChain(error)[0]).toBe('RequestTimeout');
    expect(error.message).toMatch(/execution status unknown/);
    expect(h.engine.positions(Date.now()).find((p) => p.symbol === BTC)?.size).toBe('-0.02');
  });

  test('does not fire before its window', async () => {
    const h = await createVenueHarness({ faults: [ackLoss({ venue: 'primary', startMs: at(60_000), durationMs: 60_000 })] });
    const order = await h.call(() => h.exchange.createOrder(BTC, 'market', 'buy', 0.01));
    expect(order.status).toBe('closed');
    expect(h.trace.events.some((e) => e.type === 'fault.ackLost')).toBe(false);
  });
});

describe('errorRate', () => {
  test('probability 1 fails every request with a Binance 5xx (ExchangeNotAvailable) before the venue acts', async () => {
    const h = await createVenueHarness({ faults: [errorRate({ venue: 'primary', startMs: at(T), durationMs: 60_000, probability: 1 })] });
    await h.call(() => wait(T));
    const error = await rejectionOf(h.call(() => h.exchange.createOrder(BTC, 'market', 'buy', 0.01)));
    expect(classChain(error)[0]).toBe('ExchangeNotAvailable');
    expect(h.engine.trades(BTC)).toHaveLength(0);
  });

  test('probability 0.5 fails about half of the requests, each failure recorded in the trace', async () => {
    const h = await createVenueHarness({ faults: [errorRate({ venue: 'primary', startMs: at(T), durationMs: 600_000, probability: 0.5 })] });
    await h.call(() => wait(T));
    let failed = 0;
    for (let i = 0; i < 60; i++) {
      try {
        await h.call(() => h.exchange.fetchTime());
      } catch (error) {
        expect(classChain(error)[0]).toBe('ExchangeNotAvailable');
        failed += 1;
      }
    }
    expect(failed).toBeGreaterThan(15);
    expect(failed).toBeLessThan(45);
    expect(h.trace.events.filter((e) => e.type === 'fault.fired' && e['action'] === 'serverError')).toHaveLength(failed);
  });
});

describe('clockSkew', () => {
  test('signed requests outside recvWindow get Binance -1021 (ccxt InvalidNonce); fetchTime shows the skew; re-syncing fixes it', async () => {
    const h = await createVenueHarness({ faults: [clockSkew({ venue: 'primary', startMs: at(T), durationMs: 60_000, skewMs: 30_000 })] });
    expect((await h.call(() => h.exchange.fetchBalance())).USDT).toBeDefined();
    await h.call(() => wait(T));
    const error = await rejectionOf(h.call(() => h.exchange.fetchBalance()));
    expect(classChain(error)[0]).toBe('InvalidNonce');
    expect((await h.call(() => h.exchange.fetchTime())) - Date.now()).toBe(30_000);
    // The remedy a careful client applies: measure the offset and sign with the venue's time.
    await h.call(() => h.exchange.loadTimeDifference());
    expect((await h.call(() => h.exchange.fetchBalance())).USDT).toBeDefined();
  });
});

describe('maintenance phases', () => {
  test('cancelOnly: cancels work, new orders fail with "Market is closed." (ccxt MarketClosed), the status endpoint stays normal', async () => {
    const h = await createVenueHarness({ faults: [maintenance({ venue: 'primary', startMs: at(T), durationMs: 60_000, phase: 'cancelOnly' })] });
    const resting = await h.call(() => h.exchange.createOrder(BTC, 'limit', 'buy', 0.01, 50_000));
    await h.call(() => wait(T));
    const error = await rejectionOf(h.call(() => h.exchange.createOrder(BTC, 'limit', 'buy', 0.01, 50_000)));
    expect(classChain(error)[0]).toBe('MarketClosed');
    const canceled = await h.call(() => h.exchange.cancelOrder(resting.id, BTC));
    expect(canceled.status).toBe('canceled');
    expect((await h.call(() => h.exchange.fetchStatus())).status).toBe('ok');
    expect(h.engine.openOrders()).toHaveLength(0);
    expect(h.trace.events.filter((e) => e.type === 'fault.fired' && e['action'] === 'maintenance' && e['phase'] === 'cancelOnly').length).toBe(1); // the refused placement, not the cancel
  });

  test('reduceOnly: orders that would open risk get Binance -4400 (ccxt PermissionDenied); reduce-only orders go through', async () => {
    const h = await createVenueHarness({ faults: [maintenance({ venue: 'primary', startMs: at(T), durationMs: 60_000, phase: 'reduceOnly' })] });
    await h.call(() => h.exchange.createOrder(BTC, 'market', 'buy', 0.05));
    await h.call(() => wait(T));
    const error = await rejectionOf(h.call(() => h.exchange.createOrder(BTC, 'market', 'buy', 0.01)));
    expect(classChain(error)[0]).toBe('PermissionDenied');
    const reduce = await h.call(() => h.exchange.createOrder(BTC, 'market', 'sell', 0.02, undefined, { reduceOnly: true }));
    expect(reduce.status).toBe('closed');
    expect(h.engine.positions(Date.now()).find((p) => p.symbol === BTC)?.size).toBe('0.03');
  });

  test('postOnly: taker orders fail with MarketClosed, post-only (GTX) orders rest', async () => {
    const h = await createVenueHarness({ faults: [maintenance({ venue: 'primary', startMs: at(T), durationMs: 60_000, phase: 'postOnly' })] });
    await h.call(() => wait(T));
    const error = await rejectionOf(h.call(() => h.exchange.createOrder(BTC, 'market', 'buy', 0.01)));
    expect(classChain(error)[0]).toBe('MarketClosed');
    const maker = await h.call(() => h.exchange.createOrder(BTC, 'limit', 'buy', 0.01, 50_000, { timeInForce: 'GTX' }));
    expect(maker.status).toBe('open');
  });
});

describe('staleData', () => {
  test('tickers and books freeze at the window start while fills happen at the true, moving price', async () => {
    // The market jumps 5 % half a second into the stale window.
    const h = await createVenueHarness({ priceAt: (ms) => (ms < at(T + 500) ? 60_000 : 63_000), faults: [staleData({ venue: 'primary', startMs: at(T), durationMs: 60_000 })] });
    await h.call(() => wait(T + 1000));
    const ticker = await h.call(() => h.exchange.fetchTicker(BTC));
    const book = await h.call(() => h.exchange.fetchOrderBook(BTC));
    expect(ticker.last).toBe(60_000);
    expect(book.bids[0][0]).toBeLessThan(60_001);
    expect(book.timestamp).toBe(at(T));
    const order = await h.call(() => h.exchange.createOrder(BTC, 'market', 'buy', 0.01));
    expect(order.average).toBeGreaterThan(62_990);
    expect(h.trace.events.filter((e) => e.type === 'fault.fired' && e['action'] === 'staleData')).toHaveLength(2);
    await h.call(() => wait(60_000));
    expect((await h.call(() => h.exchange.fetchTicker(BTC))).last).toBe(63_000);
  });
});

describe('readLag', () => {
  test('a filled order is real before reads show it: fetchOrder says it does not exist, positions are old, until the lag passes', async () => {
    const h = await createVenueHarness({ faults: [readLag({ venue: 'primary', startMs: at(60_000), durationMs: 120_000, lagSec: 30 })] });
    await h.call(() => h.exchange.createOrder(BTC, 'market', 'buy', 0.01, undefined, { clientOrderId: 'before' }));
    await h.call(() => wait(60_000));
    const placed = await h.call(() => h.exchange.createOrder(BTC, 'market', 'buy', 0.02, undefined, { clientOrderId: 'lagged' }));
    expect(placed.status).toBe('closed'); // the write itself answers at once
    expect(h.engine.positions(Date.now()).find((p) => p.symbol === BTC)?.size).toBe('0.03'); // ground truth
    // Reads trail by 30 s: the new order "does not exist" yet, and the position is the old one.
    const error = await rejectionOf(h.call(() => h.exchange.fetchOrder(undefined, BTC, { origClientOrderId: 'lagged' })));
    expect(classChain(error)[0]).toBe('OrderNotFound');
    const positions = await h.call(() => h.exchange.fetchPositions([BTC]));
    expect(positions.find((p: { symbol: string }) => p.symbol === BTC)?.contracts).toBe(0.01);
    expect((await h.call(() => h.exchange.fetchMyTrades(BTC))).length).toBe(1);
    // 30 s later the reads catch up.
    await h.call(() => wait(30_000));
    expect((await h.call(() => h.exchange.fetchOrder(undefined, BTC, { origClientOrderId: 'lagged' }))).filled).toBe(0.02);
    expect((await h.call(() => h.exchange.fetchPositions([BTC]))).find((p: { symbol: string }) => p.symbol === BTC)?.contracts).toBe(0.03);
    expect(h.trace.events.filter((e) => e.type === 'fault.fired' && e['action'] === 'readLag').length).toBeGreaterThanOrEqual(5);
  });
});
