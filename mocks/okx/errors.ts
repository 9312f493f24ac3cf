/**
 * OKX v5 error payloads, code and message as OKX documents them
 * (https://www.okx.com/docs-v5/en/#error-code-rest-api-public), with the HTTP status OKX pairs
 * them with. Codes are strings on the wire. Two shapes:
 *
 * - a request-level error: `{"code":"50102","msg":"Timestamp request expired.","data":[]}`, HTTP
 *   status as documented;
 * - a per-item error of a trade endpoint (place, batch place, cancel): HTTP 200, top-level
 *   `"code":"1"` (every item failed) or `"2"` (some did), and `sCode`/`sMsg` in each `data` item.
 *
 * ccxt (ccxt:okx.js handleErrors 9264-9295) looks at every item's `sCode` first (exact map), then
 * its `sMsg` (broad map), then the top-level `code`; anything unmapped is an ExchangeError. The
 * classes are measured in test/compliance/okx.test.ts and listed in ./README.md.
 */

export interface OkxError {
  status: number;
  code: string;
  msg: string;
}

/** A failed item of a trade endpoint. */
export interface OkxItemError {
  sCode: string;
  sMsg: string;
}

const err = (status: number, code: string, msg: string): OkxError => ({ status, code, msg });
const item = (sCode: string, sMsg: string): OkxItemError => ({ sCode, sMsg });

/** Request-level errors. */
export const OKX_ERRORS = {
  bodyEmpty: err(400, '50000', 'Body for POST request cannot be empty.'),
  serviceUnavailable: err(503, '50001', 'Service temporarily unavailable. Please try again later.'),
  jsonSyntax: err(400, '50002', 'JSON syntax error'),
  endpointTimeout: err(400, '50004', 'API endpoint request timeout. (does not mean that the request was successful or failed, please check the request result).'),
  contentType: err(400, '50006', 'Invalid Content-Type. Please use "application/JSON".'),
  /** The observed 429 body (ccxt issue #18901); the docs list it as `50011 | 429 | Too Many Requests`. */
  tooManyRequests: err(429, '50011', 'Too Many Requests'),
  systemError: err(500, '50026', 'System error. Try again later'),
  subAccountOrderRate: err(200, '50061', "You've reached the maximum order rate limit for this account."),
  apiKeyEnvironment: err(401, '50101', 'APIKey does not match current environment.'),
  timestampExpired: err(401, '50102', 'Timestamp request expired.'),
  keyEmpty: err(401, '50103', 'Request header "OK-ACCESS-KEY" cannot be empty.'),
  passphraseEmpty: err(401, '50104', 'Request header "OK-ACCESS-PASSPHRASE" cannot be empty.'),
  passphraseIncorrect: err(401, '50105', 'Request header "OK-ACCESS-PASSPHRASE" incorrect.'),
  signEmpty: err(401, '50106', 'Request header "OK-ACCESS-SIGN" cannot be empty.'),
  timestampEmpty: err(401, '50107', 'Request header "OK-ACCESS-TIMESTAMP" cannot be empty.'),
  keyInvalid: err(401, '50111', 'Invalid OK-ACCESS-KEY.'),
  timestampInvalid: err(401, '50112', 'Invalid OK-ACCESS-TIMESTAMP.'),
  signatureInvalid: err(401, '50113', 'Invalid signature.'),
  methodInvalid: err(405, '50115', 'Invalid request method.'),
  instrumentUnknown: err(200, '51001', "Instrument ID, Instrument ID code or Spread ID doesn't exist."),
  orderIdRequired: err(200, '51003', 'Either client order ID or order ID is required.'),
  cancelIdRequired: err(200, '51407', 'Either order ID or client order ID is required.'),
  orderNotFound: err(200, '51603', 'Order does not exist.'),
} as const;

/** `50014 | 400 | Parameter {param0} can not be empty.` */
export const paramEmpty = (name: string): OkxError => err(400, '50014', `Parameter ${name} can not be empty.`);
/** `51000 | 400 | Parameter {param0} error` */
export const paramError = (name: string): OkxError => err(400, '51000', `Parameter ${name} error`);
/** `51111 | 200 | Maximum {param0} orders can be placed in bulk.` */
export const bulkTooLarge = (max: number): OkxError => err(200, '51111', `Maximum ${max} orders can be placed in bulk.`);

