import { describe, expect, test } from 'vitest';
import type { Policy, PolicyAsset, PolicyContext } from '../../src/redundancy/policy.ts';
import { parseScenario, type Scenario } from '../../src/scenario/index.ts';
import { createPricePath } from '../../src/market/price-path.ts';
import { createRng } from '../../src/sim/rng.ts';
import { runScenario } from '../../src/sim/run.ts';
import type { TraceEvent } from '../../src/sim/trace.ts';

/**
 * Several markets in one run (BTC and ETH hedged together), through the runner with real ccxt
 * against the mocks: each coin has its own price path, inventory, limits and instrument per
 * venue, and the invariants judge each coin on its own. Price gaps: the market stops printing
 * and reopens elsewhere. The reference engine's own multi-coin behaviour is in
 * test/policies/reference-multi-asset.test.ts.
 */

function scenario(yaml: string): Scenario {
  const parsed = parseScenario(yaml, 'multi-market.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors, null, 2));
  return parsed.scenario;
}

const TWO_COINS = `name: two-coins
seed: 11
durationSec: 120
market:
  - { symbol: BTC/USDT:USDT, priceStart: 60000 }
  - { symbol: ETH/USDT:USDT, priceStart: 3000, volatilityAnnual: 0.9 }
venues:
  - { id: primary, dialect: binanceusdm }
  - { id: spot, dialect: kraken, symbol: [BTC/USD, ETH/USD], balances: { USD: 500000 } }
inventory:
  - { atSec: 0, base: 1 }
  - { atSec: 0, asset: ETH, base: 12 }
  - { atSec: 60, asset: ETH, base: -2 }
limits:
  netBaseMax: 0.1
  hedgeWithinSec: 30
  assets:
    ETH: { netBaseMax: 1, grossBaseMaxPerVenue: 40 }
`;

/**
 * Hedges the coins in `coins` (default: every coin) on the first venue with market orders, checking
 * once a second, and samples every coin's ticker there every 10 s from +0.5 s (its own loop, so
 * the samples fall at the same virtual times whatever the hedging does).
 */
function hedger(opts: { coins?: (assets: readonly PolicyAsset[]) => readonly PolicyAsset[]; seen?: (ctx: PolicyContext) => void } = {}): Policy {
  return {
    name: 'test-hedger',
    start(c) {
      opts.seen?.(c);
      const venue = c.venues[0]!;
      const hedged = new Map<string, number>();
      const failed = (error: unknown): void => {
        if (!c.signal.aborted) c.reportError(error);
      };
      void (async () => {
        const t0 = c.clock.now();
        for (let n = 0; !c.signal.aborted; n++) {
          await c.clock.sleep(t0 + 500 + n * 10_000 - c.clock.now());
          for (const asset of c.assets) {
            const ticker = await venue.exchange.fetchTicker(asset.venueSymbols[venue.id]);
            c.log('ticker', { asset: asset.asset, last: ticker.last });
          }
        }
      })().catch(failed);
      void (async () => {
        while (!c.signal.aborted) {
          for (const asset of opts.coins?.(c.assets) ?? c.assets) {
            const need = -(asset.inventoryBase() + (hedged.get(asset.asset) ?? 0));
            if (Math.abs(need) < 1e-9) continue;
            await venue.exchange.createOrder(asset.venueSymbols[venue.id], 'market', need > 0 ? 'buy' : 'sell', Math.abs(need));
            hedged.set(asset.asset, (hedged.get(asset.asset) ?? 0) + need);
          }
          await c.clock.sleep(1_000);
        }
      })().catch(failed);
    },
  };
}

const of = (events: readonly TraceEvent[], type: string): TraceEvent[] => events.filter((e) => e.type === type);
const tickers = (events: readonly TraceEvent[], asset: string): number[] => of(events, 'decision').filter((e) => e['message'] === 'ticker' && e['asset'] === asset).map((e) => Number(e['last']));

describe('several markets in one run', () => {
  test('the policy sees every coin: its market, instrument per venue, limits and inventory', async () => {
    let seen: PolicyContext | undefined;
    const changes: Array<{ asset: string; deltaBase: number; inventoryBase: number }> = [];
    const base = hedger({ seen: (c) => (seen = c) });
    const result = await runScenario(scenario(TWO_COINS), {
      policy: { ...base, onInventoryChange: (change) => void changes.push({ asset: change.asset, deltaBase: change.deltaBase, inventoryBase: change.inventoryBase }) },
    });
    expect(seen!.assets.map((a) => [a.asset, a.symbol, a.venueSymbols])).toEqual([
      ['BTC', 'BTC/USDT:USDT', { primary: 'BTC/USDT:USDT', spot: 'BTC/USD' }],
      ['ETH', 'ETH/USDT:USDT', { primary: 'ETH/USDT:USDT', spot: 'ETH/USD' }],
    ]);
    // The single-coin fields are the first coin's.
    expect(seen!.symbol).toBe('BTC/USDT:USDT');
    expect(seen!.limits).toEqual(seen!.assets[0]!.limits);
    expect(seen!.venues.map((v) => v.symbol)).toEqual(['BTC/USDT:USDT', 'BTC/USD']);
    expect(seen!.assets[1]!.limits).toMatchObject({ netBaseMax: 1, grossBaseMaxPerVenue: 40, hedgeWithinSec: 30 });
    expect(seen!.assets[0]!.limits.grossBaseMaxPerVenue).toBeUndefined();
    expect(changes).toEqual([
      { asset: 'BTC', deltaBase: 1, inventoryBase: 1 },
      { asset: 'ETH', deltaBase: 12, inventoryBase: 12 },
      { asset: 'ETH', deltaBase: -2, inventoryBase: 10 },
    ]);
    expect(seen!.assets[1]!.inventoryBase()).toBe(10);
    expect(seen!.inventoryBase()).toBe(1);
    // Inventory events name their coin; every order placement and venue order names what it trades.
    expect(of(result.trace.events, 'inventory').map((e) => [e['asset'], e['inventoryBase']])).toEqual([
      ['BTC', 1],
      ['ETH', 12],
      ['ETH', 10],
    ]);
    const placements = of(result.trace.events, 'request').filter((e) => Number(e['orderCount'] ?? 0) > 0);
    expect(placements.map((e) => e['orderAsset'])).toEqual(['BTC', 'ETH', 'ETH']);
    expect([...new Set(of(result.trace.events, 'venue.fill').map((e) => e['symbol']))]).toEqual(['BTC/USDT:USDT', 'ETH/USDT:USDT']);
    expect(of(result.trace.events, 'venue.order').every((e) => e['symbol'] === 'BTC/USDT:USDT' || e['symbol'] === 'ETH/USDT:USDT')).toBe(true);
  });

  test('each coin has its own price path, and the first keeps the prices it has in a one-market run', async () => {
    // Sampling only (no orders), so the BTC samples fall at the same virtual times in both runs.
    const sampler = () => hedger({ coins: () => [] });
    const two = await runScenario(scenario(TWO_COINS), { policy: sampler() });
    const oneYaml = TWO_COINS.replace(/market:\n  - (.*)\n  - .*\n/, 'market: $1\n')
      .replace(/, symbol: \[BTC\/USD, ETH\/USD\]/, ', symbol: BTC/USD')
      .replace(/  - \{ atSec: (0|60), asset: ETH.*\n/g, '')
      .replace(/  assets:\n    ETH: .*\n/, '');
    const one = await runScenario(scenario(oneYaml), { policy: sampler() });
    const btc = tickers(two.trace.events, 'BTC');
    const eth = tickers(two.trace.events, 'ETH');
    expect(btc.length).toBeGreaterThan(10);
    expect(tickers(one.trace.events, 'BTC')).toEqual(btc);
    // And those are the prices of the run's 'market' stream, as before runs had several markets.
    const path = createPricePath({ priceStart: 60000, volatilityAnnual: 0.5, startMs: 0, rng: createRng(11).fork('market') });
    const samples = of(two.trace.events, 'decision').filter((e) => e['asset'] === 'BTC').slice(1);
    expect(samples.map((e) => Number(e['last']))).toEqual(samples.map((e) => Math.round(path.priceAt(e.tMs) * 10) / 10));
    // ETH moves on its own path, around its own start.
    expect(eth.every((p) => p > 2500 && p < 3500)).toBe(true);
    const returns = (xs: number[]) => xs.slice(1).map((x, i) => Math.sign(x - xs[i]!));
    expect(returns(eth)).not.toEqual(returns(btc));
  });

  test('a policy that hedges every coin passes; one that hedges only the first breaks exposure in ETH alone', async () => {
    const all = await runScenario(scenario(TWO_COINS), { policy: hedger() });
    expect(all.invariants.filter((i) => !i.passed)).toEqual([]);
    expect(all.outcome).toBe('passed');

    const firstOnly = await runScenario(scenario(TWO_COINS), { policy: hedger({ coins: (assets) => assets.slice(0, 1) }) });
    expect(firstOnly.outcome).toBe('violated');
    const exposure = firstOnly.invariants.find((i) => i.name === 'exposure')!;
    expect(exposure.passed).toBe(false);
    expect(exposure.firstViolation?.message).toMatch(/^ETH: .*netBaseMax 1\b/);
    // BTC, hedged 1 s after its change, never breaks: only ETH's breaches count.
    expect(exposure.firstViolation?.message).not.toMatch(/^BTC/);
  });

  test('gross per venue is judged per coin, with each coin its own cap', async () => {
    // The ETH hedge, a 12 then 10 ETH short on the primary, fits ETH's cap of 40; under a cap of 5
    // it breaks, for ETH (BTC has no cap of its own here).
    const ok = await runScenario(scenario(TWO_COINS), { policy: hedger() });
    expect(ok.invariants.find((i) => i.name === 'grossPerVenue')?.passed).toBe(true);
    const tight = await runScenario(scenario(TWO_COINS.replace('grossBaseMaxPerVenue: 40', 'grossBaseMaxPerVenue: 5')), { policy: hedger() });
    const gross = tight.invariants.find((i) => i.name === 'grossPerVenue')!;
    expect(gross.passed).toBe(false);
    expect(gross.firstViolation?.message).toMatch(/^ETH: /);
  });
});

describe('price gaps', () => {
  const GAP = `name: gap
seed: 4
durationSec: 120
market: { symbol: BTC/USDT:USDT, priceStart: 60000, volatilityAnnual: 1.5, gaps: [{ atSec: 30, durationSec: 40, pct: -6 }] }
venues:
  - { id: primary, dialect: binanceusdm }
limits: { netBaseMax: 1, hedgeWithinSec: 30 }
`;

  test('the market stops printing for the gap and reopens with the hidden move plus pct in one step', async () => {
    const gapped = tickers((await runScenario(scenario(GAP), { policy: hedger() })).trace.events, 'BTC');
    const plain = tickers((await runScenario(scenario(GAP.replace(/, gaps: \[.*\] \}/, ' }')), { policy: hedger() })).trace.events, 'BTC');
    // Samples every 10 s from 0 s: 30, 40, 50, 60 s lie in the gap (30 … 70 s).
    expect(gapped.slice(0, 3)).toEqual(plain.slice(0, 3));
    expect(new Set(gapped.slice(3, 7)).size).toBe(1);
    expect(gapped[3]).toBeCloseTo(plain[3]!, 6);
    expect(new Set(plain.slice(3, 7)).size).toBeGreaterThan(1);
    // From the reopening: the path's own price, 6 % lower.
    for (let i = 7; i < plain.length; i++) expect(gapped[i]! / plain[i]!).toBeCloseTo(0.94, 3);
  });
});
