import type { RequestHandler } from 'msw';
import type { AccountView } from '../src/venue/history.ts';
import type { VenueEngine } from '../src/venue/types.ts';

/**
 * A dialect is the REST language of one exchange. One dialect instance serves one venue: it
 * routes that exchange's REST paths (on the venue's own hosts) to the venue engine and renders
 * answers and errors exactly as the exchange does, so the unmodified ccxt client raises the class
 * it raises in production.
 *
 * The fault layer (src/faults/) decides *whether* a request fails and how; the dialect only
 * renders that failure in its exchange's words (`render*`). The transport (src/net/) puts the two
 * together: describe → decide → render or pass to `handlers`.
 */

/** Coarse endpoint classes, used by fault scopes and by the rate-limit model. */
export type EndpointGroup = 'status' | 'reference' | 'marketData' | 'account' | 'order';

export interface EndpointInfo {
  /** Stable key, "<METHOD> <path>", e.g. "POST /fapi/v1/order". Used in the trace. */
  endpoint: string;
  group: EndpointGroup;
  /** Needs API key and signature. */
  signed: boolean;
  /** Request weight the exchange charges against the per-IP limit. */
  weight: number;
  /** 1 for an order placement (counts against the order-rate limits), else 0. */
  orderCount: number;
}

export interface DialectCredentials {
  apiKey: string;
  secret: string;
}

/** A maintenance window as a venue announces it. */
export interface MaintenanceNotice {
  /** Stable id (the scenario fault's id). */
  id: string;
  /** Planned start and end, true virtual epoch ms. */
  startMs: number;
  endMs: number;
  /** What the venue still accepts during it. */
  phase: 'full' | 'cancelOnly' | 'postOnly' | 'reduceOnly';
  /** `scheduled` before the start, `ongoing` inside the window. */
  state: 'scheduled' | 'ongoing';
}

export interface DialectContext {
  engine: VenueEngine;
  /** The venue's host suffix, e.g. "primary.venuechaos.test" (the dialect derives its hosts). */
  hostname: string;
  /** True virtual now (epoch ms): when the venue's engine acts (fills, prices). */
  now: () => number;
  /**
   * The venue's own clock: what its time endpoint reports and what it checks request timestamps
   * against. Equals `now` unless the scenario skews it (clockSkew); a skewed clock never moves prices.
   */
  venueClockMs: () => number;
  credentials: DialectCredentials;
  /** What the venue's status endpoint currently announces. */
  systemStatus: () => 'normal' | 'maintenance';
  /**
   * Maintenance windows the venue announces now: ongoing ones, and scheduled ones whose
   * `announcedAheadSec` has been reached. For dialects whose status endpoint lists events
   * (OKX, Bybit, Kraken's `upcoming_maintenance`); Binance's status is binary and ignores it.
   */
  announcedMaintenance: () => readonly MaintenanceNotice[];
  /** Where account reads (positions, balances, orders, trades) come from now: the engine, or its past under readLag. */
  accountView: () => AccountView;
  /** The time whose market tickers and books show (earlier than `now` while the feed is stale). */
  marketDataTimeMs: () => number;
  /** What the matching engine accepts now (a partial maintenance phase); the dialect refuses the rest in its own words. */
  tradingPhase: () => 'normal' | 'cancelOnly' | 'postOnly' | 'reduceOnly';
}

/**
 * One budget a venue enforces continuously, counted in fixed windows aligned to the epoch (Binance
 * resets `X-MBX-USED-WEIGHT-1M` on the minute; OKX counts "per 2 seconds").
 */
export interface LimitRule {
  /** Counter name and usage key, e.g. "weight1m", "orders10s". */
  id: string;
  /** What one request adds: its `weight`, its `orderCount`, or 1 per request. */
  counts: 'weight' | 'orders' | 'requests';
  /** Whose budget it is. One client per venue in a simulation, so IP and account budgets are both per venue. */
  per: 'ip' | 'account';
  /** A separate budget per endpoint (OKX, Bybit), instead of one shared by all. */
  perEndpoint?: boolean;
  windowMs: number;
  limit: number;
  /** `reject` (default): 429 in the dialect's words. `ban`: the breach bans the IP at once (Bybit's 403 "access too frequent"). */
  onBreach?: 'reject' | 'ban';
}

