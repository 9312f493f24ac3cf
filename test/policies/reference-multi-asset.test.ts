import { describe, expect, test } from 'vitest';
import { parseScenario, type Scenario } from '../../src/scenario/index.ts';
import { runScenario, type RunResult } from '../../src/sim/run.ts';
import type { TraceEvent } from '../../src/sim/trace.ts';

/**
 * The reference engine hedges every coin of a run (BTC and ETH together), each to its own
 * limits, over venues whose health, budgets and margin the coins share. Judged on ground truth:
 * the venues' `venue.position` events per symbol in the trace.
 */

function scenario(text: string): Scenario {
  const parsed = parseScenario(text, 'reference-multi-asset.yaml');
  if (!parsed.ok) throw new Error(`test scenario does not load: ${JSON.stringify(parsed.errors)}`);
  return parsed.scenario;
}

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';

/** The primary is dark from +120 s to +240 s; both coins' exposure rises inside that window. */
const FAILOVER = `
name: btc-eth-failover
seed: 7
durationSec: 600
market:
  - { symbol: ${BTC}, priceStart: 60000 }
  - { symbol: ${ETH}, priceStart: 3000, volatilityAnnual: 0.8 }
venues:
  - { id: primary, dialect: binanceusdm }
  - { id: backup, dialect: bybit }
inventory:
  - { atSec: 0, base: 1 }
  - { atSec: 0, asset: ETH, base: 20 }
  - { atSec: 150, base: 0.5 }
  - { atSec: 160, asset: ETH, base: 10 }
  - { atSec: 300, asset: ETH, base: -5 }
limits:
  netBaseMax: 0.2
  hedgeWithinSec: 30
  assets:
    ETH: { netBaseMax: 3 }
faults:
  - { venue: primary, kind: outage, atSec: 120, durationSec: 120, mode: timeout }
`;
const OUTAGE_START_MS = 120_000;
const OUTAGE_END_MS = 240_000;

/** A 10% margin-use cap on 100 000 USDT: the primary holds BTC's hedge (about 6 000 USDT of initial margin) or ETH's, not both. */
const SHARED_MARGIN = `
name: btc-eth-shared-margin
seed: 7
durationSec: 300
market:
  - { symbol: ${BTC}, priceStart: 60000 }
  - { symbol: ${ETH}, priceStart: 3000, volatilityAnnual: 0.8 }
venues:
  - { id: primary, dialect: binanceusdm }
  - { id: backup, dialect: bybit }
inventory:
  - { atSec: 0, base: 1 }
  - { atSec: 0, asset: ETH, base: 20 }
limits:
  netBaseMax: 0.2
  hedgeWithinSec: 30
  marginUsePctMax: 10
  assets:
    ETH: { netBaseMax: 3 }
`;

const events = (r: RunResult): readonly TraceEvent[] => r.trace.events;

/** Ground truth: the venue's position in `symbol` at `tMs` (its last `venue.position` event), base units. */
function positionAt(r: RunResult, venue: string, symbol: string, tMs: number): number {
  let size = 0;
  for (const e of events(r)) if (e.type === 'venue.position' && e.venue === venue && e['symbol'] === symbol && e.tMs <= tMs) size = Number(e['size']);
  return size;
}

function inventoryAt(r: RunResult, asset: string, tMs: number): number {
  let base = 0;
  for (const e of events(r)) if (e.type === 'inventory' && e['asset'] === asset && e.tMs <= tMs) base = Number(e['inventoryBase']);
  return base;
}

function netAt(r: RunResult, asset: string, symbol: string, tMs: number): number {
  return inventoryAt(r, asset, tMs) + positionAt(r, 'primary', symbol, tMs) + positionAt(r, 'backup', symbol, tMs);
}

function fills(r: RunResult, venue: string, symbol: string, fromMs: number, toMs: number): TraceEvent[] {
  return events(r).filter((e) => e.type === 'venue.order' && e['status'] === 'filled' && e.venue === venue && e['symbol'] === symbol && e.tMs >= fromMs && e.tMs < toMs);
}