/** Per-item errors of the trade endpoints. */
export const OKX_ITEM_ERRORS = {
  instrumentUnknown: item('51001', "Instrument ID, Instrument ID code or Spread ID doesn't exist."),
  /** Placement refused after `expTime` (https://www.okx.com/docs-v5/en/#overview-transaction-timeouts-rest-api). */
  orderExpired: item('50037', 'Order expired.'),
  amountTooLarge: item('51005', 'Your order amount exceeds the max order amount.'),
  /** 51008_1001 (the sub-code is not sent in `sCode`). */
  marginInsufficient: (ccy: string): OkxItemError => item('51008', `Order failed. Insufficient ${ccy} margin in account`),
  duplicateClientOrderId: item('51016', 'Client order ID already exists.'),
  amountTooSmall: item('51020', 'Your order should meet or exceed the minimum order amount.'),
  /** Instrument state `suspend`: no new orders; cancels still work. */
  contractSuspended: item('51022', 'Contract suspended.'),
  reduceOnlyTooLarge: item('51112', 'Close order size exceeds available size for this position.'),
  notLotMultiple: item('51121', 'Order quantity must be a multiple of the lot size.'),
  /** Trade class, HTTP 500 when top-level: execution status unknown. */
  orderTimedOut: item('51149', 'Order timed out. Please try again. (does not mean that the request was successful or failed, please check the request result)'),
  reduceOnlyNoPosition: item('51169', "Order failed because you don't have any positions in this direction for this contract to reduce or close."),
  reduceOnlySameDirection: item('51170', "Failed to place order. A reduce-only order can't be the same trading direction as your existing positions."),
  marketTooLarge: item('51202', 'Market order amount exceeds the maximum amount.'),
  limitPriceEmpty: item('51204', 'The price for the limit order cannot be empty.'),
  cancelFailed: item('51400', 'Order cancellation failed as the order has been filled, canceled or does not exist.'),
  /** Instrument state `post_only` (insufficient book depth): cancels and post-only orders only. */
  postOnlyOnly: item(
    '54012',
    'Due to insufficient order book depth, we are now taking measures to protect your positions. Currently, you can only cancel orders, add margin to your positions, and place post-only orders. Your positions will not be liquidated. Trade will resume once order book depth returns to a safe level.',
  ),
  /** The platform accepts reduce-only orders only. */
  reduceOnlyOnly: item('54035', "Order failed. The platform has reached the collateral limit for this crypto, so you can only place reduce-only orders."),
} as const;

export const itemParamEmpty = (name: string): OkxItemError => item('50014', `Parameter ${name} can not be empty.`);
export const itemParamError = (name: string): OkxItemError => item('51000', `Parameter ${name} error`);

/** Top-level `msg` of a batch where every item failed / some did. */
export const ALL_FAILED_MSG = 'All operations failed';
export const PARTIAL_MSG = 'Bulk operation partially succeeded.';

/** A JSON response in OKX's envelope. */
export function okxResponse(body: Record<string, unknown>, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

/** A request-level error: `{"code":…,"msg":…,"data":[]}`. */
export function errorResponse(e: OkxError, headers: Record<string, string> = {}): Response {
  return okxResponse({ code: e.code, msg: e.msg, data: [] }, e.status, headers);
}

/**
 * What the venue answers for a path it does not serve. OKX does not document it; the mock sends
 * HTTP 404 with a JSON body so ccxt raises ExchangeError with a readable message (an HTML 404
 * would read as ExchangeNotAvailable — an outage — for what is a wrong URL).
 */
export const notFoundResponse = (): Response => okxResponse({ code: '404', msg: 'Not Found', data: [] }, 404);

/**
 * OKX's API sits behind Cloudflare (its edge error pages are what clients see when the origin
 * fails; see github.com/okcoin-okex/API-docs-OKEx.com issue #128). A trimmed Cloudflare error page.
 */
export function cdnErrorPage(status: number, host: string): string {
  const title = status === 504 ? 'Gateway time-out' : status === 503 ? 'Service unavailable' : 'Bad gateway';
  return (
    `<!DOCTYPE html>\n<html lang="en-US"><head><title>${host} | ${status}: ${title}</title></head>\n` +
    `<body><div id="cf-wrapper"><h1><span class="cf-error-type">${title}</span> <span class="cf-error-code">Error code ${status}</span></h1>\n` +
    `<p>Visit <a href="https://www.cloudflare.com/5xx-error-landing">cloudflare.com</a> for more information.</p>\n` +
    `<div class="cf-error-footer"><span>Performance &amp; security by Cloudflare</span></div></div></body></html>\n`
  );
}

/** The origin's own gateway page (nginx style) when a backend behind it fails. */
export function htmlGatewayPage(status: number): string {
  const title = status === 502 ? '502 Bad Gateway' : status === 503 ? '503 Service Temporarily Unavailable' : status === 504 ? '504 Gateway Time-out' : `${status} Internal Server Error`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
}
