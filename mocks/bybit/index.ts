import { http, type RequestHandler } from 'msw';
import type { Dialect, DialectContext, DialectFactory, EndpointInfo, UsageSnapshot } from '../types.ts';
import { verifySignedRequest } from './auth.ts';
import { ACCESS_TOO_FREQUENT, BYBIT_ERRORS, cdnErrorPage, errorResponse, htmlGatewayPage, routeNotFound } from './errors.ts';
import { BYBIT_LIMITS, bapiLimitHeaders } from './limits.ts';
import { Params, buildRoutes, createDialectOrders, routeKey, type Route } from './routes.ts';

/**
 * The Bybit v5 dialect for USDT linear perpetuals (ccxt `bybit`, unified trading account).
 *
 * For a venue host suffix H it answers on `https://api.H` (Bybit's `api.bybit.com`): market data,
 * the account probes ccxt makes before its first private call (`/v5/user/query-api`,
 * `/v5/account/info`), account reads and orders. `configureClient` sets `exchange.hostname = H`
 * (ccxt builds every bybit URL as `https://api.{hostname}`) and rewrites any literal `bybit.com`
 * left in `urls.api`.
 *
 * @example
 * const dialect = createBybitDialect(dialectContextFor({ venueId: 'primary', engine, faults, now }));
 * const exchange = new ccxt.bybit({ ...credentials, fetchImplementation });
 * dialect.configureClient(exchange);
 */
export const createBybitDialect: DialectFactory = (ctx: DialectContext): Dialect => {
  const apiHost = `api.${ctx.hostname}`;
  const orders = createDialectOrders();
  const table = new Map<string, Route>();
  for (const route of buildRoutes(orders)) table.set(routeKey(route.method, route.path), route);

  const routeFor = (method: string, url: URL): Route | undefined =>
    url.host === apiHost ? table.get(routeKey(method.toUpperCase(), url.pathname)) : undefined;

  async function dispatch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const clockMs = ctx.venueClockMs();
    const route = routeFor(method, url);
    if (route === undefined) return errorResponse(routeNotFound, clockMs);
    const rawQuery = url.search.startsWith('?') ? url.search.slice(1) : url.search;
    const rawBody = method === 'POST' ? await request.text() : '';
    if (route.signed) {
      const failure = verifySignedRequest({ headers: request.headers, payload: method === 'POST' ? rawBody : rawQuery, serverMs: clockMs, credentials: ctx.credentials });
      if (failure !== undefined) return errorResponse(failure, clockMs);
    }
    let params: Params;
    if (method === 'POST') {
      let body: unknown;
      try {
        body = rawBody === '' ? {} : JSON.parse(rawBody);
      } catch {
        return errorResponse(BYBIT_ERRORS.invalidJsonBody, clockMs);
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return errorResponse(BYBIT_ERRORS.invalidJsonBody, clockMs);
      params = new Params(body as Record<string, unknown>);
    } else {
      params = Params.fromQuery(new URLSearchParams(rawQuery));
    }
    return route.handle({ params, nowMs: ctx.now(), clockMs, ctx });
  }

  const handlers: RequestHandler[] = [http.all(`https://${apiHost}/*`, ({ request }) => dispatch(request))];

  /** Where the current 1-second UID window ends, on the venue's clock. */
  const windowEndClockMs = (windowMs: number): number => {
    const nowMs = ctx.now();
    return ctx.venueClockMs() + (Math.floor(nowMs / windowMs) * windowMs + windowMs - nowMs);
  };

  const usageHeaders = (o: { usage: UsageSnapshot; endpoint: EndpointInfo }): Record<string, string> =>
    bapiLimitHeaders({ endpoint: o.endpoint, usage: o.usage, clockMs: ctx.venueClockMs(), windowEndClockMs: windowEndClockMs(1000) }) ?? {};

  return {
    name: 'bybit',
    ccxtId: 'bybit',
    hosts: [apiHost],
    handlers,

    describe(method: string, url: URL): EndpointInfo | undefined {
      const route = routeFor(method, url);
      if (route === undefined) return undefined;
      return { endpoint: `${route.method} ${route.path}`, group: route.group, signed: route.signed, weight: route.weight, orderCount: route.orderCount };
    },

    configureClient(exchange: { urls: any; hostname?: string; options: any }): void {
      exchange.urls.api = rewriteHosts(exchange.urls.api, ctx.hostname);
      exchange.hostname = ctx.hostname;
    },

    limits: BYBIT_LIMITS,

    renderRateLimited({ retryAfterSec, endpoint, usage, rule, limit }) {
      // 10006 is per UID and endpoint; the headers say which budget and when it resets. A scripted
      // storm (no rule) resets when the storm's Retry-After would have passed.
      const clockMs = ctx.venueClockMs();
      const resetMs = rule !== undefined ? windowEndClockMs(rule.windowMs) : clockMs + retryAfterSec * 1000;
      const budgetUnits = rule?.id === 'uid1s' ? limit : undefined;
      const headers = bapiLimitHeaders({ endpoint, usage, clockMs, windowEndClockMs: resetMs, exhausted: true, ...(budgetUnits !== undefined ? { budgetUnits } : {}) });
      return errorResponse(BYBIT_ERRORS.tooManyVisits, clockMs, headers ?? {});
    },

    renderBanned() {
      // The per-IP ban: HTTP 403 and a bare text body (so ccxt falls through to bybit's 403 → RateLimitExceeded).
      return new Response(ACCESS_TOO_FREQUENT, { status: 403, statusText: 'Forbidden', headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    },

    renderServerError({ status, variant }) {
      switch (variant) {
        case 'json':
          return errorResponse({ ...BYBIT_ERRORS.serverError, status }, ctx.venueClockMs());
        case 'html':
          return new Response(htmlGatewayPage(status), { status, headers: { 'Content-Type': 'text/html' } });
        case 'empty':
          return new Response(null, { status });
        case 'cdn':
          return new Response(cdnErrorPage(status), { status, headers: { 'Content-Type': 'text/html', Server: 'CloudFront', 'X-Cache': 'Error from cloudfront' } });
      }
    },

    renderUnknownStatus() {
      return errorResponse(BYBIT_ERRORS.serverTimeout, ctx.venueClockMs());
    },

    renderMaintenance() {
      return errorResponse(BYBIT_ERRORS.systemRestarting, ctx.venueClockMs());
    },

    usageHeaders,
  };
};

/** Every URL under `urls.api` with "bybit.com" replaced by the venue's host suffix (ccxt's own are `{hostname}` templates). */
function rewriteHosts(api: unknown, hostname: string): unknown {
  if (typeof api === 'string') return api.replace(/bybit\.com/g, hostname);
  if (api !== null && typeof api === 'object') return Object.fromEntries(Object.entries(api).map(([k, v]) => [k, rewriteHosts(v, hostname)]));
  return api;
}
