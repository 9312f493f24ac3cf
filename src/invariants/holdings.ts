import { formatUnits, toUnits } from './units.ts';
import type { InvariantInput } from './types.ts';

/**
 * What the desk holds from one moment on, on ground truth: the state after every trace event at
 * `tMs` has been applied, holding until the next step.
 */
export interface HoldingsStep {
  /** Virtual ms since the run started. */
  tMs: number;
  /** The desk's inventory (client trades), base units. */
  inventory: bigint;
  /** Signed perp position per venue: its last `venue.position`. */
  positions: ReadonlyMap<string, bigint>;
  /** Coins of the run's base asset per venue: its last `venue.balance` in that asset. */
  coins: ReadonlyMap<string, bigint>;
  /** Net exposure: inventory + Σ positions + Σ coins. */
  net: bigint;
}

/**
 * The desk's holdings over the run, one step per instant at which an `inventory`,
 * `venue.position` or base-asset `venue.balance` event changed them, in time order. The one
 * reading of net exposure every invariant shares, so `exposure` and `converged` cannot disagree
 * about what "hedged" means. Before the first step everything is 0.
 *
 * A venue's position is keyed by venue: a venue trades one instrument of the run's coin.
 */
export function holdingsSteps(input: Pick<InvariantInput, 'trace' | 'baseAsset'>): HoldingsStep[] {
  // Stable sort: events at one instant apply in trace order.
  const events = input.trace.filter(
    (e) => e.type === 'inventory' || e.type === 'venue.position' || (e.type === 'venue.balance' && input.baseAsset !== undefined && e['asset'] === input.baseAsset),
  );
  events.sort((a, b) => a.tMs - b.tMs);
  let inventory = 0n;
  const positions = new Map<string, bigint>();
  const coins = new Map<string, bigint>();
  const steps: HoldingsStep[] = [];
  events.forEach((event, i) => {
    if (event.type === 'inventory') inventory = toUnits(String(event['inventoryBase']));
    else if (event.type === 'venue.position') positions.set(String(event.venue), toUnits(String(event['size'])));
    else coins.set(String(event.venue), toUnits(String(event['wallet'])));
    if (events[i + 1]?.tMs === event.tMs) return;
    let net = inventory;
    for (const size of positions.values()) net += size;
    for (const held of coins.values()) net += held;
    steps.push({ tMs: event.tMs, inventory, positions: new Map(positions), coins: new Map(coins), net });
  });
  return steps;
}

/** "position -3", "1.5 coins", "position -3 + 1.5 coins": what one venue holds. */
export function describeVenueHoldings(step: HoldingsStep, venue: string): string {
  const size = step.positions.get(venue);
  const held = step.coins.get(venue);
  const pieces = [...(size !== undefined ? [`position ${formatUnits(size)}`] : []), ...(held !== undefined ? [`${formatUnits(held)} coins`] : [])];
  return pieces.length > 0 ? pieces.join(' + ') : 'nothing';
}

/** "inventory 5; primary position -5, kraken-spot 1.5 coins": what the desk holds, for a violation message. */
export function describeHoldings(step: HoldingsStep | undefined): string {
  if (step === undefined) return 'nothing held';
  const venues = [...new Set([...step.positions.keys(), ...step.coins.keys()])];
  const parts = venues.map((venue) => `${venue} ${describeVenueHoldings(step, venue)}`);
  return `inventory ${formatUnits(step.inventory)}${parts.length > 0 ? `; ${parts.join(', ')}` : ''}`;
}
