import { http, type RequestHandler } from 'msw';
import type { Dialect, DialectContext, DialectFactory, EndpointInfo } from '../types.ts';
import { createNonceBook, krakenSecretFor, verifyPrivateRequest } from './auth.ts';
import { KRAKEN_ERRORS, cloudflarePage, errorResponse, originErrorPage } from './errors.ts';
import { KRAKEN_LIMITS } from './limits.ts';
import { Params, buildRoutes, createDialectOrders, routeKey, type Route } from './routes.ts';

export { krakenSecretFor } from './auth.ts';

/**
 * The Kraken spot REST dialect (ccxt `kraken`): `https://api.<hostname>/0/public/<Method>` (GET)
 * and `/0/private/<Method>` (POST, form-encoded, API-Key / API-Sign). It lists the engine's spot
 * markets under Kraken's names (BTC/USD = XXBTZUSD, assets XXBT / ZUSD) and answers every error
 * as Kraken does: HTTP 200 with a non-empty `error` array.
 *
 * `configureClient` rewrites ccxt's `urls.api` (api.kraken.com → api.<hostname>) and replaces the
 * client's secret by its base64 form (`krakenSecretFor`) when it is the venue's plain secret:
 * ccxt base64-decodes Kraken secrets before signing.
 *
 * The venue engine should list spot markets (DEFAULT_SPOT_MARKETS' USD pairs) with
 * `spotFeeAsset: 'quote'` (Kraken charges fees in the quote currency by default); perpetuals in
 * the engine are ignored.
 *
 * @example
 * const dialect = createKrakenDialect(dialectContextFor({ venueId: 'primary', engine, faults, now }));
 * const exchange = new ccxt.kraken({ ...credentialsFor('primary'), fetchImplementation });
 * dialect.configureClient(exchange); // exchange.secret is now krakenSecretFor(secret)
 */
export const createKrakenDialect: DialectFactory = (ctx: DialectContext): Dialect => {
  const apiHost = `api.${ctx.hostname}`;
  const orders = createDialectOrders();
  const nonces = createNonceBook();
  const table = new Map<string, Route>();
  for (const r of buildRoutes(orders)) table.set(routeKey(r.method, r.path), r);

  const routeFor = (method: string, url: URL): Route | undefined => (url.host === apiHost ? table.get(routeKey(method.toUpperCase(), url.pathname)) : undefined);

  async function dispatch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const route = routeFor(method, url);
    if (route === undefined) return errorResponse([KRAKEN_ERRORS.unknownMethod], 404);
    let params: Params;
    if (method === 'POST') {
      const body = await request.text();
      const json = (request.headers.get('Content-Type') ?? '').includes('application/json');
      let fields: Record<string, unknown>;
      try {
        fields = json ? (JSON.parse(body === '' ? '{}' : body) as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(body));
      } catch {
        return errorResponse([KRAKEN_ERRORS.invalidArguments]);
      }
      if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return errorResponse([KRAKEN_ERRORS.invalidArguments]);
      params = new Params(fields);
      if (route.signed) {
        const failure = verifyPrivateRequest({ headers: request.headers, path: url.pathname, body, nonce: params.str('nonce') }, ctx.credentials, nonces);
        if (failure !== undefined) return errorResponse([failure]);
      }
    } else {
      params = Params.fromForm(url.searchParams);
    }
    return route.handle({ params, nowMs: ctx.now(), clockMs: ctx.venueClockMs(), ctx });
  }

  const handlers: RequestHandler[] = [http.all(`https://${apiHost}/*`, ({ request }) => dispatch(request))];
  const rawSecret = ctx.credentials.secret;

  return {
    name: 'kraken',
    ccxtId: 'kraken',
    hosts: [apiHost],
    handlers,

    describe(method: string, url: URL): EndpointInfo | undefined {
      const r = routeFor(method, url);
      if (r === undefined) return undefined;
      return { endpoint: `${r.method} ${r.path}`, group: r.group, signed: r.signed, weight: r.weight, orderCount: r.orderCount };
    },

    configureClient(exchange: { urls: any; hostname?: string; options: any }): void {
      exchange.urls.api = rewriteHosts(exchange.urls.api, apiHost);
      const client = exchange as { secret?: string };
      if (client.secret === rawSecret) client.secret = krakenSecretFor(rawSecret);
    },

    limits: KRAKEN_LIMITS,

    renderRateLimited({ endpoint, rule }) {
      // Which counter broke decides the words; a scripted storm (no rule) speaks for the endpoint's own counter.
      const id = rule?.id ?? (endpoint.orderCount > 0 ? 'orders10s' : endpoint.signed ? 'counter10s' : 'ip10s');
      const error = id === 'orders10s' ? KRAKEN_ERRORS.orderRateLimit : id === 'counter10s' ? KRAKEN_ERRORS.apiRateLimit : KRAKEN_ERRORS.tooManyRequests;
      return errorResponse([error]);
    },

    renderBanned() {
      return errorResponse([KRAKEN_ERRORS.temporaryLockout]);
    },

    renderServerError({ status, variant }) {
      switch (variant) {
        case 'json':
          // The API answering for an engine that is down: JSON with the status the edge passes on.
          return errorResponse([KRAKEN_ERRORS.serviceUnavailable], status);
        case 'html':
          return new Response(originErrorPage(status), { status, headers: { 'Content-Type': 'text/html' } });
        case 'empty':
          return new Response(null, { status });
        case 'cdn':
          return new Response(cloudflarePage(status, apiHost), { status, headers: { 'Content-Type': 'text/html; charset=UTF-8', Server: 'cloudflare', 'CF-RAY': '8b1f3c6d2a7e4f10-FRA' } });
      }
    },

    renderUnknownStatus() {
      // Kraken's "the request timed out" answer; the order may have been placed (reference §5.2, §7.1).
      return errorResponse([KRAKEN_ERRORS.deadlineElapsed]);
    },

    renderMaintenance() {
      return errorResponse([KRAKEN_ERRORS.serviceUnavailable]);
    },

    usageHeaders() {
      // Kraken sends no rate-limit headers (reference §5.1).
      return {};
    },
  };
};

/** Every URL under `urls.api` with the host api.kraken.com replaced by the venue's (other Kraken hosts are left alone). */
function rewriteHosts(api: unknown, apiHost: string): unknown {
  if (typeof api === 'string') return api.replace(/^https:\/\/api\.kraken\.com/, `https://${apiHost}`);
  if (api !== null && typeof api === 'object') return Object.fromEntries(Object.entries(api).map(([k, v]) => [k, rewriteHosts(v, apiHost)]));
  return api;
}
