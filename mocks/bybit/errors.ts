import type { VenueRejection } from '../../src/venue/types.ts';

/**
 * Bybit v5 error payloads: `retCode` and `retMsg` as Bybit sends them, in its common envelope
 * `{"retCode","retMsg","result":{},"retExtInfo":{},"time"}`, with the HTTP status Bybit pairs
 * them with (200 for nearly every application error: Bybit reports failures in the body).
 *
 * Sources: the error-code page (https://bybit-exchange.github.io/docs/v5/error), messages seen in
 * real responses where the docs only describe the code (quoted in ccxt's bybit.js comments and in
 * public client code), and reference §4. Which ones are verbatim and which are this mock's words
 * is listed in ./README.md. The ccxt class each one produces is measured in
 * test/compliance/bybit.test.ts.
 */
export interface BybitError {
  status: number;
  retCode: number;
  retMsg: string;
}

const err = (retCode: number, retMsg: string, status = 200): BybitError => ({ status, retCode, retMsg });

/** Fixed errors. Functions below build the ones whose message carries a value. */
export const BYBIT_ERRORS = {
  // --- auth (auth.ts)
  /** Docs HTTP 401: "Need to use the correct key to access". */
  apiKeyInvalid: err(10003, 'API key is invalid.', 401),
  // --- parameters
  illegalCategory: err(10001, 'Illegal category'),
  symbolInvalid: err(10001, 'params error: symbol invalid'),
  /** What the market-data endpoints answer for a symbol they do not list (ccxt: BadSymbol by message). */
  notSupportedSymbols: err(10001, 'Not supported symbols'),
  sideInvalid: err(10001, 'params error: side invalid'),
  orderTypeInvalid: err(10001, 'params error: orderType invalid'),
  timeInForceInvalid: err(10001, 'params error: timeInForce invalid'),
  qtyInvalid: err(10001, 'params error: qty invalid'),
  priceInvalid: err(10001, 'params error: price invalid'),
  qtyBelowMin: err(10001, 'The number of contracts exceeds minimum limit allowed'),
  qtyAboveMax: err(10001, 'The number of contracts exceeds maximum limit allowed: too large'),
  orderLinkIdInvalid: err(10001, 'params error: orderLinkId invalid'),
  positionIdxMismatch: err(10001, 'position idx not match position mode'),
  orderIdOrLinkIdRequired: err(10001, 'params error: OrderId or orderLinkId is required'),
  linearFilterRequired: err(10001, 'Missing some parameters that must be filled in, symbol or settleCoin or baseCoin'),
  accountTypeOnlyUnified: err(10001, 'accountType only support UNIFIED.'),
  /** This venue's funding-wallet endpoint answers for the FUND account only (README). */
  accountTypeNotSupported: err(10001, 'params error: accountType invalid'),
  invalidJsonBody: err(10001, 'Request parameter error.'),
  // --- engine rejections
  priceOutOfRange: err(110003, 'Order price is out of permissible range'),
  insufficientBalance: err(110007, 'ab not enough for new order'),
  reduceOnlyRule: err(110017, 'Reduce-only rule not satisfied'),
  orderLinkIdDuplicate: err(110072, 'OrderLinkedID is duplicate'),
  notionalBelowMin: err(110094, 'Order notional value below the lower limit'),
  orderNotExists: err(110001, 'Order does not exist'),
  rpiRestricted: err(110119, 'Order failed. RPI orders are restricted to approved market makers only'),
  // --- partial maintenance phases, in Bybit's own words (README "Maintenance")
  /** cancelOnly: no new orders. ccxt exact map: ExchangeError. */
  tradingNotAllowed: err(110066, 'Trading is currently not allowed.'),
  /** postOnly: Bybit's pre-market "post-only" stage. Not in ccxt's map: ExchangeError. */
  postOnlyStage: err(110103, 'Only Post-Only orders are available at this stage'),
  /** reduceOnly: Bybit's position-reduction-only restriction. ccxt exact map: InvalidOrder. */
  reduceOnlyContract: err(
    110023,
    'Currently you can only reduce your position on this contract. please check our announcement or contact customer service for details.',
  ),
  // --- faults (index.ts renderers)
  /** 10006 per UID and endpoint (reference §4.1). ccxt: RateLimitExceeded. */
  tooManyVisits: err(10006, 'Too many visits!'),
  /** Internal error; ccxt: ExchangeError (reference §4.2). Used for 5xx `json` answers. */
  serverError: err(10016, 'Server error.'),
  /** Full maintenance: the service restarting (reference §4.3). ccxt: ExchangeError. */
  systemRestarting: err(10016, 'System error. Please try again later.'),
  /** Execution status unknown: the backend did not answer in time (reference §4.2, §7.1). ccxt: ExchangeError. */
  serverTimeout: err(10000, 'Server Timeout'),
} as const;

/** Missing authentication headers: Bybit's gateway message (ccxt: AuthenticationError by message, ccxt:bybit.js broad map). */
export const signParamsEmpty = (o: { timestamp: string; apiKey: string; sign: string }): BybitError =>
  err(10001, `empty value: apiTimestamp[${o.timestamp}] apiKey[${o.apiKey}] apiSignature[${o.sign}]: openapi sign params error!`);

