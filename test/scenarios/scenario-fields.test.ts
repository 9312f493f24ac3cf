import { describe, expect, test } from 'vitest';
import type { Policy } from '../../src/redundancy/policy.ts';
import { parseScenario, type Scenario } from '../../src/scenario/index.ts';
import { inventoryFromScenario, runScenario } from '../../src/sim/run.ts';
import { createRng } from '../../src/sim/rng.ts';

/**
 * The scenario fields that shape a venue or the desk's flow, each proved on a real run: a venue's
 * basis and spread move the prices it fills at, its rate-limit tier scales the budgets its
 * dialect enforces, and an inventory flow is a seeded, reproducible stream of client trades.
 */

function scenario(yaml: string): Scenario {
  const result = parseScenario(yaml, 'test.yaml');
  if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2));
  return result.scenario;
}

const ONE_VENUE = (venueExtra: string, rest = ''): string => `
name: fields
seed: 7
durationSec: 2m
market: { priceStart: 60000, volatilityAnnual: 0 }
venues:
  - { id: solo, dialect: binanceusdm, balances: { USDT: 1000000 }${venueExtra} }
limits: { netBaseMax: 0.1, hedgeWithinSec: 30 }
${rest}`;

describe('venue basis and spread', () => {
  async function hedgeFillPrice(venueExtra: string): Promise<number> {
    const result = await runScenario(scenario(ONE_VENUE(venueExtra, 'inventory: [{ atSec: 0, base: 1 }]')));
    expect(result.outcome).toBe('passed');
    const fills = result.trace.events.filter((e) => e.type === 'venue.fill');
    expect(fills.length).toBeGreaterThan(0);
    // The desk is long 1 BTC of inventory: the hedge sells on the venue.
    expect(fills.every((f) => f['side'] === 'sell')).toBe(true);
    return Number(fills[0]!['price']);
  }

  test('the hedge sells at the venue mid less half its spread; basis shifts the mid', async () => {
    const plain = await hedgeFillPrice('');
    const wide = await hedgeFillPrice(', spreadBps: 50');
    const premium = await hedgeFillPrice(', basisBps: 100, spreadBps: 50');
    // Defaults: 1 bps spread around the market's mid (tick 0.1, rounded outward).
    expect(plain).toBeCloseTo(60000 * (1 - 0.00005), 0);
    expect(wide).toBeCloseTo(60000 * (1 - 0.0025), 0);
    expect(premium).toBeCloseTo(60000 * 1.01 * (1 - 0.0025), 0);
    expect(premium).toBeGreaterThan(wide);
    expect(wide).toBeLessThan(plain);
  });
});

describe('rate-limit tier', () => {
  /** Asks for the 1000-level book (weight 20 on Binance USDⓈ-M) `n` times in one minute; counts refusals. */
  function hammer(n: number, refused: string[]): Policy {
    return {
      name: 'book-hammer',
      async start(ctx) {
        const venue = ctx.venues[0]!;
        await venue.exchange.loadMarkets();
        // ccxt's own throttle would spread the calls over minutes: a client that skips it.
        venue.exchange.enableRateLimit = false;
        // Start on a fresh minute, as the venue's counters reset on the minute.
        await ctx.clock.sleep(60_000 - (ctx.clock.now() % 60_000) + 10);
        for (let i = 0; i < n; i++) {
          try {
            await venue.exchange.fetchOrderBook(venue.symbol, 1000);
          } catch (error) {
            refused.push(`${(error as Error).constructor.name}: ${(error as Error).message}`);
          }
        }
      },
    };
  }

  test('a 50 % tier halves the weight budget: the 61st heavy book read in a minute is refused', async () => {
    const standard: string[] = [];
    const halved: string[] = [];
    await runScenario(scenario(ONE_VENUE('')), { policy: hammer(61, standard) });
    await runScenario(scenario(ONE_VENUE(', rateLimitTierPct: 50')), { policy: hammer(61, halved) });
    // 2400 weight/min published: 61 × 20 = 1220 fits. At 50 %: 1200, so exactly the 61st is refused.
    expect(standard).toEqual([]);
    // ccxt's class for Binance's 429 -1003; the venue states the budget it enforces.
    expect(halved).toHaveLength(1);
    expect(halved[0]).toMatch(/^DDoSProtection: .*"code":-1003/);
    expect(halved[0]).toContain('current limit is 1200 request weight per 1 MINUTE');
  });

  test('a raised tier lifts the budget above the published one', async () => {
    const standard: string[] = [];
    const raised: string[] = [];
    await runScenario(scenario(ONE_VENUE('')), { policy: hammer(125, standard) });
    await runScenario(scenario(ONE_VENUE(', rateLimitTierPct: 200')), { policy: hammer(125, raised) });
    // 125 × 20 = 2500 > 2400: the standard tier refuses from the 121st on; 4800 takes them all.
    expect(standard.length).toBeGreaterThan(0);
    expect(raised).toEqual([]);
  });
});

