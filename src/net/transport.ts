import { getResponse, type RequestHandler } from 'msw';
import { CONTRACT_VALUE_DEFAULT, CONTRACT_VALUES } from '../../mocks/okx/contracts.ts';
import type { Dialect, EndpointInfo, UsageSnapshot } from '../../mocks/types.ts';
import type { FaultDecision, FaultSchedule } from '../faults/index.ts';
import type { Rng } from '../sim/rng.ts';
import type { Trace } from '../sim/trace.ts';

/**
 * The testbed's transport: the `fetchImplementation` every ccxt instance in a run is wired to.
 * It finds the venue by host, asks the fault layer what happens to the request, and either
 * renders the fault in the dialect's words or hands the request to the dialect's MSW handlers.
 * Latency is virtual (the venue's `latencyMs`, half before the venue sees the request, half after).
 *
 * A request to a host no venue serves is an error — never a pass-through to the network.
 */

export interface TransportVenue {
  id: string;
  dialect: Dialect;
  latencyMs: number;
}

export interface TransportOptions {
  venues: readonly TransportVenue[];
  faults: FaultSchedule;
  trace: Trace;
  now: () => number;
  rng: Rng;
  /**
   * With several markets, the run's coins ("BTC", "ETH"): an order placement's request event then
   * names the coin it trades (`orderAsset`, read from its instrument), so the invariants can judge
   * each coin on its own. Unset or one coin: not recorded.
   */
  coins?: readonly string[];
}

/** Counts by venue and outcome, for the summary. */
export type RequestCounts = Record<string, Record<string, number>>;

export interface Transport {
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  /** Requests being processed by a mock right now (real async work the driver must wait for). */
  inFlight(): number;
  readonly counts: RequestCounts;
  readonly faultsFired: Record<string, number>;
}

interface VenueRuntime extends TransportVenue {
  random: () => number;
}

export class UnhandledRequestError extends Error {
  readonly code = 'VC_NET_UNHANDLED';
}

/** A virtual delay the client can give up on: its abort rejects the way a real socket wait would. */
const sleep = (ms: number, signal?: AbortSignal | null): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

function abortReason(signal: AbortSignal | null | undefined): unknown {
  return signal?.reason instanceof Error ? signal.reason : new DOMException('This operation was aborted', 'AbortError');
}