describe('reference engine, several coins', () => {
  test('both coins are hedged, each within its own limit, and both fail over to the backup while the primary is dark', async () => {
    const r = await runScenario(scenario(FAILOVER));
    expect(r.outcome, JSON.stringify(r.invariants.filter((i) => !i.passed))).toBe('passed');
    const endMs = r.simulatedMs;

    // Each coin ends hedged within its own limit on the venues' ground truth.
    expect(inventoryAt(r, 'BTC', endMs)).toBe(1.5);
    expect(inventoryAt(r, 'ETH', endMs)).toBe(25);
    expect(Math.abs(netAt(r, 'BTC', BTC, endMs))).toBeLessThanOrEqual(0.2);
    expect(Math.abs(netAt(r, 'ETH', ETH, endMs))).toBeLessThanOrEqual(3);
    // Before the outage, both hedges are on the primary.
    expect(positionAt(r, 'primary', BTC, OUTAGE_START_MS)).toBe(-1);
    expect(positionAt(r, 'primary', ETH, OUTAGE_START_MS)).toBe(-20);

    // Inside the outage each coin's new exposure went to the backup, and nothing reached the primary.
    expect(fills(r, 'backup', ETH, OUTAGE_START_MS, OUTAGE_END_MS)).not.toHaveLength(0);
    expect(fills(r, 'backup', BTC, OUTAGE_START_MS, OUTAGE_END_MS)).not.toHaveLength(0);
    expect(positionAt(r, 'backup', ETH, OUTAGE_END_MS)).toBe(-10);
    expect(positionAt(r, 'backup', BTC, OUTAGE_END_MS)).toBe(-0.5);
    expect(fills(r, 'primary', ETH, OUTAGE_START_MS, OUTAGE_END_MS)).toHaveLength(0);

    // The primary's outage is one fact for both coins: marked down once, not once per coin.
    const markedDown = events(r).filter((e) => e.type === 'decision' && e.venue === 'primary' && /marked down/.test(String(e['message'])));
    expect(markedDown).toHaveLength(1);

    // The policy's own view: BTC at the top, ETH under byAsset, both matching the venues.
    const view = events(r).filter((e) => e.type === 'policy.view').at(-1);
    expect(view?.['byVenue']).toEqual({ primary: positionAt(r, 'primary', BTC, endMs), backup: positionAt(r, 'backup', BTC, endMs) });
    expect((view?.['byAsset'] as Record<string, { byVenue: unknown }> | undefined)?.['ETH']?.byVenue).toEqual({ primary: positionAt(r, 'primary', ETH, endMs), backup: positionAt(r, 'backup', ETH, endMs) });
  });

  test("a coin's hedge counts the margin the other coin's position takes on the same venue", async () => {
    const r = await runScenario(scenario(SHARED_MARGIN));
    expect(r.outcome, JSON.stringify(r.invariants.filter((i) => !i.passed))).toBe('passed');
    const marginUse = r.invariants.find((i) => i.name === 'marginUse');
    expect(marginUse?.passed).toBe(true);
    expect(marginUse?.note).toBeUndefined(); // checked, not skipped

    const endMs = r.simulatedMs;
    // BTC's hedge took the primary first; ETH got only what margin was left there, the rest went to the backup.
    expect(positionAt(r, 'primary', BTC, endMs)).toBe(-1);
    const ethOnPrimary = positionAt(r, 'primary', ETH, endMs);
    expect(ethOnPrimary).toBeLessThan(0);
    expect(ethOnPrimary).toBeGreaterThan(-20);
    expect(positionAt(r, 'backup', ETH, endMs)).toBeLessThan(0);
    expect(Math.abs(netAt(r, 'ETH', ETH, endMs))).toBeLessThanOrEqual(3);
    expect(Math.abs(netAt(r, 'BTC', BTC, endMs))).toBeLessThanOrEqual(0.2);
    // No order below a venue's minimum notional (an ETH remainder) was sent and refused.
    const refused = events(r).filter((e) => e.type === 'decision' && /createOrder rejected/.test(String(e['message'])));
    expect(refused).toHaveLength(0);
  });
});
