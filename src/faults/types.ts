import type { EndpointInfo, RateLimitModel } from '../../mocks/types.ts';
import type { LimitBreach } from './limits.ts';

/**
 * Fault kinds and decisions. A fault is data (a window on one venue); a decision is what the
 * fault layer does to one request. Pure: no I/O, no clock reads — time is passed in.
 */

export type OutageMode = 'refused' | 'reset' | 'timeout' | 'http5xx' | 'cdn';

/**
 * Which requests an outage hits: `all`, `public` (unsigned: status, reference, market data),
 * `private` (signed), `orders` (placements and cancels), `marketData` (tickers, books).
 * A partial outage — orders down while prices flow, or the reverse — is one of these.
 */
export type OutageScope = 'all' | 'public' | 'private' | 'orders' | 'marketData';

interface FaultWindow {
  /** Stable id, e.g. "f0-outage-primary"; appears in the trace when the fault fires. */
  id: string;
  venue: string;
  /** Absolute virtual epoch ms, start inclusive, end exclusive. */
  startMs: number;
  endMs: number;
}

export interface OutageFault extends FaultWindow {
  kind: 'outage';
  mode: OutageMode;
  scope: OutageScope;
  /** Chance that a request in scope is hit (1 = every one; less = a flaky path, e.g. one bad node behind the balancer). */
  probability: number;
}

/**
 * A scripted rate limit. With `budgetPct` the venue's own limits shrink for the window and 429s
 * are earned by usage; without it every request in the window is answered 429 (a 429 storm).
 */
export interface RateLimitFault extends FaultWindow {
  kind: 'rateLimit';
  /** Percent of the dialect's published budgets the venue grants during the window; undefined = forced 429s. */
  budgetPct: number | undefined;
  /** `Retry-After` the venue sends with each forced 429 (earned 429s send the time to the window's end). */
  retryAfterSec: number;
  /** Fixed ban length for bans earned in the window; undefined = the dialect's growing ladder. */
  banSec: number | undefined;
  /** Requests sent inside `Retry-After` the venue tolerates before it bans; undefined = the dialect's. */
  ignoredMax: number | undefined;
  /** Chance that a request in a forced window is refused. */
  probability: number;
}

/**
 * What a maintenance window still allows: `full` nothing (trading and account requests refused),
 * `cancelOnly` cancels and reads, `postOnly` post-only orders and cancels, `reduceOnly` orders
 * that reduce a position.
 */
export type MaintenancePhase = 'full' | 'cancelOnly' | 'postOnly' | 'reduceOnly';

/** What the venue's matching engine accepts right now, as a dialect sees it. */
export type TradingPhase = 'normal' | Exclude<MaintenancePhase, 'full'>;

export interface MaintenanceFault extends FaultWindow {
  kind: 'maintenance';
  phase: MaintenancePhase;
  /** Seconds before `startMs` from which the venue's status could announce the window (dialects without an announcement channel ignore it). */
  announcedAheadSec: number;
  /** Chance that a refused request is refused (a rolling maintenance across nodes hits some). */
  probability: number;
}

export interface LatencyFault extends FaultWindow {
  kind: 'latency';
  /** Extra delay per request, log-normal with this median and 99th percentile. */
  latencyMsMedian: number;
  latencyMsP99: number;
  /** Chance that a request is delayed at all. */
  probability: number;
}

export interface AckLossFault extends FaultWindow {
  kind: 'ackLoss';
  /** Chance that an order placement's answer is lost (the order still executes). */
  probability: number;
  /** `timeout`: no answer until the client gives up; `unknownStatus`: the dialect's "execution status unknown" error. */
  mode: 'timeout' | 'unknownStatus';
}

export interface ErrorRateFault extends FaultWindow {
  kind: 'errorRate';
  /** Chance that a request fails with one of the dialect's transient 5xx answers (before the venue acts). */
  probability: number;
}

export interface ClockSkewFault extends FaultWindow {
  kind: 'clockSkew';
  /** The venue's clock runs this far ahead (positive) or behind (negative) of true time. */
  skewMs: number;
}

/** Tickers and books freeze at the snapshot of the window's start while the venue keeps trading at the true price. */
export interface StaleDataFault extends FaultWindow {
  kind: 'staleData';
}

/** Account reads (positions, balances, orders, trades) answer as of `lagSec` ago: eventual consistency after a write. */
export interface ReadLagFault extends FaultWindow {
  kind: 'readLag';
  lagSec: number;
}

/** Options every fault builder takes: where and when. */
export interface WindowOptions {
  venue: string;
  /** Absolute virtual epoch ms. */
  startMs: number;
  durationMs: number;
  /** Stable id for the trace; default `<kind>-<venue>-<startMs>`. */
  id?: string;
}

/** The window part every fault shares, built once. */
export function faultWindowOf<K extends string>(kind: K, opts: WindowOptions): { id: string; kind: K; venue: string; startMs: number; endMs: number } {
  return { id: opts.id ?? `${kind}-${opts.venue}-${opts.startMs}`, kind, venue: opts.venue, startMs: opts.startMs, endMs: opts.startMs + opts.durationMs };
}

export type Fault = OutageFault | RateLimitFault | MaintenanceFault | LatencyFault | AckLossFault | ErrorRateFault | ClockSkewFault | StaleDataFault | ReadLagFault;
export type FaultKind = Fault['kind'];

/** Per-venue state the rate-limit model keeps between requests (IP-level, so it outlives fault windows). */
export interface RateLimitState {
  /** A client that sends before this time is ignoring `Retry-After`. */
  retryAfterUntilMs: number;
  /** Requests sent while `Retry-After` was pending, since the last ban. */
  ignoredCount: number;
  /** The IP is banned until this time (418 for every request). */
  bannedUntilMs: number;
  /** Number of bans so far (for reports). */
  numBans: number;
}

export function initialRateLimitState(): RateLimitState {
  return { retryAfterUntilMs: 0, ignoredCount: 0, bannedUntilMs: 0, numBans: 0 };
}

export type FaultDecision =
  | { action: 'pass' }
  | { action: 'refuse'; fault: Fault }
  | { action: 'reset'; fault: Fault }
  | { action: 'hang'; fault: Fault }
  | { action: 'serverError'; fault: Fault; status: number; variant: 'json' | 'html' | 'empty' | 'cdn' }
  /** 429. `fault` undefined = earned by usage against the venue's own limits; `breach` says which budget broke. */
  | { action: 'rateLimited'; fault: Fault | undefined; retryAfterSec: number; breach: LimitBreach | undefined }
  | { action: 'banned'; fault: Fault | undefined; retryAfterSec: number; bannedUntilMs: number }
  | { action: 'maintenance'; fault: Fault }
  /** The venue executes the request, then the answer is lost (`timeout`) or replaced by "status unknown". */
  | { action: 'ackLoss'; fault: AckLossFault };

export interface DecideInput {
  venue: string;
  endpoint: EndpointInfo;
  nowMs: number;
  /** Uniform [0,1) from the venue's fault stream; used only where a fault picks among variants. */
  random: () => number;
  /** The dialect's rate-limit model, enforced on every request (default: none). */
  limits?: RateLimitModel;
}
