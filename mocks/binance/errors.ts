import type { VenueRejection } from '../../src/venue/types.ts';

/**
 * Binance USDⓈ-M error payloads, code and message exactly as Binance sends them
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code), with the
 * HTTP status Binance pairs them with. The ccxt class each one produces on a `https://fapi.<host>/`
 * URL is measured in test/compliance/binance-usdm.test.ts and listed in ./README.md.
 */
export interface BinanceError {
  status: number;
  code: number;
  msg: string;
}

const err = (status: number, code: number, msg: string): BinanceError => ({ status, code, msg });

/** Fixed errors. Functions build the ones whose message names a parameter or a limit. */
export const BINANCE_ERRORS = {
  apiKeyFormatInvalid: err(401, -2014, 'API-key format invalid.'),
  apiKeyInvalid: err(401, -2015, 'Invalid API-key, IP, or permissions for action.'),
  signatureInvalid: err(400, -1022, 'Signature for this request is not valid.'),
  timestampOutsideRecvWindow: err(400, -1021, 'Timestamp for this request is outside of the recvWindow.'),
  timestampAhead: err(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time."),
  recvWindowTooLarge: err(400, -1131, 'recvWindow must be less than 60000'),
  invalidSymbol: err(400, -1121, 'Invalid symbol.'),
  invalidSide: err(400, -1117, 'Invalid side.'),
  invalidOrderType: err(400, -1116, 'Invalid orderType.'),
  invalidTimeInForce: err(400, -1115, 'Invalid timeInForce.'),
  orderTypeNeedsAlgoEndpoint: err(400, -4120, 'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.'),
  positionSideMismatch: err(400, -4061, "Order's position side does not match user's setting."),
  clientOrderIdInvalid: err(400, -4015, 'Client order id is not valid.'),
  duplicateClientOrderId: err(400, -4116, 'ClientOrderId is duplicated.'),
  marginInsufficient: err(400, -2019, 'Margin is insufficient.'),
  reduceOnlyRejected: err(400, -2022, 'ReduceOnly Order is rejected.'),
  postOnlyRejected: err(400, -5022, 'Due to the order could not be executed as maker, the Post Only order will be rejected.'),
  orderDoesNotExist: err(400, -2013, 'Order does not exist.'),
  unknownOrderSent: err(400, -2011, 'Unknown order sent.'),
  quantityNotPositive: err(400, -4003, 'Quantity less than or equal to zero.'),
  quantityBelowMin: err(400, -4004, 'Quantity less than min quantity.'),
  quantityAboveMax: err(400, -4005, 'Quantity greater than max quantity.'),
  precisionOverMax: err(400, -1111, 'Precision is over the maximum defined for this asset.'),
  priceNotPositive: err(400, -4001, 'Price less than 0.'),
  priceBelowMin: err(400, -4013, 'Price less than min price.'),
  priceAboveMax: err(400, -4002, 'Price greater than max price.'),
  priceNotOnTick: err(400, -4014, 'Price not increased by tick size.'),
  orderIdOrClientIdMissing: err(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"),
  /** `{"code":1,…}`: ccxt matches the message (OnMaintenance) before it looks at the code. */
  maintenance: err(503, 1, 'System is under maintenance.'),
  // A symbol not trading (status BREAK): ccxt matches the message → MarketClosed (reference §2.3).
  marketClosed: err(400, -1013, 'Market is closed.'),
  // USDⓈ-M's reduce-only restriction; ccxt's linear map → PermissionDenied.
  reduceOnlyPhase: err(400, -4400, 'Futures Trading Quantitative Rules violated, only reduceOnly order is allowed, please try again later.'),
  // USDⓈ-M answers a backend timeout with 408 (reference §2.2); ccxt: -1007 → RequestTimeout.
  executionStatusUnknown: err(408, -1007, 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.'),
} as const;

export const mandatoryParamMissing = (name: string): BinanceError =>
  err(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);

export const paramNotRequired = (name: string): BinanceError => err(400, -1106, `Parameter '${name}' sent when not required.`);

export const illegalCharacters = (name: string): BinanceError =>
  err(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`);

export const notionalTooSmall = (notionalMin: string): BinanceError =>
  err(400, -4164, `Order's notional must be no smaller than ${notionalMin} (unless you choose reduce only).`);

/** What fapi answers for a path it does not serve (HTTP 404). */
export const pathInvalid = (path: string, method: string): BinanceError => err(404, -5000, `Path ${path}, Method ${method} is invalid`);

/** Request-weight limit (HTTP 429, or 418 when banned). */
export const weightLimitMsg = (limit: number, minutes: number): string =>
  `Too much request weight used; current limit is ${limit} request weight per ${minutes} MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`;
export const ordersLimitMsg = (limit: number, interval: string): string => `Too many new orders; current limit is ${limit} orders per ${interval}.`;
export const bannedMsg = (untilMs: number): string =>
  `Way too much request weight used; IP banned until ${untilMs}. Please use WebSocket Streams for live updates to avoid bans.`;

/** A msg-only 5xx ("definite failure, retry later" per the USDⓈ-M general info, variant B). */
export const SERVICE_UNAVAILABLE_BODY = { msg: 'Service Unavailable.' } as const;

/** Binance's API sits behind CloudFront; its edge answers with this page when the origin fails. */
export const cdnErrorPage = (status: number): string => {
  const title = status === 504 ? '504 Gateway Timeout ERROR' : status === 503 ? '503 ERROR' : '502 ERROR';
  return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">\n<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">\n<TITLE>ERROR: The request could not be satisfied</TITLE>\n</HEAD><BODY>\n<H1>${title}</H1>\n<H2>The request could not be satisfied.</H2>\n<HR noshade size="1px">\nGenerated by cloudfront (CloudFront)\n</BODY></HTML>`;
};

/** A 5xx without a Binance body: the nginx gateway's page, nothing at all, or the CloudFront page in front (both Binance dialects). */
export function bodylessServerError(status: number, variant: 'html' | 'empty' | 'cdn'): Response {
  switch (variant) {
    case 'html':
      return new Response(htmlGatewayPage(status), { status, headers: { 'Content-Type': 'text/html' } });
    case 'empty':
      return new Response(null, { status });
    case 'cdn':
      return new Response(cdnErrorPage(status), { status, headers: { 'Content-Type': 'text/html', Server: 'CloudFront', 'X-Cache': 'Error from cloudfront' } });
  }
}

export const htmlGatewayPage = (status: number): string => {
  const title = status === 502 ? '502 Bad Gateway' : status === 503 ? '503 Service Temporarily Unavailable' : `${status} Internal Server Error`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
};

/**
 * Engine rejection → Binance error for an order placement. `invalidQuantity` and `invalidPrice`
 * are refined by the caller (see `quantityError` / `priceError`), because Binance has one code
 * per failed filter.
 */
export function placeRejection(reason: VenueRejection, detail: { notionalMin: string }): BinanceError {
  switch (reason) {
    case 'unknownSymbol':
      return BINANCE_ERRORS.invalidSymbol;
    case 'duplicateClientOrderId':
      return BINANCE_ERRORS.duplicateClientOrderId;
    case 'insufficientMargin':
    // Spot rejections never reach a futures host (its markets are perps); margin is the nearest meaning.
    case 'insufficientBalance':
      return BINANCE_ERRORS.marginInsufficient;
    case 'reduceOnlyNotSupported':
      return BINANCE_ERRORS.reduceOnlyRejected;
    case 'reduceOnlyRejected':
      return BINANCE_ERRORS.reduceOnlyRejected;
    case 'postOnlyWouldTake':
      return BINANCE_ERRORS.postOnlyRejected;
    case 'notionalTooSmall':
      return notionalTooSmall(detail.notionalMin);
    case 'invalidQuantity':
      return BINANCE_ERRORS.quantityBelowMin;
    case 'invalidPrice':
      return BINANCE_ERRORS.priceNotOnTick;
    case 'orderNotFound':
    case 'orderNotCancelable':
      return BINANCE_ERRORS.unknownOrderSent;
  }
}

/**
 * Engine rejection → Binance error for a cancel. Binance answers -2011 both for an id it never
 * saw and for an order that is already final (filled, canceled, expired).
 */
export function cancelRejection(reason: VenueRejection): BinanceError {
  return reason === 'unknownSymbol' ? BINANCE_ERRORS.invalidSymbol : BINANCE_ERRORS.unknownOrderSent;
}

/** A JSON error response in Binance's shape. */
export function errorResponse(e: BinanceError, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ code: e.code, msg: e.msg }), {
    status: e.status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}