/** 10002, with the three values Bybit echoes. ccxt: InvalidNonce. */
export const timestampOutsideWindow = (o: { timestampMs: string; serverMs: number; recvWindowMs: string }): BybitError =>
  err(
    10002,
    `invalid request, please check your server timestamp or recv_window param. req_timestamp[${o.timestampMs}],server_timestamp[${o.serverMs}],recv_window[${o.recvWindowMs}]`,
  );

/** 10004, echoing the string Bybit expected to be signed (as Bybit does). ccxt: AuthenticationError. */
export const signatureInvalid = (originString: string): BybitError => err(10004, `error sign! origin_string[${originString}]`);

/** An order feature this venue does not model (conditional, TP/SL, trailing). Bybit-shaped, this mock's words. */
export const notModelled = (param: string): BybitError =>
  err(10001, `params error: ${param} is not supported by this venue (venuechaos does not model conditional or TP/SL orders)`);

/** What the gateway answers for a path it does not route (HTTP 404, docs "Cannot find path"). ccxt: BadRequest (10017). */
export const routeNotFound: BybitError = err(10017, 'Route not found.', 404);

/** The HTTP 403 body of Bybit's per-IP ban (not JSON, so ccxt falls through to its 403 → RateLimitExceeded). */
export const ACCESS_TOO_FREQUENT = 'access too frequent';

/**
 * Engine rejection → Bybit error for an order placement. `invalidQuantity` and `invalidPrice` are
 * refined by the caller (routes.ts `quantityError` / `priceError`), because Bybit words each
 * failed filter differently.
 */
export function placeRejection(reason: VenueRejection): BybitError {
  switch (reason) {
    case 'unknownSymbol':
      return BYBIT_ERRORS.symbolInvalid;
    case 'duplicateClientOrderId':
      return BYBIT_ERRORS.orderLinkIdDuplicate;
    case 'insufficientMargin':
    case 'insufficientBalance':
      return BYBIT_ERRORS.insufficientBalance;
    case 'reduceOnlyNotSupported':
    case 'reduceOnlyRejected':
      return BYBIT_ERRORS.reduceOnlyRule;
    case 'notionalTooSmall':
      return BYBIT_ERRORS.notionalBelowMin;
    case 'invalidQuantity':
      return BYBIT_ERRORS.qtyInvalid;
    case 'invalidPrice':
      return BYBIT_ERRORS.priceInvalid;
    case 'postOnlyWouldTake':
      // Not a rejection on Bybit: the order is accepted, then canceled (routes.ts answers it).
      throw new Error('venuechaos bybit dialect bug: postOnlyWouldTake is not an error answer on Bybit');
    case 'orderNotFound':
    case 'orderNotCancelable':
      return BYBIT_ERRORS.orderNotExists;
  }
}

/** Bybit's common response envelope. `time` is the venue's clock. */
export function envelope(o: { retCode: number; retMsg: string; result: unknown; timeMs: number }): string {
  return JSON.stringify({ retCode: o.retCode, retMsg: o.retMsg, result: o.result, retExtInfo: {}, time: o.timeMs });
}

/** A JSON response in Bybit's envelope, with the headers Bybit sets on every answer. */
export function bybitResponse(o: { retCode: number; retMsg: string; result: unknown; timeMs: number; status?: number; headers?: Record<string, string> }): Response {
  return new Response(envelope(o), {
    status: o.status ?? 200,
    headers: { 'Content-Type': 'application/json; charset=utf-8', Ret_code: String(o.retCode), Timenow: String(o.timeMs), ...o.headers },
  });
}

/** An error in Bybit's envelope (`result` is `{}` on errors). */
export function errorResponse(e: BybitError, timeMs: number, headers: Record<string, string> = {}): Response {
  return bybitResponse({ retCode: e.retCode, retMsg: e.retMsg, result: {}, timeMs, status: e.status, headers });
}

/**
 * Bybit's REST API sits behind AWS CloudFront; when the origin fails the edge answers with its own
 * page (reference §4.2: non-JSON 502/503 → ExchangeNotAvailable, 504 → RequestTimeout).
 */
export const cdnErrorPage = (status: number): string => {
  const title = status === 504 ? '504 Gateway Timeout ERROR' : status === 503 ? '503 ERROR' : '502 ERROR';
  return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">\n<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">\n<TITLE>ERROR: The request could not be satisfied</TITLE>\n</HEAD><BODY>\n<H1>${title}</H1>\n<H2>The request could not be satisfied.</H2>\n<HR noshade size="1px">\nGenerated by cloudfront (CloudFront)\n</BODY></HTML>`;
};

/** The origin gateway's HTML error page. */
export const htmlGatewayPage = (status: number): string => {
  const title = status === 502 ? '502 Bad Gateway' : status === 503 ? '503 Service Temporarily Unavailable' : status === 504 ? '504 Gateway Time-out' : `${status} Internal Server Error`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
};