/** The exchange's rate-limit model: the budgets and what happens to a client that keeps going after a 429. */
export interface RateLimitModel {
  rules: readonly LimitRule[];
  /**
   * Ban lengths (s) for the 1st, 2nd, … ban a client earns by ignoring `Retry-After`; the last
   * repeats. Binance: "from 2 minutes up to 3 days". Empty = the venue does not ban for that.
   */
  banLadderSec: readonly number[];
  /** Requests sent inside a pending `Retry-After` the venue tolerates before it bans ("repeatedly"). */
  ignoredMax: number;
  /**
   * Whether a refusal tells the client how long to wait (Binance `Retry-After`, Bybit
   * `X-Bapi-Limit-Reset-Timestamp`). OKX says nothing, so there is no wait a client could be held
   * to: the trace then records no `retryAfterSec` for its 429s and the retryAfter invariant has
   * nothing to check (bans always have their documented length).
   */
  announcesWait: boolean;
}

/** Usage by limit-rule id as the venue counts it now (the request itself included), for headers. */
export type UsageSnapshot = Readonly<Record<string, number>>;

export interface Dialect {
  /** Dialect name as used in scenarios, e.g. "binanceusdm". */
  readonly name: string;
  /** The ccxt exchange id whose client speaks this dialect. */
  readonly ccxtId: string;
  /** Hostnames this venue answers on, e.g. ["fapi.primary.venuechaos.test", "api.primary.venuechaos.test"]. */
  readonly hosts: readonly string[];
  /**
   * Real MSW handlers. Routing cost must stay flat as endpoints are added (DESIGN fact 5):
   * one handler per host with an internal route table.
   */
  readonly handlers: readonly RequestHandler[];
  /** Classifies a request; undefined when the dialect does not serve it (→ 404 in the exchange's words). */
  describe(method: string, url: URL): EndpointInfo | undefined;
  /** Point a freshly constructed ccxt client of `ccxtId` at this venue's hosts (e.g. rewrite `urls.api`). */
  configureClient(exchange: { urls: any; hostname?: string; options: any }): void;
  /** The exchange's rate-limit model, enforced by the fault layer on every request. */
  readonly limits: RateLimitModel;
  /**
   * A request over budget, in the exchange's words (Binance: HTTP 429 and `Retry-After`). `rule` is
   * the budget it broke (`limit` its effective size, after a scenario's `budgetPct`), or undefined
   * when a scenario forces 429s for a window.
   */
  renderRateLimited(o: { retryAfterSec: number; endpoint: EndpointInfo; usage: UsageSnapshot; rule: LimitRule | undefined; limit: number | undefined }): Response;
  /** HTTP 418 IP ban (or the exchange's equivalent), `Retry-After` = seconds until unban. */
  renderBanned(o: { retryAfterSec: number; bannedUntilMs: number; endpoint: EndpointInfo }): Response;
  /** A 5xx as the exchange sends it during an outage; `cdn` = the error page of the CDN in front of the exchange. */
  renderServerError(o: { status: number; variant: 'json' | 'html' | 'empty' | 'cdn'; endpoint: EndpointInfo }): Response;
  /** The venue executed the request but answers "execution status unknown" (the dialect's own words). */
  renderUnknownStatus(o: { endpoint: EndpointInfo }): Response;
  /** A request refused because the venue is in maintenance. */
  renderMaintenance(o: { endpoint: EndpointInfo }): Response;
  /** Usage headers the exchange adds to every response (e.g. X-MBX-USED-WEIGHT-1M). */
  usageHeaders(o: { usage: UsageSnapshot; endpoint: EndpointInfo }): Record<string, string>;
}

export type DialectFactory = (ctx: DialectContext) => Dialect;
