import ccxt from 'ccxt';
import { describe, expect, test } from 'vitest';
import { maintenance, outage, rateLimit } from '../../src/faults/index.ts';
import { VIRTUAL_EPOCH_MS } from '../../src/sim/virtual-clock.ts';
import { classChain, createVenueHarness, rejectionOf } from '../helpers/venue-harness.ts';

/**
 * Each fault kind and mode on the Binance USDⓈ-M dialect, through the real transport and the real
 * ccxt client: the exact exception class from shared/reference/fault-dialects.md, and proof in the
 * trace that the fault fired (a chaos test that cannot see its fault proves nothing).
 */

const T = 1_000; // faults start 1 s into the run, after loadMarkets
const window = (ms = 60_000) => ({ venue: 'primary', durationMs: ms });

function fired(trace: { events: readonly Record<string, unknown>[] }, action: string): number {
  return trace.events.filter((e) => e['type'] === 'fault.fired' && e['action'] === action).length;
}

describe('outage on binanceusdm', () => {
  test.each([
    ['refused', 'refuse', 'NetworkError', /ECONNREFUSED/],
    ['reset', 'reset', 'NetworkError', /other side closed/],
  ] as const)('mode %s raises ccxt %s', async (mode, action, cls, message) => {
    const hf = await createVenueHarness({ faults: [outage({ ...window(), startMs: VIRTUAL_EPOCH_MS + T, mode })] });
    await hf.call(() => new Promise((r) => setTimeout(r, T)));
    const error = await rejectionOf(hf.call(() => hf.exchange.fetchTicker('BTC/USDT:USDT')));
    expect(classChain(error)[0]).toBe(cls);
    expect(error).toBeInstanceOf(ccxt.NetworkError);
    expect(error.message).toMatch(message);
    expect(fired(hf.trace, action)).toBe(1);
  });

  test('mode timeout raises RequestTimeout at exactly +10 s virtual, in well under a second of wall time', async () => {
    const h = await createVenueHarness({ faults: [outage({ venue: 'primary', startMs: VIRTUAL_EPOCH_MS, durationMs: 60_000, mode: 'timeout' })], loadMarkets: false });
    h.exchange.timeout = 10_000;
    const v0 = Date.now();
    const w0 = performance.now();
    const error = await rejectionOf(h.call(() => h.exchange.fetchTime()));
    const wallMs = performance.now() - w0;
    expect(classChain(error)[0]).toBe('RequestTimeout');
    expect(Date.now() - v0).toBe(10_000);
    expect(wallMs).toBeLessThan(1000);
    expect(fired(h.trace, 'hang')).toBe(1);
    expect(h.trace.events.some((e) => e.type === 'response' && e['outcome'] === 'timeout')).toBe(true);
  });

  test('mode http5xx raises ExchangeNotAvailable for each of the JSON, HTML and empty 5xx bodies', async () => {
    const h = await createVenueHarness({ faults: [outage({ venue: 'primary', startMs: VIRTUAL_EPOCH_MS + T, durationMs: 600_000, mode: 'http5xx' })] });
    await h.call(() => new Promise((r) => setTimeout(r, T)));
    const statuses = new Set<number>();
    for (let i = 0; i < 30 && statuses.size < 3; i++) {
      const error = await rejectionOf(h.call(() => h.exchange.fetchTicker('BTC/USDT:USDT')));
      expect(classChain(error)[0]).toBe('ExchangeNotAvailable');
      const last = h.trace.events.filter((e) => e.type === 'response').at(-1);
      statuses.add(Number(last?.['status']));
    }
    expect([...statuses].sort()).toEqual([500, 502, 503]);
    expect(fired(h.trace, 'serverError')).toBeGreaterThanOrEqual(3);
  });
});

