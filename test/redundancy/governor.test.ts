import { describe, expect, test } from 'vitest';
import { DEFAULT_BINANCE_LIMITS, RateGovernor, budgetsFromHeaders } from '../../src/redundancy/governor.ts';
import { DIALECT_REGISTRY, createDialectHarness } from '../helpers/dialects.ts';

/** Budgets read from the usage headers the real mocks send to real ccxt, and the two lanes. */

const entry = (name: string) => {
  const found = DIALECT_REGISTRY.find((e) => e.name === name);
  if (found === undefined) throw new Error(`no dialect ${name}`);
  return found;
};

describe('rate-limit governor', () => {
  test('reads Binance USDⓈ-M request weight and order counts, each good until the end of its fixed window', async () => {
    const h = await createDialectHarness(entry('binanceusdm'));
    await h.call(() => h.exchange.createOrder('BTC/USDT:USDT', 'market', 'buy', 0.01));
    const now = Date.now();
    const budgets = budgetsFromHeaders(h.exchange.last_response_headers, now, DEFAULT_BINANCE_LIMITS['binanceusdm']);
    const byName = Object.fromEntries(budgets.map((b) => [b.name, b]));
    expect(byName['orders10s']).toMatchObject({ used: 1, limit: 300, resetAtMs: Math.floor(now / 10_000) * 10_000 + 10_000 });
    expect(byName['orders1m']).toMatchObject({ used: 1, limit: 1200 });
    expect(byName['weight1m']?.limit).toBe(2400);
    expect(byName['weight1m']?.used).toBeGreaterThan(0);
  });

  test('reads Bybit\'s X-Bapi-Limit headers: the endpoint\'s limit and what is left of it', async () => {
    const h = await createDialectHarness(entry('bybit'));
    await h.call(() => h.exchange.createOrder('BTC/USDT:USDT', 'market', 'buy', 0.01));
    const [bapi] = budgetsFromHeaders(h.exchange.last_response_headers, Date.now());
    expect(bapi?.name).toBe('bapi');
    expect(bapi!.limit).toBeGreaterThan(0);
    expect(bapi!.used).toBeGreaterThanOrEqual(1);
    expect(bapi!.resetAtMs).toBeGreaterThan(Date.now());
  });

  test('when a budget is nearly spent, routine reads yield until it resets while orders still go', async () => {
    const h = await createDialectHarness(entry('binanceusdm'));
    const governor = new RateGovernor({ reserveFraction: 0.2 });
    // A venue that publishes a small weight budget: 50 per minute.
    governor.setLimits('primary', { weight1m: 50 });
    let reads = 0;
    while (governor.holdsBack('primary', 'routine', Date.now()) === undefined && reads < 50) {
      await h.call(() => h.exchange.fetchPositions(['BTC/USDT:USDT']));
      governor.observe('primary', h.exchange.last_response_headers, Date.now());
      reads += 1;
    }
    const held = governor.holdsBack('primary', 'routine', Date.now());
    expect(held?.name).toBe('weight1m');
    expect(held!.used).toBeGreaterThan(40);
    expect(held!.used).toBeLessThanOrEqual(50);
    expect(governor.holdsBack('primary', 'risk', Date.now())).toBeUndefined();
    expect(governor.firstYield('primary', held!)).toBe(true);
    expect(governor.firstYield('primary', held!)).toBe(false);
    // The minute ends: the count starts again and routine reads go.
    expect(governor.holdsBack('primary', 'routine', held!.resetAtMs)).toBeUndefined();
  });

  test('OKX and Kraken send no usage headers: nothing to hold back on', async () => {
    for (const name of ['okx', 'kraken']) {
      const h = await createDialectHarness(entry(name));
      await h.call(() => h.exchange.fetchBalance());
      expect(budgetsFromHeaders(h.exchange.last_response_headers, Date.now())).toEqual([]);
    }
  });
});
