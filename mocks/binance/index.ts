import { http, type RequestHandler } from 'msw';
import type { Dialect, DialectContext, DialectFactory, EndpointInfo, UsageSnapshot } from '../types.ts';
import { verifySignedRequest } from './auth.ts';
import {
  BINANCE_ERRORS,
  SERVICE_UNAVAILABLE_BODY,
  bannedMsg,
  errorResponse,
  bodylessServerError,
  ordersLimitMsg,
  pathInvalid,
  weightLimitMsg,
} from './errors.ts';
import { BINANCE_USDM_LIMITS, intervalWords } from './limits.ts';
import { buildRoutes, routeKey, type HostKind, type Route } from './routes.ts';
import { rewriteHosts } from './request.ts';

/**
 * The Binance USDⓈ-M futures dialect (ccxt `binanceusdm`).
 *
 * For a venue host suffix H it answers on `https://fapi.H` (the futures API) and `https://api.H`
 * (the `sapi` endpoints binanceusdm calls for status and, with keys, during loadMarkets).
 * `configureClient` points a ccxt client there and sets `exchange.hostname = H`, so ccxt's
 * URL-keyed error maps classify mock responses exactly as production ones (reference §1.6).
 *
 * @example
 * const dialect = createBinanceUsdmDialect({ engine, hostname: 'primary.venuechaos.test', now, credentials, systemStatus });
 * const exchange = new ccxt.binanceusdm({ ...credentials, fetchImplementation });
 * dialect.configureClient(exchange);
 */
export const createBinanceUsdmDialect: DialectFactory = (ctx: DialectContext): Dialect => {
  const fapiHost = `fapi.${ctx.hostname}`;
  const apiHost = `api.${ctx.hostname}`;
  const hostKindOf = (host: string): HostKind | undefined => (host === fapiHost ? 'fapi' : host === apiHost ? 'api' : undefined);

  // Orders sent without newClientOrderId get one, as on Binance; a counter keeps runs deterministic.
  let autoClientOrderIds = 0;
  const table = new Map<string, Route>();
  for (const route of buildRoutes(() => `vcauto${++autoClientOrderIds}`)) table.set(routeKey(route.host, route.method, route.path), route);

  const routeFor = (method: string, url: URL): Route | undefined => {
    const kind = hostKindOf(url.host);
    return kind === undefined ? undefined : table.get(routeKey(kind, method.toUpperCase(), url.pathname));
  };

  async function dispatch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const route = routeFor(method, url);
    if (route === undefined) return errorResponse(pathInvalid(url.pathname, method));
    const rawQuery = url.search.startsWith('?') ? url.search.slice(1) : url.search;
    const rawBody = method === 'GET' || method === 'HEAD' ? '' : await request.text();
    // Binance reads parameters from the query string and the form body; the query wins.
    const params = new URLSearchParams(rawBody);
    for (const [k, v] of new URLSearchParams(rawQuery)) params.set(k, v);
    const nowMs = ctx.now();
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
    return route.handle({ params, nowMs, clockMs, ctx });
  }

  const handlers: RequestHandler[] = [
    http.all(`https://${fapiHost}/*`, ({ request }) => dispatch(request)),
    http.all(`https://${apiHost}/*`, ({ request }) => dispatch(request)),
  ];

  const usageHeaders = (o: { usage: UsageSnapshot; endpoint: EndpointInfo }): Record<string, string> => {
    // sapi endpoints report their own IP-weight counter; fapi ones the futures counters.
    const used = (id: string): string => String(o.usage[id] ?? 0);
    if (o.endpoint.endpoint.includes(' /sapi/')) return { 'X-SAPI-USED-IP-WEIGHT-1M': used('weight1m') };
    const headers: Record<string, string> = { 'X-MBX-USED-WEIGHT-1M': used('weight1m') };
    if (o.endpoint.orderCount > 0) {
      headers['X-MBX-ORDER-COUNT-10S'] = used('orders10s');
      headers['X-MBX-ORDER-COUNT-1M'] = used('orders1m');
    }
    return headers;
  };

  return {
    name: 'binanceusdm',
    ccxtId: 'binanceusdm',
    hosts: [fapiHost, apiHost],
    handlers,

    describe(method: string, url: URL): EndpointInfo | undefined {
      const route = routeFor(method, url);
      if (route === undefined) return undefined;
      return {
        endpoint: `${route.method} ${route.path}`,
        group: route.group,
        signed: route.signed,
        weight: route.weight(url.searchParams),
        orderCount: route.orderCount,
      };
    },

    configureClient(exchange: { urls: any; hostname?: string; options: any }): void {
      exchange.urls.api = rewriteHosts(exchange.urls.api, ctx.hostname);
      exchange.hostname = ctx.hostname;
    },

    limits: BINANCE_USDM_LIMITS,

    renderRateLimited({ retryAfterSec, endpoint, usage, rule, limit }) {
      // The broken budget decides the words; a scripted window names the one the request counts against.
      const broken =
        rule ??
        BINANCE_USDM_LIMITS.rules
          .filter((r) => (endpoint.orderCount > 0 ? r.counts === 'orders' : r.counts === 'weight'))
          .sort((a, b) => a.windowMs - b.windowMs)[0];
      const size = limit ?? broken?.limit ?? 0;
      const windowMs = broken?.windowMs ?? 60_000;
      const orders = broken?.counts === 'orders';
      const code = orders ? -1015 : -1003;
      const msg = orders ? ordersLimitMsg(size, intervalWords(windowMs)) : weightLimitMsg(size, windowMs / 60_000);
      return errorResponse({ status: 429, code, msg }, { 'Retry-After': String(retryAfterSec), ...usageHeaders({ usage, endpoint }) });
    },

    renderBanned({ retryAfterSec, bannedUntilMs }) {
      return errorResponse({ status: 418, code: -1003, msg: bannedMsg(bannedUntilMs) }, { 'Retry-After': String(retryAfterSec) });
    },

    renderServerError({ status, variant }) {
      if (variant !== 'json') return bodylessServerError(status, variant);
      return new Response(JSON.stringify(SERVICE_UNAVAILABLE_BODY), { status, headers: { 'Content-Type': 'application/json' } });
    },

    renderUnknownStatus() {
      return errorResponse(BINANCE_ERRORS.executionStatusUnknown);
    },
    renderMaintenance() {
      return errorResponse(BINANCE_ERRORS.maintenance);
    },

    usageHeaders,
  };
};