describe('inventory flow', () => {
  const FLOW = ONE_VENUE('', 'inventory:\n  - { atSec: 10, flow: { durationSec: 100, ratePerHour: 720, baseMax: 0.2, buyPct: 70 } }\n');

  test('expands to seeded trades inside its window, sized in (0, baseMax], the same for the same seed', () => {
    const s = scenario(FLOW);
    const trades = inventoryFromScenario(s, createRng(s.seed));
    // 720/h over 100 s: 20 expected; a seeded draw, so a range rather than a number.
    expect(trades.length).toBeGreaterThan(5);
    expect(trades.length).toBeLessThan(50);
    for (const t of trades) {
      expect(t.atMs).toBeGreaterThanOrEqual(10_000);
      expect(t.atMs).toBeLessThan(110_000);
      expect(Math.abs(t.base)).toBeGreaterThan(0);
      expect(Math.abs(t.base)).toBeLessThanOrEqual(0.2);
    }
    expect(trades.map((t) => t.atMs)).toEqual([...trades.map((t) => t.atMs)].sort((a, b) => a - b));
    expect(inventoryFromScenario(s, createRng(s.seed))).toEqual(trades);
    expect(inventoryFromScenario(s, createRng(s.seed + 1))).not.toEqual(trades);
  });

  test('buyPct sets the direction; a step added beside the flow does not move its trades', () => {
    const s = scenario(FLOW);
    const trades = inventoryFromScenario(s, createRng(1));
    const allBuys = scenario(FLOW.replace('buyPct: 70', 'buyPct: 100'));
    expect(inventoryFromScenario(allBuys, createRng(1)).every((t) => t.base > 0)).toBe(true);
    const allSells = scenario(FLOW.replace('buyPct: 70', 'buyPct: 0'));
    expect(inventoryFromScenario(allSells, createRng(1)).every((t) => t.base < 0)).toBe(true);

    const withStep = scenario(FLOW.replace('inventory:\n', 'inventory:\n  - { atSec: 5, base: 1 }\n'));
    const expanded = inventoryFromScenario(withStep, createRng(1));
    expect(expanded[0]).toEqual({ atMs: 5000, base: 1, asset: 'BTC' });
    expect(expanded.slice(1)).toEqual(trades);
  });

  test('a run feeds every trade to the desk and the reference engine hedges the flow', async () => {
    const s = scenario(FLOW);
    const result = await runScenario(s);
    const trades = inventoryFromScenario(s, createRng(s.seed));
    const seen = result.trace.events.filter((e) => e.type === 'inventory');
    expect(seen.map((e) => [e.tMs, e['deltaBase']])).toEqual(trades.map((t) => [t.atMs, t.base]));
    expect(result.outcome).toBe('passed');
    expect(result.trace.events.some((e) => e.type === 'venue.fill')).toBe(true);
    // Same scenario, same seed: the same run.
    expect((await runScenario(s)).traceHash).toBe(result.traceHash);
  });
});
