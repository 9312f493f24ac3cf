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
  /** Where account reads (positions, balances, orders, trades) come from now: the engine, or its past under readLag. */
  accountView: () => AccountView;
  /** The time whose market tickers and books show (earlier than `now` while the feed is stale). */
  marketDataTimeMs: () => number;
  /** What the matching engine accepts now (a partial maintenance phase); the dialect refuses the rest in its own words. */
  tradingPhase: () => 'normal' | 'cancelOnly' | 'postOnly' | 'reduceOnly';
}

/** Usage counters the transport keeps per venue (per IP / per account) to put in headers. */
export interface UsageSnapshot {
  weight1m: number;
  orders10s: number;
  orders1m: number;
}

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
  /** HTTP 429, exchange body, `Retry-After` header. */
  renderRateLimited(o: { retryAfterSec: number; endpoint: EndpointInfo; usage: UsageSnapshot }): Response;
  /** HTTP 418 IP ban (or the exchange's equivalent), `Retry-After` = seconds until unban. */
  renderBanned(o: { retryAfterSec: number; bannedUntilMs: number; endpoint: EndpointInfo }): Response;
  /** A 5xx as the exchange sends it during an outage. */
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
