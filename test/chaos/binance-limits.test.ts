import { describe, expect, test } from 'vitest';
import { BINANCE_USDM_LIMITS } from '../../mocks/binance/limits.ts';
import { rateLimit } from '../../src/faults/index.ts';
import { VIRTUAL_EPOCH_MS } from '../../src/sim/virtual-clock.ts';
import { classChain, createVenueHarness, rejectionOf, type VenueHarness } from '../helpers/venue-harness.ts';

/**
 * Binance USDⓈ-M's own rate limits, enforced continuously (no scripted fault needed): request
 * weight per minute per IP, orders per 10 s and per minute per account, 429s earned by usage,
 * the usage headers as the venue counts, and the 418 ban ladder for a client that keeps going.
 */

const BTC = 'BTC/USDT:USDT';
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** `GET /fapi/v1/depth?limit=1000` costs 20 weight (Binance's published weight; mocks/binance/routes.ts). */
const DEPTH_1000_WEIGHT = 20;

const lower = (h: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), v]));

/** Moves virtual time to the start of the next minute (Binance's weight window). */
async function toNextMinute(h: VenueHarness): Promise<void> {
  await h.call(() => wait(60_000 - ((Date.now() - VIRTUAL_EPOCH_MS) % 60_000)));
}

function statuses(h: VenueHarness, fromSeq = 0): number[] {
  return h.trace.events.filter((e) => e.type === 'response' && Number(e['seq']) >= fromSeq).map((e) => Number(e['status']));
}

describe('request weight per minute (2400 per IP)', () => {
  test('X-MBX-USED-WEIGHT-1M counts exactly the weights spent this minute, and the 121st depth(1000) call is refused 429 -1003', async () => {
    const h = await createVenueHarness();
    await toNextMinute(h);
    for (let i = 1; i <= 3; i++) {
      await h.call(() => h.exchange.fetchOrderBook(BTC, 1000));
      expect(lower(h.exchange.last_response_headers)['x-mbx-used-weight-1m']).toBe(String(i * DEPTH_1000_WEIGHT));
    }
    await h.call(() => h.exchange.fetchTime()); // weight 1
    expect(lower(h.exchange.last_response_headers)['x-mbx-used-weight-1m']).toBe(String(3 * DEPTH_1000_WEIGHT + 1));

    await h.call(() => wait(15_000)); // same minute: the budget is shared by time, not reset per call
    const fits = Math.floor((2400 - 3 * DEPTH_1000_WEIGHT - 1) / DEPTH_1000_WEIGHT); // 116 more fit
    for (let i = 0; i < fits; i++) await h.call(() => h.exchange.fetchOrderBook(BTC, 1000));
    expect(lower(h.exchange.last_response_headers)['x-mbx-used-weight-1m']).toBe(String((3 + fits) * DEPTH_1000_WEIGHT + 1));

    const error = await rejectionOf(h.call(() => h.exchange.fetchOrderBook(BTC, 1000)));
    expect(classChain(error)[0]).toBe('DDoSProtection');
    expect(error.message).toContain('"code":-1003');
    expect(error.message).toContain('current limit is 2400 request weight per 1 MINUTE');
    // Retry-After = the rest of the minute (15 s spent of it).
    expect(lower(h.exchange.last_response_headers)['retry-after']).toBe('45');
    const enforced = h.trace.events.filter((e) => e.type === 'limit.enforced');
    expect(enforced).toEqual([expect.objectContaining({ action: 'rateLimited', rule: 'weight1m', limit: 2400 })]);
    // Not a scripted fault: nothing "fired".
    expect(h.trace.events.filter((e) => e.type === 'fault.fired')).toEqual([]);

    // A cheaper request still fits the remaining weight; the next minute the budget is whole again.
    await h.call(() => h.exchange.fetchTime());
    await toNextMinute(h);
    await h.call(() => h.exchange.fetchOrderBook(BTC, 1000));
    expect(lower(h.exchange.last_response_headers)['x-mbx-used-weight-1m']).toBe(String(DEPTH_1000_WEIGHT));
  });
});

