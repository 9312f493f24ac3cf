import { http, type RequestHandler } from 'msw';
import type { Dialect, DialectContext, DialectFactory, EndpointInfo, UsageSnapshot } from '../types.ts';
import { verifySignedRequest } from '../binance/auth.ts';
import { bannedMsg, bodylessServerError, errorResponse, ordersLimitMsg, weightLimitMsg } from '../binance/errors.ts';
import { SPOT_ERRORS, rawRequestsMsg } from './errors.ts';
import { BINANCE_SPOT_LIMITS, intervalWords } from './limits.ts';
import { buildRoutes, routeKey, type Route } from './routes.ts';
import { rewriteHosts } from '../binance/request.ts';

/**
 * The Binance spot dialect (ccxt `binance`, spot markets only).
 *
 * For a venue host suffix H it answers on `https://api.H`: the spot API (`/api/v3`) and the
 * `/sapi` endpoints ccxt calls for status and, with keys, during loadMarkets. `configureClient`
 * points a ccxt `binance` client there, sets `exchange.hostname = H` (so ccxt's URL-keyed spot
 * error map applies, reference §1.6) and restricts `options.fetchMarkets.types` to `['spot']`:
 * the venue lists spot pairs only, as a user restricting ccxt's market types would.
 *
 * @example
 * const dialect = createBinanceSpotDialect(ctx);
 * const exchange = new ccxt.binance({ ...credentials, fetchImplementation });
 * dialect.configureClient(exchange);
 * await exchange.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 50000);
 */
export const createBinanceSpotDialect: DialectFactory = (ctx: DialectContext): Dialect => {
  const apiHost = `api.${ctx.hostname}`;

  // Orders and cancels sent without a client id get one, as on Binance; counters keep runs deterministic.
  let autoClientOrderIds = 0;
  let autoCancelIds = 0;
  const table = new Map<string, Route>();
  const routes = buildRoutes({ nextClientOrderId: () => `vcauto${++autoClientOrderIds}`, nextCancelId: () => `vccancel${++autoCancelIds}` });
  for (const route of routes) table.set(routeKey(route.method, route.path), route);

  const routeFor = (method: string, url: URL): Route | undefined =>
    url.host === apiHost ? table.get(routeKey(method.toUpperCase(), url.pathname)) : undefined;

  async function dispatch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const route = routeFor(method, url);
    // api.binance.com answers an unknown path with a bare 404 (no Binance JSON).
    if (route === undefined) return new Response(null, { status: 404 });
    const rawQuery = url.search.startsWith('?') ? url.search.slice(1) : url.search;
    const rawBody = method === 'GET' || method === 'HEAD' ? '' : await request.text();
    // Binance reads parameters from the query string and the form body; the query wins.
    const params = new URLSearchParams(rawBody);
    for (const [k, v] of new URLSearchParams(rawQuery)) params.set(k, v);
    const clockMs = ctx.venueClockMs();
    if (route.signed) {
      const failure = verifySignedRequest({
        apiKeyHeader: request.headers.get('X-MBX-APIKEY'),
        rawQuery,
        rawBody,
        params,
        nowMs: clockMs,
        credentials: ctx.credentials,
      });
      if (failure !== undefined) return errorResponse(failure);
    }
    return route.handle({ params, nowMs: ctx.now(), clockMs, ctx });
  }

  const handlers: RequestHandler[] = [http.all(`https://${apiHost}/*`, ({ request }) => dispatch(request))];

  const usageHeaders = (o: { usage: UsageSnapshot; endpoint: EndpointInfo }): Record<string, string> => {
    const used = (id: string): string => String(o.usage[id] ?? 0);
    // sapi reports its own IP-weight counter (here the shared one, see README).
    if (o.endpoint.endpoint.includes(' /sapi/')) return { 'X-SAPI-USED-IP-WEIGHT-1M': used('weight1m') };
    const headers: Record<string, string> = { 'X-MBX-USED-WEIGHT-1M': used('weight1m') };
    if (o.endpoint.orderCount > 0) {
      headers['X-MBX-ORDER-COUNT-10S'] = used('orders10s');
      headers['X-MBX-ORDER-COUNT-1D'] = used('orders1d');
    }
    return headers;
  };

  return {
    name: 'binance',
    ccxtId: 'binance',
    hosts: [apiHost],
    handlers,

    describe(method: string, url: URL): EndpointInfo | undefined {
      const route = routeFor(method, url);
      if (route === undefined) return undefined;
      return { endpoint: `${route.method} ${route.path}`, group: route.group, signed: route.signed, weight: route.weight(url.searchParams), orderCount: route.orderCount };
    },

    configureClient(exchange: { urls: any; hostname?: string; options: any }): void {
      exchange.urls.api = rewriteHosts(exchange.urls.api, ctx.hostname);
      exchange.hostname = ctx.hostname;
      // ccxt 4.5.84 `binance.fetchMarkets` reads `options.fetchMarkets.types` (default spot, linear, inverse).
      const fetchMarkets = exchange.options['fetchMarkets'];
      exchange.options['fetchMarkets'] = { ...(typeof fetchMarkets === 'object' && fetchMarkets !== null ? fetchMarkets : {}), types: ['spot'] };
    },

    limits: BINANCE_SPOT_LIMITS,

    renderRateLimited({ retryAfterSec, endpoint, usage, rule, limit }) {
      // The broken budget decides the words; a scripted window names the one the request counts against.
      const broken =
        rule ??
        BINANCE_SPOT_LIMITS.rules
          .filter((r) => (endpoint.orderCount > 0 ? r.counts === 'orders' : r.counts === 'weight'))
          .sort((a, b) => a.windowMs - b.windowMs)[0];
      const size = limit ?? broken?.limit ?? 0;
      const windowMs = broken?.windowMs ?? 60_000;
      const counts = broken?.counts ?? 'weight';
      const code = counts === 'orders' ? -1015 : -1003;
      const msg =
        counts === 'orders' ? ordersLimitMsg(size, intervalWords(windowMs)) : counts === 'requests' ? rawRequestsMsg(size, intervalWords(windowMs)) : weightLimitMsg(size, windowMs / 60_000);
      return errorResponse({ status: 429, code, msg }, { 'Retry-After': String(retryAfterSec), ...usageHeaders({ usage, endpoint }) });
    },

    renderBanned({ retryAfterSec, bannedUntilMs }) {
      return errorResponse({ status: 418, code: -1003, msg: bannedMsg(bannedUntilMs) }, { 'Retry-After': String(retryAfterSec) });
    },

    renderServerError({ status, variant }) {
      if (variant !== 'json') return bodylessServerError(status, variant);
      // Spot's documented internal error (-1001) with the status the fault layer picked.
      return errorResponse({ ...SPOT_ERRORS.internalError, status });
    },

    renderUnknownStatus() {
      return errorResponse(SPOT_ERRORS.executionStatusUnknown);
    },
    renderMaintenance() {
      return errorResponse(SPOT_ERRORS.maintenance);
    },

    usageHeaders,
  };
};

