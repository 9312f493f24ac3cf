import { describe, expect, test } from 'vitest';
import { parseScenario, type Scenario } from '../../src/scenario/index.ts';
import { runScenario } from '../../src/sim/run.ts';

/**
 * The reference engine's first hedge waits for every venue's first read of what the desk holds
 * there — bounded by a quarter of hedgeWithinSec and 5 s, so a slow venue never holds the desk
 * unhedged. Without the wait it hedged 1 BTC of inventory on the primary at +1 s and sold it back
 * at +2 s, when Kraken's read said the desk already held the coin there.
 */

function scenario(krakenLatencyMs: number): Scenario {
  const parsed = parseScenario(
    `name: startup-holdings
seed: 5
durationSec: 120
market: { symbol: BTC/USDT:USDT, priceStart: 60000 }
venues:
  - { id: primary, dialect: binanceusdm, balances: { USDT: 400000 } }
  - { id: kraken, dialect: kraken, symbol: BTC/USD, latencyMs: ${krakenLatencyMs}, balances: { USD: 300000, BTC: 1 } }
inventory:
  - { atSec: 0, base: -1 }
  - { atSec: 60, base: 0.5 }
limits: { netBaseMax: 0.2, hedgeWithinSec: 30 }
`,
    'startup-holdings.yaml',
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.scenario;
}

describe('reference engine: the first hedge', () => {
  test('waits for every venue to say what the desk holds there: coins already held offset the inventory, nothing is traded', async () => {
    const result = await runScenario(scenario(5));
    const fills = result.trace.events.filter((e) => e.type === 'venue.fill');
    // Inventory −1 and 1 BTC held on Kraken: flat until the +0.5 at 60 s, which is hedged then.
    expect(fills.filter((f) => f.tMs < 60_000)).toEqual([]);
    expect(fills.length).toBeGreaterThan(0);
    expect(result.outcome).toBe('passed');
  });

  test('does not wait past the grace for a slow venue: it hedges without it, and says so', async () => {
    // Kraken's setup (markets, then balances) takes several 3 s round trips: past the 5 s grace.
    const result = await runScenario(scenario(3000));
    const said = result.trace.events.find((e) => e.type === 'decision' && String(e['message']).startsWith('hedging before kraken said what the desk holds there'));
    expect(said?.tMs).toBeGreaterThanOrEqual(5_000);
    expect(said?.tMs).toBeLessThan(7_000);
    const firstFill = result.trace.events.find((e) => e.type === 'venue.fill');
    expect(firstFill?.venue).toBe('primary');
    expect(firstFill!.tMs).toBeGreaterThanOrEqual(said!.tMs);
  });
});