export function createTransport(opts: TransportOptions): Transport {
  const byHost = new Map<string, VenueRuntime>();
  for (const venue of opts.venues) {
    const runtime: VenueRuntime = {
      ...venue,
      random: (() => {
        const stream = opts.rng.fork(`venue:${venue.id}/faults`);
        return () => stream.next();
      })(),
    };
    for (const host of venue.dialect.hosts) byHost.set(host, runtime);
  }
  const counts: RequestCounts = {};
  const faultsFired: Record<string, number> = {};
  let inFlight = 0;
  let nextRequestId = 0;

  const count = (venue: string, outcome: string): void => {
    const byOutcome = (counts[venue] ??= {});
    byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1;
  };

  /** A fault that shapes a request without deciding its fate (latency, clock skew) still counts as fired. */
  const fired = (venue: string, reqId: number, kind: string, detail: Record<string, unknown>): void => {
    faultsFired[kind] = (faultsFired[kind] ?? 0) + 1;
    const fault = opts.faults.active(venue, opts.now()).find((f) => f.kind === kind);
    opts.trace.record('fault.fired', { venue, reqId, faultId: fault?.id ?? kind, action: kind, ...detail });
  };

  /** Usage as the venue counts it (the fault layer's meter), for the dialect's headers. */
  const usage = (venue: VenueRuntime, nowMs: number, endpoint: EndpointInfo): UsageSnapshot =>
    opts.faults.usage(venue.id, { endpoint, nowMs, limits: venue.dialect.limits });

  async function transportFetch(url: string, init: RequestInit = {}): Promise<Response> {
    const parsed = new URL(url);
    const method = (init.method ?? 'GET').toUpperCase();
    const venue = byHost.get(parsed.host);
    if (venue === undefined) {
      opts.trace.record('request.unhandled', { method, url: `${parsed.protocol}//${parsed.host}${parsed.pathname}` });
      throw new TypeError('fetch failed', {
        cause: new UnhandledRequestError(
          `venuechaos: no mock venue serves ${parsed.host} (${method} ${parsed.pathname}). ` +
            'Every request in a simulation must go to a scenario venue; check the venue ids and the client wiring.',
        ),
      });
    }
    const endpoint: EndpointInfo = venue.dialect.describe(method, parsed) ?? {
      endpoint: `${method} ${parsed.pathname}`,
      group: 'reference',
      signed: false,
      weight: 1,
      orderCount: 0,
    };
    const reqId = nextRequestId++;
    // What the invariants need of a request beyond its endpoint: its group (an account read can
    // reveal a lost order), and for an order placement its count and direction (noDoubleHedge).
    const fields = endpoint.orderCount > 0 ? requestFields(parsed, init.body) : [];
    const side = endpoint.orderCount > 0 ? sideIn(fields) : undefined;
    const orderBase = endpoint.orderCount === 1 ? baseIn(fields) : undefined;
    const orderAsset = endpoint.orderCount > 0 && opts.coins !== undefined && opts.coins.length > 1 ? coinIn(fields, opts.coins) : undefined;
    opts.trace.record('request', {
      venue: venue.id,
      reqId,
      endpoint: endpoint.endpoint,
      group: endpoint.group,
      ...(endpoint.orderCount > 0 ? { orderCount: endpoint.orderCount, ...(side !== undefined ? { side } : {}), ...(orderBase !== undefined ? { orderBase } : {}), ...(orderAsset !== undefined ? { orderAsset } : {}) } : {}),
    });
    const halfLatencyMs = venue.latencyMs / 2;
    // A latency fault delays the request on its way in (the venue acts later, as on a slow path).
    const extraLatencyMs = opts.faults.extraLatencyMs(venue.id, opts.now(), venue.random);
    if (halfLatencyMs + extraLatencyMs > 0) {
      try {
        await sleep(halfLatencyMs + extraLatencyMs, init.signal);
      } catch (error) {
        // The client gave up before the venue saw the request.
        count(venue.id, 'timeout');
        opts.trace.record('response', { venue: venue.id, reqId, endpoint: endpoint.endpoint, outcome: 'timeout' });
        throw error;
      }
    }

    const nowMs = opts.now();
    if (extraLatencyMs > 0) fired(venue.id, reqId, 'latency', { delayMs: extraLatencyMs });
    const skewMs = opts.faults.clockSkewMs(venue.id, nowMs);
    if (skewMs !== 0) fired(venue.id, reqId, 'clockSkew', { skewMs });
    if (endpoint.group === 'marketData' && opts.faults.marketDataTimeMs(venue.id, nowMs) !== nowMs) fired(venue.id, reqId, 'staleData', {});
    if (endpoint.group === 'account') {
      const lagMs = opts.faults.readLagMs(venue.id, nowMs);
      if (lagMs > 0) fired(venue.id, reqId, 'readLag', { lagMs });
    }
    const phase = opts.faults.tradingPhase(venue.id, nowMs);
    if (phase !== 'normal' && endpoint.orderCount > 0) fired(venue.id, reqId, 'maintenance', { phase });
    const decision = opts.faults.decide({ venue: venue.id, endpoint, nowMs, random: venue.random, limits: venue.dialect.limits });
    if (decision.action !== 'pass' && decision.fault !== undefined) {
      faultsFired[decision.fault.kind] = (faultsFired[decision.fault.kind] ?? 0) + 1;
      opts.trace.record('fault.fired', { venue: venue.id, reqId, faultId: decision.fault.id, action: decision.action });
    } else if (decision.action === 'rateLimited' || decision.action === 'banned') {
      // The venue's own limits at work (the client's usage, or its earlier ban), not a scripted fault.
      opts.trace.record('limit.enforced', { venue: venue.id, reqId, action: decision.action, ...(decision.action === 'rateLimited' && decision.breach !== undefined ? { rule: decision.breach.rule.id, limit: decision.breach.limit } : {}) });
    }

    const finish = (outcome: string, extra: Record<string, unknown> = {}): void => {
      count(venue.id, outcome);
      opts.trace.record('response', { venue: venue.id, reqId, endpoint: endpoint.endpoint, outcome, ...extra });
    };

    switch (decision.action) {
      case 'refuse':
        finish('refused', { faultId: decision.fault.id });
        throw new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ECONNREFUSED ${parsed.host}:443`), { code: 'ECONNREFUSED' }) });
      case 'reset':
        finish('reset', { faultId: decision.fault.id });
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
      case 'hang':
        return hang(init.signal ?? undefined, () => finish('timeout', { faultId: decision.fault.id }));
      default:
        break;
    }

    // Mock processing is real async work (MSW, Request/Response bodies): the driver must not move
    // virtual time while it runs, so it is counted in `inFlight` until the body is in hand.
    inFlight += 1;
    let response: Response;
    let text: string;
    let headers: Headers;
    try {
      if (decision.action === 'pass' || decision.action === 'ackLoss') {
        const request = new Request(url, { method, headers: init.headers, body: init.body ?? null });
        const mocked = await getResponse(venue.dialect.handlers as RequestHandler[], request);
        if (mocked === undefined) {
          finish('unhandled');
          throw new TypeError('fetch failed', {
            cause: new UnhandledRequestError(`venuechaos: the ${venue.dialect.name} mock has no handler for ${method} ${parsed.pathname}`),
          });
        }
        response = mocked;
      } else {
        response = renderFault(venue.dialect, decision, endpoint, usage(venue, nowMs, endpoint));
      }
      if (decision.action === 'ackLoss') {
        // The venue has acted (the order is in its books); only the answer is lost.
        opts.trace.record('fault.ackLost', { venue: venue.id, reqId, status: response.status, mode: decision.fault.mode });
        await response.text();
        // `timeout` answers nothing (see below); the placeholder only keeps the code path single.
        response = decision.fault.mode === 'unknownStatus' ? venue.dialect.renderUnknownStatus({ endpoint }) : new Response(null, { status: 200 });
      }
      headers = new Headers(response.headers);
      if (decision.action === 'pass') {
        const usageNow = usage(venue, nowMs, endpoint);
        for (const [k, v] of Object.entries(venue.dialect.usageHeaders({ usage: usageNow, endpoint }))) headers.set(k, v);
      }
      text = await response.text();
    } finally {
      inFlight -= 1;
    }
    if (decision.action === 'ackLoss' && decision.fault.mode === 'timeout') {
      return hang(init.signal ?? undefined, () => finish('timeout', { faultId: decision.fault.id }));
    }
    if (halfLatencyMs > 0) {
      try {
        await sleep(halfLatencyMs, init.signal);
      } catch (error) {
        // The venue answered, but the client gave up before the answer arrived.
        finish('timeout', { status: response.status });
        throw error;
      }
    }
    finish(outcomeOf(response.status, decision), {
      status: response.status,
      ...statedWaitOf(decision, venue.dialect.limits.announcesWait, headers, (venueClockMs) => venueClockMs - skewMs - opts.now() + opts.trace.elapsedMs()),
      ...(decision.action !== 'pass' ? { faultId: decision.fault?.id ?? (decision.action === 'banned' ? 'ban' : 'limit') } : {}),
    });
    return new Response(text, { status: response.status, statusText: response.statusText, headers });
  }

  return {
    fetch: transportFetch,
    inFlight: () => inFlight,
    counts,
    faultsFired,
  };
}

/**
 * The direction of an order placement as the request states it, in any dialect's spelling:
 * `side` (Binance BUY/SELL, OKX buy/sell, Bybit Buy/Sell) or Kraken's `type` (buy/sell), in the
 * query string, a form body or a JSON body (an OKX batch: its first order). Undefined when the
 * request names none (the venue then rejects it anyway).
 */
export function orderSideOf(url: URL, body: RequestInit['body']): 'buy' | 'sell' | undefined {
  return sideIn(requestFields(url, body));
}

function sideIn(fields: ReadonlyArray<Record<string, unknown>>): 'buy' | 'sell' | undefined {
  for (const f of fields) {
    for (const key of ['side', 'type']) {
      const value = typeof f[key] === 'string' ? (f[key] as string).toLowerCase() : undefined;
      if (value === 'buy' || value === 'sell') return value;
    }
  }
  return undefined;
}

/**
 * The size of a single order placement in base units, as the request states it: Binance's
 * `quantity`, Bybit's `qty`, Kraken's `volume`, or OKX's `sz` in contracts times the instrument's
 * `ctVal`. Recorded on the request event so the `exposure` invariant knows how much an order of
 * unknown outcome could have hedged. Undefined when the request names no size.
 */
export function orderBaseOf(url: URL, body: RequestInit['body']): string | undefined {
  return baseIn(requestFields(url, body));
}

function baseIn(fields: ReadonlyArray<Record<string, unknown>>): string | undefined {
  for (const f of fields) {
    for (const key of ['quantity', 'qty', 'volume']) {
      if (typeof f[key] === 'string' && Number(f[key]) > 0) return f[key] as string;
    }
    if (typeof f['sz'] === 'string' && Number(f['sz']) > 0) {
      // Swaps trade in contracts of `ctVal` base units ("BTC-USDT-SWAP": 0.01 BTC); spot in base units.
      const instId = String(f['instId'] ?? '');
      const ctVal = instId.endsWith('-SWAP') ? (CONTRACT_VALUES[instId.split('-')[0] ?? ''] ?? CONTRACT_VALUE_DEFAULT) : '1';
      return String(Math.round(Number(f['sz']) * Number(ctVal) * 1e12) / 1e12);
    }
  }
  return undefined;
}

/**
 * The coin an order placement trades, of `coins`, from its instrument in any dialect's spelling:
 * Binance's and Bybit's `symbol` ("ETHUSDT"), OKX's `instId` ("ETH-USDT-SWAP"), Kraken's `pair`
 * ("XETHZUSD", "XBTUSD": XBT is Kraken's BTC). Undefined when it names none of them.
 */
export function coinIn(fields: ReadonlyArray<Record<string, unknown>>, coins: readonly string[]): string | undefined {
  for (const f of fields) {
    for (const key of ['symbol', 'instId', 'pair']) {
      if (typeof f[key] !== 'string') continue;
      const id = (f[key] as string).toUpperCase().replace(/[^A-Z0-9]/g, '').replace(/^X?XBT/, 'BTC');
      const coin = coins.find((c) => id.startsWith(c) || id.startsWith(`X${c}`));
      if (coin !== undefined) return coin;
    }
  }
  return undefined;
}

/** The fields of a request: its query, and its body (JSON — the first element of an array — or form). */
function requestFields(url: URL, body: RequestInit['body']): Array<Record<string, unknown>> {
  const fields: Array<Record<string, unknown>> = [Object.fromEntries(url.searchParams)];
  if (typeof body === 'string' && body !== '') {
    const text = body.trim();
    if (text.startsWith('{') || text.startsWith('[')) {
      try {
        const json: unknown = JSON.parse(text);
        const first = Array.isArray(json) ? json[0] : json;
        if (first !== null && typeof first === 'object') fields.push(first as Record<string, unknown>);
      } catch {
        // not JSON after all: nothing to read
      }
    } else {
      fields.push(Object.fromEntries(new URLSearchParams(text)));
    }
  } else if (body instanceof URLSearchParams) {
    fields.push(Object.fromEntries(body));
  }
  return fields;
}

/**
 * What a refusal told the client to wait, for the `retryAfter` invariant: only what the response
 * itself states, since a client cannot honour a wait it was never told.
 *
 * - `retryAfterSec`: a wait relative to the answer (Binance's `Retry-After`; a ban's length).
 * - `retryAtMs`: an absolute reset the venue stated on its own clock (Bybit's
 *   `X-Bapi-Limit-Reset-Timestamp`, epoch ms on the venue's clock), converted to the trace's time
 *   (`tMs`) by `traceMsOf` (the venue's clock less its skew, then less the run's start).
 *   A request that leaves at or after it honours the refusal, whatever the response's latency.
 *
 * A rate-limited answer that names no wait (Bybit's public endpoints carry no X-Bapi headers; OKX
 * and Kraken never name one) records neither: the client's backoff is its own business there, and
 * ignoring refusals still ends in a ban (`noBan`).
 */
function statedWaitOf(decision: FaultDecision, announcesWait: boolean, headers: Headers, traceMsOf: (venueClockMs: number) => number): { retryAfterSec?: number; retryAtMs?: number } {
  if (decision.action === 'banned') return { retryAfterSec: decision.retryAfterSec };
  if (decision.action !== 'rateLimited' || !announcesWait) return {};
  const resetClockMs = Number(headers.get('x-bapi-limit-reset-timestamp') ?? Number.NaN);
  if (Number.isFinite(resetClockMs)) return { retryAfterSec: decision.retryAfterSec, retryAtMs: traceMsOf(resetClockMs) };
  if (headers.get('retry-after') !== null) return { retryAfterSec: decision.retryAfterSec };
  return {};
}

function outcomeOf(status: number, decision: FaultDecision): string {
  if (decision.action === 'rateLimited') return 'rateLimited';
  if (decision.action === 'banned') return 'banned';
  if (decision.action === 'maintenance') return 'maintenance';
  if (decision.action === 'serverError') return 'http5xx';
  if (decision.action === 'ackLoss') return 'ackLost';
  if (status >= 500) return 'http5xx';
  if (status >= 400) return 'http4xx';
  return 'ok';
}

function renderFault(dialect: Dialect, decision: FaultDecision, endpoint: EndpointInfo, usage: UsageSnapshot): Response {
  switch (decision.action) {
    case 'serverError':
      return dialect.renderServerError({ status: decision.status, variant: decision.variant, endpoint });
    case 'rateLimited':
      return dialect.renderRateLimited({ retryAfterSec: decision.retryAfterSec, endpoint, usage, rule: decision.breach?.rule, limit: decision.breach?.limit });
    case 'banned':
      return dialect.renderBanned({ retryAfterSec: decision.retryAfterSec, bannedUntilMs: decision.bannedUntilMs, endpoint });
    case 'maintenance':
      return dialect.renderMaintenance({ endpoint });
    default:
      throw new Error(`venuechaos bug: renderFault called for ${decision.action}`);
  }
}

/** A venue that accepted the connection and never answers: settles only when the client gives up. */
function hang(signal: AbortSignal | undefined, onAbort: () => void): Promise<Response> {
  return new Promise((_resolve, reject) => {
    if (signal === undefined) return; // no way to give up: hangs until the run ends
    const abort = (): void => {
      onAbort();
      reject(signal.reason instanceof Error ? signal.reason : new DOMException('This operation was aborted', 'AbortError'));
    };
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
  });
}
