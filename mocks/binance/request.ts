import type { MarketSpec, OrderRef } from '../../src/venue/types.ts';
import type { DialectContext } from '../types.ts';
import { BINANCE_ERRORS, errorResponse, illegalCharacters, type BinanceError } from './errors.ts';

/**
 * What both Binance dialects (USDⓈ-M in this folder, spot in ../binance-spot) share when they
 * handle a request: the request a route sees, JSON answers, rejecting with a Binance error from
 * anywhere in a handler, Binance's parameter rules, and the client wiring.
 */

export interface RouteRequest {
  params: URLSearchParams;
  nowMs: number;
  /** The venue's own clock (skewed under clockSkew); for what the venue reports as its time. */
  clockMs: number;
  ctx: DialectContext;
}

export const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

class RequestRejected extends Error {
  constructor(readonly error: BinanceError) {
    super(error.msg);
  }
}

/** Throws a Binance error out of a handler; `guarded` turns it into the response. */
export const reject: (error: BinanceError) => never = (error) => {
  throw new RequestRejected(error);
};

export function guarded(handle: (req: RouteRequest) => Response): (req: RouteRequest) => Response {
  return (req) => {
    try {
      return handle(req);
    } catch (e) {
      if (e instanceof RequestRejected) return errorResponse(e.error);
      throw e;
    }
  };
}

export const DECIMAL = /^([0-9]{1,20})(\.[0-9]{1,20})?$/;
export const INTEGER = /^[0-9]{1,20}$/;

/** The spec of a market the engine itself reported (an unknown one is a testbed bug). */
export function specOf(req: RouteRequest, symbol: string): MarketSpec {
  const spec = req.ctx.engine.market(symbol);
  if (spec === undefined) throw new Error(`venuechaos binance dialect: the engine reported an order on unknown market ${symbol}`);
  return spec;
}

export function decimalParam(req: RouteRequest, name: string): string | undefined {
  const v = req.params.get(name);
  if (v === null || v === '') return undefined;
  return DECIMAL.test(v) ? v : reject(illegalCharacters(name));
}

export function integerParam(req: RouteRequest, name: string): number | undefined {
  const v = req.params.get(name);
  if (v === null || v === '') return undefined;
  if (!INTEGER.test(v)) return reject({ status: 400, code: -1100, msg: `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.` });
  return Number(v);
}

/** `orderId` (wins when both are sent) or `origClientOrderId`, as Binance's order queries take them. */
export function orderRef(req: RouteRequest, spec: MarketSpec): OrderRef {
  // Validated as an integer, then kept as text: order ids are int64 and must not pass through a float.
  const orderId = integerParam(req, 'orderId') === undefined ? undefined : BigInt(req.params.get('orderId') ?? '0').toString();
  const clientOrderId = req.params.get('origClientOrderId') ?? undefined;
  if (orderId !== undefined) return { symbol: spec.symbol, orderId };
  if (clientOrderId !== undefined && clientOrderId !== '') return { symbol: spec.symbol, clientOrderId };
  return reject(BINANCE_ERRORS.orderIdOrClientIdMissing);
}

/** Every URL under a ccxt client's `urls.api` with "binance.com" replaced by the venue's host suffix. */
export function rewriteHosts(api: unknown, hostname: string): unknown {
  if (typeof api === 'string') return api.replace(/binance\.com/g, hostname);
  if (api !== null && typeof api === 'object') return Object.fromEntries(Object.entries(api).map(([k, v]) => [k, rewriteHosts(v, hostname)]));
  return api;
}
