import type { MarketSpec, Scenario, VenueSpec } from './schema.ts';

/**
 * A scenario's markets seen per coin: which market prices it, the limits it is held to, and the
 * instrument each venue hedges it with. One reading shared by the runner, the cross-checks and
 * the fuzzer, so they cannot disagree about which coin a venue trades.
 */

/** "BTC" of "BTC/USDT:USDT". */
export function baseOf(symbol: string): string {
  return symbol.split('/')[0] ?? symbol;
}

/** The run's markets as a list (a file may give one market or several); the first is the primary coin. */
export function marketsOf(market: Scenario['market']): MarketSpec[] {
  return Array.isArray(market) ? market : [market];
}

/** The instruments a venue's `symbol` names (none: it trades each market's own symbol). */
export function venueSymbolsOf(venue: Pick<VenueSpec, 'symbol'>): string[] {
  return venue.symbol === undefined ? [] : Array.isArray(venue.symbol) ? venue.symbol : [venue.symbol];
}

/** The instrument `venue` hedges `market`'s coin with: its own `symbol` in that coin, else the market's. */
export function venueSymbolFor(venue: Pick<VenueSpec, 'symbol'>, market: Pick<MarketSpec, 'symbol'>): string {
  const coin = baseOf(market.symbol);
  return venueSymbolsOf(venue).find((s) => baseOf(s) === coin) ?? market.symbol;
}

/** One coin of the run: its market, its limits and its instrument on every venue. */
export interface AssetPlan {
  /** The base coin, e.g. "ETH". */
  asset: string;
  market: MarketSpec;
  netBaseMax: number;
  grossBaseMaxPerVenue?: number;
  /** Venue id → the unified symbol the desk hedges this coin with there. */
  symbolOn: ReadonlyMap<string, string>;
}

/** Per coin, in the order of `market` (first: the primary coin, with `limits.netBaseMax`). */
export function assetPlans(s: Pick<Scenario, 'market' | 'venues' | 'limits'>): AssetPlan[] {
  return marketsOf(s.market).map((market, i) => {
    const asset = baseOf(market.symbol);
    const limits = i === 0 ? s.limits : s.limits.assets?.[asset];
    if (limits === undefined) throw new Error(`venuechaos bug: scenario validation let through no limits.assets.${asset}`);
    return {
      asset,
      market,
      netBaseMax: limits.netBaseMax,
      ...(limits.grossBaseMaxPerVenue !== undefined ? { grossBaseMaxPerVenue: limits.grossBaseMaxPerVenue } : {}),
      symbolOn: new Map(s.venues.map((v) => [v.id, venueSymbolFor(v, market)])),
    };
  });
}

/** What the invariants need to know of the run's coins (`InvariantInput.baseAsset` and `assets`). */
export function invariantAssetsOf(s: Pick<Scenario, 'market' | 'venues' | 'limits'>): { baseAsset: string; assets: Array<{ asset: string; netBaseMax: number; grossBaseMaxPerVenue: number | undefined }> } {
  const plans = assetPlans(s);
  return { baseAsset: plans[0]?.asset ?? '', assets: plans.map((p) => ({ asset: p.asset, netBaseMax: p.netBaseMax, grossBaseMaxPerVenue: p.grossBaseMaxPerVenue })) };
}
