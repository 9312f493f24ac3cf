import { http, type RequestHandler } from 'msw';
import type { Dialect, DialectContext, DialectFactory, EndpointInfo } from '../types.ts';
import { okxPassphraseFor, verifySignedRequest } from './auth.ts';
import { OKX_ERRORS, cdnErrorPage, errorResponse, htmlGatewayPage, notFoundResponse, okxResponse } from './errors.ts';
import { OKX_LIMITS, SUB_ACCOUNT_RULE_ID } from './limits.ts';
import { buildRoutes, createOkxVenue, routeKey, unknownStatusResponse, type Route } from './routes.ts';

/**
 * The OKX v5 dialect for USDT-margined perpetual swaps (ccxt `okx`).
 *
 * For a venue host suffix H it answers on `https://www.H` (OKX's `www.okx.com`; ccxt's
 * `urls.api.rest` is `https://{hostname}`). `configureClient` sets `exchange.hostname` to that host
 * and, when the client has no `password` (OKX's API passphrase), gives it the venue key's
 * passphrase ({@link okxPassphraseFor}).
 *
 * The engine trades base units; OKX trades contracts (`ctVal` 0.01 BTC, 0.1 ETH): sizes are
 * converted at this boundary (contracts.ts), so ccxt amounts on this venue are contracts, as in
 * production.
 *
 * @example
 * const dialect = createOkxDialect(dialectContextFor({ venueId: 'primary', engine, faults, now }));
 * const exchange = new ccxt.okx({ ...credentials, password: okxPassphraseFor(credentials.apiKey), fetchImplementation });
 * dialect.configureClient(exchange);
 * await exchange.createOrder('BTC/USDT:USDT', 'market', 'buy', 1); // 1 contract = 0.01 BTC
 */
export const createOkxDialect: DialectFactory = (ctx: DialectContext): Dialect => {
  const host = `www.${ctx.hostname}`;
  const venue = createOkxVenue(ctx);
  const table = new Map<string, Route>();
  const paths = new Set<string>();
  for (const route of buildRoutes(venue)) {
    table.set(routeKey(route.method, route.path), route);
    paths.add(route.path);
  }

  const routeFor = (method: string, url: URL): Route | undefined =>
    url.host === host ? table.get(routeKey(method.toUpperCase(), url.pathname)) : undefined;

  async function dispatch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const route = routeFor(method, url);
    if (route === undefined) return paths.has(url.pathname) ? errorResponse(OKX_ERRORS.methodInvalid) : notFoundResponse();
    const rawBody = method === 'GET' || method === 'HEAD' ? '' : await request.text();
    const clockMs = ctx.venueClockMs();
    if (route.signed) {
      const failure = verifySignedRequest({
        headers: request.headers,
        method,
        requestPath: `${url.pathname}${url.search}`,
        rawBody,
        clockMs,
        credentials: ctx.credentials,
      });
      if (failure !== undefined) return errorResponse(failure);
    }
    let body: unknown;
    if (method === 'POST') {
      if (rawBody === '') return errorResponse(OKX_ERRORS.bodyEmpty);
      if (!(request.headers.get('Content-Type') ?? '').toLowerCase().includes('application/json')) return errorResponse(OKX_ERRORS.contentType);
      try {
        body = JSON.parse(rawBody);
      } catch {
        return errorResponse(OKX_ERRORS.jsonSyntax);
      }
    }
    return route.handle({ query: url.searchParams, body, headers: request.headers, nowMs: ctx.now(), clockMs, ctx });
  }

  const handlers: RequestHandler[] = [http.all(`https://${host}/*`, ({ request }) => dispatch(request))];

  /** 50011 as OKX's gateway answers it (ccxt issue #18901): HTTP 429, no `data`, no Retry-After (none is documented). */
  const tooManyRequests = (): Response => okxResponse({ msg: OKX_ERRORS.tooManyRequests.msg, code: OKX_ERRORS.tooManyRequests.code }, 429);

  return {
    name: 'okx',
    ccxtId: 'okx',
    hosts: [host],
    handlers,

    describe(method: string, url: URL): EndpointInfo | undefined {
      const route = routeFor(method, url);
      if (route === undefined) return undefined;
      return { endpoint: routeKey(route.method, route.path), group: route.group, signed: route.signed, weight: route.weight, orderCount: route.orderCount };
    },

    configureClient(exchange: { urls: any; hostname?: string; options: any }): void {
      exchange.urls.api = rewriteHosts(exchange.urls.api, host);
      if (exchange.urls.test !== undefined) exchange.urls.test = rewriteHosts(exchange.urls.test, host);
      exchange.hostname = host;
      // The testbed's credentials carry no passphrase (src/sim/run.ts credentialsFor); OKX needs one.
      const client = exchange as { password?: string };
      if (client.password === undefined || client.password === '') client.password = okxPassphraseFor(ctx.credentials.apiKey);
    },

    limits: OKX_LIMITS,

    renderRateLimited({ rule }) {
      // The sub-account order budget has its own code (HTTP 200); every per-endpoint budget, and a
      // scripted 429 storm, answers 50011.
      return rule?.id === SUB_ACCOUNT_RULE_ID ? errorResponse(OKX_ERRORS.subAccountOrderRate) : tooManyRequests();
    },

    renderBanned() {
      // OKX documents no IP ban. Reachable only when a scenario fixes `banSec`: the venue then keeps
      // refusing the client with 50011 for the ban's length (README "Rate limits").
      return tooManyRequests();
    },

    renderServerError({ status, variant }) {
      switch (variant) {
        case 'json':
          // OKX documents one JSON body per 5xx: 503 → 50001 "Service temporarily unavailable"
          // (ccxt: OnMaintenance), 500 → 50026 "System error" (ExchangeNotAvailable).
          return errorResponse({ ...(status === 503 ? OKX_ERRORS.serviceUnavailable : OKX_ERRORS.systemError), status });
        case 'html':
          return new Response(htmlGatewayPage(status), { status, headers: { 'Content-Type': 'text/html' } });
        case 'empty':
          return new Response(null, { status });
        case 'cdn':
          return new Response(cdnErrorPage(status, host), {
            status,
            headers: { 'Content-Type': 'text/html; charset=UTF-8', Server: 'cloudflare', 'CF-RAY': '8f1c2d3e4a5b6c7d-HKG' },
          });
      }
    },

    renderUnknownStatus({ endpoint }) {
      const clockMs = ctx.venueClockMs();
      if (endpoint.endpoint === 'POST /api/v5/trade/batch-orders') return unknownStatusResponse(true, clockMs);
      if (endpoint.endpoint === 'POST /api/v5/trade/order') return unknownStatusResponse(false, clockMs);
      // Any other endpoint: the gateway's "API endpoint request timeout … does not mean that the
      // request was successful or failed" (ccxt: RequestTimeout).
      return errorResponse(OKX_ERRORS.endpointTimeout);
    },

    renderMaintenance() {
      return errorResponse(OKX_ERRORS.serviceUnavailable);
    },

    usageHeaders() {
      // OKX sends no rate-limit usage headers on REST.
      return {};
    },
  };
};

/** Every URL under `urls.api` with OKX's hosts replaced by the venue's. */
function rewriteHosts(api: unknown, host: string): unknown {
  if (typeof api === 'string') return api.replace(/(?:[a-z]+\.)?okx\.com/g, host);
  if (api !== null && typeof api === 'object') {
    return Object.fromEntries(Object.entries(api).map(([k, v]) => [k, rewriteHosts(v, host)]));
  }
  return api;
}

export { okxPassphraseFor } from './auth.ts';