describe('rateLimit on binanceusdm', () => {
  test('a 429 raises DDoSProtection (as ccxt does for any Binance 429) with Retry-After visible in the headers', async () => {
    const h = await createVenueHarness({ faults: [rateLimit({ venue: 'primary', startMs: VIRTUAL_EPOCH_MS + T, durationMs: 60_000, retryAfterSec: 10, banSec: 120 })] });
    await h.call(() => new Promise((r) => setTimeout(r, T)));
    const error = await rejectionOf(h.call(() => h.exchange.fetchTicker('BTC/USDT:USDT')));
    expect(classChain(error)[0]).toBe('DDoSProtection');
    const headers = Object.fromEntries(Object.entries(h.exchange.last_response_headers as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    expect(headers['retry-after']).toBe('10');
    expect(headers['x-mbx-used-weight-1m']).toBeDefined();
    expect(fired(h.trace, 'rateLimited')).toBe(1);
  });

  test('a client that ignores Retry-After is banned with 418, and the ban outlasts the 429 window', async () => {
    const h = await createVenueHarness({ faults: [rateLimit({ venue: 'primary', startMs: VIRTUAL_EPOCH_MS + T, durationMs: 20_000, retryAfterSec: 10, banSec: 120 })] });
    await h.call(() => new Promise((r) => setTimeout(r, T)));
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      await rejectionOf(h.call(() => h.exchange.fetchTime()));
      statuses.push(Number(h.trace.events.filter((e) => e.type === 'response').at(-1)?.['status']));
    }
    expect(statuses).toEqual([429, 429, 429, 418]);
    // 60 s later the 429 window (20 s) is long over, but the ban answers.
    await h.call(() => new Promise((r) => setTimeout(r, 60_000)));
    const error = await rejectionOf(h.call(() => h.exchange.fetchTime()));
    expect(classChain(error)[0]).toBe('DDoSProtection');
    expect(error.message).toMatch(/banned until/);
    // The ban was earned inside the window (the fault fired); later the venue enforces the client's own ban.
    expect(fired(h.trace, 'banned')).toBe(1);
    expect(h.trace.events.filter((e) => e.type === 'limit.enforced' && e['action'] === 'banned')).toHaveLength(1);
  });

  test('a client that honours Retry-After is never banned', async () => {
    const h = await createVenueHarness({ faults: [rateLimit({ venue: 'primary', startMs: VIRTUAL_EPOCH_MS + T, durationMs: 60_000, retryAfterSec: 10, banSec: 120 })] });
    await h.call(() => new Promise((r) => setTimeout(r, T)));
    for (let i = 0; i < 8; i++) {
      await rejectionOf(h.call(() => h.exchange.fetchTime())).catch(() => undefined);
      const retryAfter = Number(h.exchange.last_response_headers?.['Retry-After'] ?? h.exchange.last_response_headers?.['retry-after'] ?? 0);
      await h.call(() => new Promise((r) => setTimeout(r, retryAfter * 1000 + 1)));
    }
    const statuses = h.trace.events.filter((e) => e.type === 'response').map((e) => e['status']);
    expect(statuses).not.toContain(418);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
  });
});

describe('maintenance on binanceusdm', () => {
  test('the status endpoint reports it and trading is refused with OnMaintenance', async () => {
    const h = await createVenueHarness({ faults: [maintenance({ venue: 'primary', startMs: VIRTUAL_EPOCH_MS + T, durationMs: 60_000 })] });
    expect((await h.call(() => h.exchange.fetchStatus())).status).toBe('ok');
    await h.call(() => new Promise((r) => setTimeout(r, T)));
    expect((await h.call(() => h.exchange.fetchStatus())).status).toBe('maintenance');
    const error = await rejectionOf(h.call(() => h.exchange.createOrder('BTC/USDT:USDT', 'market', 'buy', 0.01)));
    expect(classChain(error)[0]).toBe('OnMaintenance');
    // Market data keeps flowing during maintenance.
    expect((await h.call(() => h.exchange.fetchTicker('BTC/USDT:USDT'))).last).toBeGreaterThan(0);
    expect(fired(h.trace, 'maintenance')).toBe(1);
    // The engine never saw the refused order.
    expect(h.engine.openOrders().length + h.engine.trades('BTC/USDT:USDT').length).toBe(0);
  });
});

describe('partial outages and CDN errors on binanceusdm', () => {
  test('scope orders: order placement fails while market data and account reads keep working', async () => {
    const h = await createVenueHarness({ faults: [outage({ venue: 'primary', startMs: VIRTUAL_EPOCH_MS + T, durationMs: 60_000, mode: 'refused', scope: 'orders' })] });
    await h.call(() => new Promise((r) => setTimeout(r, T)));
    expect((await h.call(() => h.exchange.fetchTicker('BTC/USDT:USDT'))).last).toBeGreaterThan(0);
    expect((await h.call(() => h.exchange.fetchBalance())).USDT).toBeDefined();
    const error = await rejectionOf(h.call(() => h.exchange.createOrder('BTC/USDT:USDT', 'market', 'buy', 0.01)));
    expect(classChain(error)[0]).toBe('NetworkError');
    expect(fired(h.trace, 'refuse')).toBe(1);
  });

  test('scope marketData: prices are down while orders go through', async () => {
    const h = await createVenueHarness({ faults: [outage({ venue: 'primary', startMs: VIRTUAL_EPOCH_MS + T, durationMs: 60_000, mode: 'http5xx', scope: 'marketData' })] });
    await h.call(() => new Promise((r) => setTimeout(r, T)));
    const error = await rejectionOf(h.call(() => h.exchange.fetchOrderBook('BTC/USDT:USDT')));
    expect(classChain(error)[0]).toBe('ExchangeNotAvailable');
    expect((await h.call(() => h.exchange.createOrder('BTC/USDT:USDT', 'market', 'buy', 0.01))).status).toBe('closed');
    expect(fired(h.trace, 'serverError')).toBe(1);
  });

  test('mode cdn: the CDN error page raises ExchangeNotAvailable for 502/503 and RequestTimeout for 504', async () => {
    const h = await createVenueHarness({ faults: [outage({ venue: 'primary', startMs: VIRTUAL_EPOCH_MS + T, durationMs: 600_000, mode: 'cdn' })] });
    await h.call(() => new Promise((r) => setTimeout(r, T)));
    const byStatus = new Map<number, string>();
    for (let i = 0; i < 30 && byStatus.size < 3; i++) {
      const error = await rejectionOf(h.call(() => h.exchange.fetchTime()));
      const status = Number(h.trace.events.filter((e) => e.type === 'response').at(-1)?.['status']);
      byStatus.set(status, classChain(error)[0] ?? '');
    }
    expect(Object.fromEntries(byStatus)).toEqual({ 502: 'ExchangeNotAvailable', 503: 'ExchangeNotAvailable', 504: 'RequestTimeout' });
  });
});
