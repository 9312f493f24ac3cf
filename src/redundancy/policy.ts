/**
 * The `Policy` interface: the redundancy logic under test. The reference engine implements it;
 * so can a team's own module. A policy gets wired ccxt clients (one per venue), the virtual
 * clock, the scenario's limits and a logger, and may keep any state.
 *
 * Rules of the road:
 * - Use `ctx.clock.sleep` (or plain `setTimeout`, which is virtual inside a run) to wait; never
 *   busy-loop — virtual time only moves when the policy is idle.
 * - Return from `start` once set up; run your loop in the background and end it when
 *   `ctx.signal` aborts. `stop` is awaited at the end of the run.
 */

/** The slice of a ccxt `Exchange` a policy typically uses; the object is the real ccxt client. */
export interface ExchangeClient {
  id: string;
  last_response_headers?: Record<string, string>;
  [key: string]: any;
}

export interface PolicyVenue {
  /** Venue id from the scenario. */
  id: string;
  /** Dialect name, e.g. "binanceusdm". */
  dialect: string;
  /** A real ccxt client wired to this venue's mock. */
  exchange: ExchangeClient;
  /** The unified symbol to hedge the first coin with on this venue (usually the context's `symbol`; e.g. "BTC/USD" on a spot venue). Other coins: `PolicyAsset.venueSymbols`. */
  symbol: string;
  /** `spot`: the venue holds coins, and the desk's position there is its base-asset balance (sell coins to cut exposure). */
  kind: 'linearPerp' | 'spot';
}

export interface PolicyLimits {
  /** |net base exposure| must stay at or below this. */
  netBaseMax: number;
  /** Time allowed to bring exposure back within the limit after it changes. */
  hedgeWithinSec: number;
  /** When set: |position| + base coins held on any one venue stays at or below this. */
  grossBaseMaxPerVenue?: number;
  /** When set: initial margin in use on each perp venue stays within this percent of its margin balance. */
  marginUsePctMax?: number;
  /**
   * Requests per rolling 60 s a policy may send to a venue it knows is down (it answered "down"
   * inside an outage or full maintenance window): the probe budget. The runner always sets it: the
   * scenario's, else the `probeBudget` invariant's default.
   */
  downProbesPerMinMax?: number;
}

export interface PolicyClock {
  /** Virtual epoch ms. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/**
 * One coin the desk hedges, when a run trades several markets (BTC and ETH hedged together):
 * its own exposure, limits and instrument per venue. Venues, clock and the venue-wide limits
 * (margin use, the probe budget, time to hedge) are shared by every coin.
 */
export interface PolicyAsset {
  /** The base coin, e.g. "ETH"; exposure in it is counted in its own base units. */
  asset: string;
  /** The run's market for it, e.g. "ETH/USDT:USDT". */
  symbol: string;
  /** Venue id → the unified symbol to hedge this coin with there (e.g. "ETH/USD" on a Kraken spot venue). Every venue trades every coin. */
  venueSymbols: Readonly<Record<string, string>>;
  /** This coin's limits: its own `netBaseMax` and `grossBaseMaxPerVenue`; the rest as the context's. */
  limits: PolicyLimits;
  /** The desk's inventory in this coin (base units held outside the venues). */
  inventoryBase(): number;
}

export interface PolicyContext {
  /** The run's (first) market, e.g. "BTC/USDT:USDT"; its base coin is what exposure counts. Each venue may trade its own instrument of it (`PolicyVenue.symbol`). */
  symbol: string;
  /**
   * Every coin the run trades, the first being the one `symbol`, `limits`, `inventoryBase()` and
   * `PolicyVenue.symbol` describe. A run with one market has one entry; a policy that reads only
   * the single-coin fields hedges only the first coin.
   */
  assets: readonly PolicyAsset[];
  /** In the scenario's order (the first is the primary). */
  venues: readonly PolicyVenue[];
  limits: PolicyLimits;
  clock: PolicyClock;
  /** The desk's current inventory (base units held outside the venues), which the policy hedges. */
  inventoryBase(): number;
  /** Record a decision, with its reason, in the trace. */
  log(message: string, data?: Record<string, unknown>): void;
  /** Aborted when the run ends. */
  signal: AbortSignal;
  /** Report a crash of the policy's own background work: the run ends as a policy failure. */
  reportError(error: unknown): void;
}

/** An exposure change the desk must hedge. */
export interface InventoryChange {
  /** The coin it is in (with one market, always the context's first coin). */
  asset: string;
  deltaBase: number;
  inventoryBase: number;
  timeMs: number;
}

/**
 * What the policy believes the desk holds, from its own books (never a fresh read of the venues):
 * the runner asks for it at the recovery deadline and at the end of the run, and the `reconciled`
 * invariant compares it with the venues' ground truth.
 */
export interface PolicyView {
  /** Net exposure as the policy counts it: inventory + everything held on every venue, base units. */
  netBase: number;
  /** Per venue id: its perp position (signed) or, on a spot venue, the base coins held, base units. A venue left out counts as 0. */
  byVenue: Record<string, number>;
  /**
   * With several coins: the same view for each coin after the first, keyed by coin ("ETH");
   * `netBase` and `byVenue` above are the first coin's. A coin left out is not checked.
   */
  byAsset?: Record<string, { netBase: number; byVenue: Record<string, number> }>;
}

export interface Policy {
  readonly name: string;
  start(ctx: PolicyContext): void | Promise<void>;
  onInventoryChange?(change: InventoryChange): void;
  /** Optional: the policy's view of the desk (see `PolicyView`); synchronous, no requests. Without it `reconciled` checks nothing. */
  view?(): PolicyView;
  stop?(): void | Promise<void>;
}
