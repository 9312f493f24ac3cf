import type { VenueRejection } from '../../src/venue/types.ts';

/**
 * Kraken's error answers. Every API-level error is HTTP 200 with a JSON body whose `error` array
 * holds "<severity><category>:<message>" strings (E = error, W = warning) and no `result`
 * (https://docs.kraken.com/api/docs/guides/spot-errors; reference §5.1). ccxt ignores the status
 * when the array is non-empty and matches each string against its exact map, then its broad map,
 * else raises ExchangeError (ccxt:kraken.js:541-578, 3701-3740).
 *
 * The class each one raises in ccxt 4.5.84 (reference §5, appendix A.kraken) is noted beside it.
 */
export const KRAKEN_ERRORS = {
  // Authentication (§5.2, §5.5)
  /** AuthenticationError. Also what Kraken answers for a missing API-Key header. */
  invalidKey: 'EAPI:Invalid key',
  /** ExchangeError (§7.7: not AuthenticationError). */
  invalidSignature: 'EAPI:Invalid signature',
  /** InvalidNonce. */
  invalidNonce: 'EAPI:Invalid nonce',
  // Rate limits (§5.1) — all DDoSProtection in ccxt.
  apiRateLimit: 'EAPI:Rate limit exceeded',
  orderRateLimit: 'EOrder:Rate limit exceeded',
  tooManyRequests: 'EGeneral:Too many requests',
  temporaryLockout: 'EGeneral:Temporary lockout',
  // Outages and maintenance (§5.2, §5.3)
  /** ExchangeNotAvailable: matching engine or API offline (full maintenance). */
  serviceUnavailable: 'EService:Unavailable',
  /** ExchangeNotAvailable. */
  internalError: 'EGeneral:Internal error',
  /** ExchangeError: the request ran past its deadline (execution status unknown). */
  deadlineElapsed: 'EService:Deadline elapsed',
  /** OnMaintenance. */
  cancelOnlyMode: 'EService:Market in cancel_only mode',
  /** OnMaintenance. */
  postOnlyMode: 'EService:Market in post_only mode',
  // Requests
  /** ExchangeError (unmapped). Answered with HTTP 404 for a path Kraken does not serve. */
  unknownMethod: 'EGeneral:Unknown method',
  /** BadRequest. */
  invalidArguments: 'EGeneral:Invalid arguments',
  /** BadSymbol. */
  invalidPair: 'EQuery:Invalid asset pair',
  /** BadSymbol. */
  unknownAsset: 'EQuery:Unknown asset',
  /** InvalidOrder (ccxt's cancelOrder re-raises it as OrderNotFound). */
  unknownOrder: 'EOrder:Unknown order',
  /** InvalidOrder. */
  orderMinimum: 'EOrder:Order minimum not met',
  /** InvalidOrder (exact map). */
  invalidPrice: 'EOrder:Invalid price:Invalid price argument',
  /** InsufficientFunds. */
  insufficientFunds: 'EOrder:Insufficient funds',
  /** InvalidOrder (broad ":Invalid arguments:volume"). */
  invalidVolume: 'EGeneral:Invalid arguments:volume',
  /** ExchangeError (unmapped): the cost minimum of the pair (`costmin`). */
  costMinimum: 'EOrder:Cost minimum not met',
  /** ExchangeError (unmapped): a post-only order that would have taken liquidity (Kraken accepts and then cancels it with this reason; the mock refuses it: README). */
  postOnlyWouldTake: 'EOrder:Post only order',
  /** ExchangeError (unmapped): reduce_only on a spot order (there is no margin position to reduce). */
  reduceOnlyNoPosition: 'EOrder:Reduce only:Non-PC',
  /** InvalidOrder (broad ":Invalid order"). */
  duplicateClientOrderId: 'EOrder:Invalid order:duplicate cl_ord_id',
  /** ExchangeError (unmapped): order types the engine does not model (stop-loss, take-profit, trailing-stop, …). */
  orderTypeNotModelled: 'EGeneral:Invalid arguments:ordertype',
} as const;

export type KrakenErrorString = string;

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8' };

/** `{"error":[...]}` — how Kraken refuses a request (HTTP 200 unless told otherwise). */
export function errorResponse(errors: readonly KrakenErrorString[], status = 200): Response {
  return new Response(JSON.stringify({ error: errors }), { status, headers: JSON_HEADERS });
}

/** `{"error":[],"result":…}` — a successful answer. */
export function okResponse(result: unknown): Response {
  return new Response(JSON.stringify({ error: [], result }), { status: 200, headers: JSON_HEADERS });
}

/** What Kraken answers for an engine rejection of AddOrder/CancelOrder. */
export function rejectionError(reason: VenueRejection): KrakenErrorString {
  switch (reason) {
    case 'unknownSymbol':
      return KRAKEN_ERRORS.invalidPair;
    case 'duplicateClientOrderId':
      return KRAKEN_ERRORS.duplicateClientOrderId;
    case 'invalidQuantity':
      return KRAKEN_ERRORS.invalidVolume;
    case 'invalidPrice':
      return KRAKEN_ERRORS.invalidPrice;
    case 'notionalTooSmall':
      return KRAKEN_ERRORS.costMinimum;
    case 'insufficientMargin':
    case 'insufficientBalance':
      return KRAKEN_ERRORS.insufficientFunds;
    case 'reduceOnlyRejected':
    case 'reduceOnlyNotSupported':
      return KRAKEN_ERRORS.reduceOnlyNoPosition;
    case 'postOnlyWouldTake':
      return KRAKEN_ERRORS.postOnlyWouldTake;
    case 'orderNotFound':
    case 'orderNotCancelable':
      return KRAKEN_ERRORS.unknownOrder;
  }
}

/**
 * Cloudflare's error page (Kraken's API sits behind Cloudflare): 520/522/525 … and the
 * 502/503/504 the edge returns when the origin fails. ccxt raises ExchangeNotAvailable for 520
 * before anything else (ccxt:kraken.js:3702) and reads the others through httpExceptions.
 */
export function cloudflarePage(status: number, host: string): string {
  const title = CLOUDFLARE_TITLES[status] ?? 'Bad gateway';
  return [
    '<!DOCTYPE html>',
    `<html lang="en-US"><head><title>${host} | ${status}: ${title}</title></head>`,
    `<body><div id="cf-error-details"><h1><span class="inline-block">${title}</span> <span class="code-label">Error code ${status}</span></h1>`,
    '<p>Visit <a href="https://www.cloudflare.com/5xx-error-landing">cloudflare.com</a> for more information.</p>',
    '<div class="cf-error-footer">Cloudflare Ray ID: <strong>8b1f3c6d2a7e4f10</strong> &bull; Performance &amp; security by Cloudflare</div></div></body></html>',
  ].join('\n');
}

const CLOUDFLARE_TITLES: Record<number, string> = {
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway time-out',
  520: 'Web server is returning an unknown error',
  521: 'Web server is down',
  522: 'Connection timed out',
  525: 'SSL handshake failed',
};

/** A bare origin error page (nginx) for the `html` variant. */
export function originErrorPage(status: number): string {
  const title = CLOUDFLARE_TITLES[status] ?? 'Error';
  return `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}