describe('order counts per account (300 per 10 s, 1200 per minute)', () => {
  test('the 301st order inside 10 s is refused 429 -1015 and never reaches the book; X-MBX-ORDER-COUNT-10S counts them', async () => {
    const h = await createVenueHarness();
    await toNextMinute(h);
    for (let i = 1; i <= 300; i++) {
      await h.call(() => h.exchange.createOrder(BTC, 'market', i % 2 === 0 ? 'sell' : 'buy', 0.002));
    }
    const headers = lower(h.exchange.last_response_headers);
    expect([headers['x-mbx-order-count-10s'], headers['x-mbx-order-count-1m']]).toEqual(['300', '300']);
    const trades = h.engine.trades(BTC).length;
    const error = await rejectionOf(h.call(() => h.exchange.createOrder(BTC, 'market', 'buy', 0.002)));
    expect(classChain(error)[0]).toBe('DDoSProtection');
    expect(error.message).toContain('{"code":-1015,"msg":"Too many new orders; current limit is 300 orders per TEN_SECONDS."}');
    expect(lower(h.exchange.last_response_headers)['retry-after']).toBe('10');
    expect(h.engine.trades(BTC).length, 'the refused order never executed').toBe(trades);
    // Orders weigh 0 on the IP budget: reads still work while the order budget is spent.
    await h.call(() => h.exchange.fetchTicker(BTC));
    // After the 10 s window the orders flow again (the per-minute budget has room).
    await h.call(() => wait(10_000));
    await h.call(() => h.exchange.createOrder(BTC, 'market', 'buy', 0.002));
    expect(lower(h.exchange.last_response_headers)['x-mbx-order-count-1m']).toBe('301');
  });
});

describe('a scripted budget (rateLimit with budgetPct)', () => {
  test('budgetPct: 10 shrinks the order budget to 30 per 10 s inside the window only; the refusal is the fault firing', async () => {
    const start = VIRTUAL_EPOCH_MS + 60_000;
    const fault = rateLimit({ venue: 'primary', startMs: start, durationMs: 60_000, budgetPct: 10 });
    const h = await createVenueHarness({ faults: [fault] });
    // Before the window 40 orders in 10 s are fine.
    for (let i = 0; i < 40; i++) await h.call(() => h.exchange.createOrder(BTC, 'market', i % 2 === 0 ? 'buy' : 'sell', 0.002));
    await toNextMinute(h);
    for (let i = 0; i < 30; i++) await h.call(() => h.exchange.createOrder(BTC, 'market', i % 2 === 0 ? 'buy' : 'sell', 0.002));
    const error = await rejectionOf(h.call(() => h.exchange.createOrder(BTC, 'market', 'buy', 0.002)));
    expect(error.message).toContain('current limit is 30 orders per TEN_SECONDS');
    expect(h.trace.events.filter((e) => e.type === 'fault.fired')).toEqual([
      expect.objectContaining({ faultId: fault.id, action: 'rateLimited' }),
    ]);
    // After the window: the published 300 again.
    await h.call(() => wait(60_000));
    for (let i = 0; i < 40; i++) await h.call(() => h.exchange.createOrder(BTC, 'market', i % 2 === 0 ? 'buy' : 'sell', 0.002));
    expect(lower(h.exchange.last_response_headers)['x-mbx-order-count-10s']).toBe('40');
  });
});

describe('the ban ladder (418, from 2 minutes up to 3 days)', () => {
  test('a client that keeps sending after a 429 is banned; each new ban is longer than the last', async () => {
    const h = await createVenueHarness();
    const banLengths: number[] = [];
    for (let round = 0; round < 3; round++) {
      await toNextMinute(h);
      // Spend the minute's weight, then keep hammering through the 429s.
      const seq = h.trace.events.length;
      for (let i = 0; i < 120 + BINANCE_USDM_LIMITS.ignoredMax + 2; i++) {
        await h.call(() => h.exchange.fetchOrderBook(BTC, 1000)).catch(() => undefined);
      }
      const seen = statuses(h, seq);
      expect(seen.filter((s) => s === 429).length).toBe(BINANCE_USDM_LIMITS.ignoredMax + 1);
      expect(seen.at(-1)).toBe(418);
      const retryAfter = Number(lower(h.exchange.last_response_headers)['retry-after']);
      banLengths.push(retryAfter);
      const state = h.faults.rateLimitState('primary');
      // Banned means banned: even the cheapest request, until the ban ends.
      const error = await rejectionOf(h.call(() => h.exchange.fetchTime()));
      expect(error.message).toMatch(/IP banned until/);
      await h.call(() => wait(state.bannedUntilMs - Date.now()));
      await h.call(() => h.exchange.fetchTime());
    }
    expect(banLengths).toEqual([120, 240, 480]);
    expect(BINANCE_USDM_LIMITS.banLadderSec.at(-1)).toBe(3 * 24 * 3600);
  });

  test('a client that honours Retry-After after its 429 is never banned', async () => {
    const h = await createVenueHarness();
    await toNextMinute(h);
    for (let i = 0; i < 400; i++) {
      try {
        await h.call(() => h.exchange.fetchOrderBook(BTC, 1000));
      } catch {
        const retryAfter = Number(lower(h.exchange.last_response_headers)['retry-after']);
        await h.call(() => wait(retryAfter * 1000));
      }
    }
    const seen = statuses(h);
    expect(seen.filter((s) => s === 429).length).toBeGreaterThanOrEqual(3);
    expect(seen).not.toContain(418);
    expect(h.faults.rateLimitState('primary').numBans).toBe(0);
  });
});
