import type { DialectFaultExpectations } from '../binance/fault-expectations.ts';

/**
 * OKX v5 (`okx`, USDT-margined swaps): what the real ccxt client raises for every fault kind and
 * mode the fault layer can inject, as the fault compliance matrix
 * (test/compliance/fault-matrix.test.ts) checks it. Section numbers refer to
 * /work/shared/reference/fault-dialects.md (ccxt 4.5.84); `ccxt:okx.js:N` to
 * node_modules/ccxt/js/src/okx.js. The bodies are the ones this dialect renders
 * (mocks/okx/errors.ts, README "Fault renderers").
 *
 * How ccxt decides on OKX (§3.2, ccxt:okx.js:9264-9295): a JSON body whose `code` is not "0"/"2"
 * raises from the body — each item's `sCode` (exact map), its `sMsg` (broad map), then the
 * top-level `code`, else ExchangeError — before the HTTP status is looked at; only a non-JSON
 * body falls through to the status table (§1.2, with okx's 429 → ExchangeNotAvailable).
 * createOrder goes through `POST /api/v5/trade/batch-orders` (§3.4), so order refusals arrive as
 * `data[0].sCode` under HTTP 200 `"code":"1"`.
 */
export const faultExpectations: DialectFaultExpectations = {
  // §1.3 / A.transport: socket errors → NetworkError; no answer within exchange.timeout → RequestTimeout.
  'outage.refused': { call: 'fetchTicker', raises: 'NetworkError', message: /ECONNREFUSED/, ref: '§1.3, A.transport' },
  'outage.reset': { call: 'fetchTime', raises: 'NetworkError', message: /other side closed/, ref: '§1.3, A.transport' },
  'outage.timeout': { call: 'fetchTime', raises: 'RequestTimeout', message: /timed out/, ref: '§1.3, §0 (all: socket timeout)' },
  // §3.2: the one JSON body OKX documents for a 503 is 50001 "Service temporarily unavailable"
  // → OnMaintenance (ccxt:okx.js:748) — an outage reads as maintenance (§7.5).
  'outage.http5xx.json': { call: 'createOrder', raises: 'OnMaintenance', httpStatus: 503, message: /"code":"50001"/, ref: '§3.2 (50001 → OnMaintenance), §0 (OKX service unavailable), §7.5, A.okx "503 50001 service unavailable"' },
  // §3.2: non-JSON 502/503 → ExchangeNotAvailable (base httpExceptions, §1.2).
  'outage.http5xx.html': { call: 'fetchTicker', raises: 'ExchangeNotAvailable', httpStatus: 502, message: /502 Bad Gateway/, ref: '§3.2 (non-JSON 502/503), §1.2, A.okx "502 html"' },
  'outage.http5xx.empty': { call: 'fetchBalance', raises: 'ExchangeNotAvailable', httpStatus: 500, ref: '§1.2 (500 → ExchangeNotAvailable), §3.2 (non-JSON 5xx)' },
  // The Cloudflare error pages are non-JSON: 502/503 → ExchangeNotAvailable, 504 → RequestTimeout.
  'outage.cdn.502': { call: 'fetchTicker', raises: 'ExchangeNotAvailable', httpStatus: 502, message: /Error code 502/, ref: '§3.2 (non-JSON 502/503), §1.2, A.okx "502 html"' },
  'outage.cdn.503': { call: 'createOrder', raises: 'ExchangeNotAvailable', httpStatus: 503, message: /Error code 503/, ref: '§3.2 (non-JSON 502/503), §1.2, A.okx "503 html"' },
  'outage.cdn.504': { call: 'fetchTime', raises: 'RequestTimeout', httpStatus: 504, message: /Error code 504/, ref: '§3.2 (504 → RequestTimeout), §1.2, A.okx "504 html"' },
  // §3.1: 50011 → RateLimitExceeded (ccxt:okx.js:757) at any status; OKX answers 429
  // {"msg":"Too Many Requests","code":"50011"} (ccxt issue #18901), no Retry-After.
  'rateLimit.429': { call: 'createOrder', raises: 'RateLimitExceeded', httpStatus: 429, message: /"code":"50011"/, ref: '§3.1, §0, A.okx "429 50011 Too Many Requests"' },
  // §3.1: OKX documents no IP ban (limits.ts: banLadderSec []). The matrix fixes banSec, so the
  // fault layer bans; the dialect renders the ban as continued 50011 429s (index.ts renderBanned).
  'rateLimit.ban': { call: 'fetchTicker', raises: 'RateLimitExceeded', httpStatus: 429, message: /Too Many Requests/, ref: '§3.1 (no ban documented; 50011 → RateLimitExceeded), A.okx "429 50011 Too Many Requests"' },
  // §3.3: trading responses during maintenance are not spelled out; the documented candidate is
  // 50001 (HTTP 503) → OnMaintenance (ccxt:okx.js:748).
  'maintenance.full': { call: 'createOrder', raises: 'OnMaintenance', httpStatus: 503, message: /Service temporarily unavailable/, ref: '§3.3, §3.2, A.okx "503 50001 service unavailable"' },
  // Not in the reference: an instrument in state `suspend` refuses new orders with 51022
  // "Contract suspended." → ContractUnavailable (< InvalidOrder, ccxt:okx.js:817) — a maintenance
  // phase that reads as an order problem.
  'maintenance.cancelOnly': { call: 'createOrder', raises: 'ContractUnavailable', httpStatus: 200, message: /"sCode":"51022"/, ref: 'not in the reference; OKX error 51022, ccxt:okx.js:817; instruments state "suspend"' },
  // Not in the reference: an instrument in state `post_only` ("only post-only orders are accepted")
  // refuses others with 54012 (insufficient book depth: "you can only cancel orders … and place
  // post-only orders") → unmapped → ExchangeError (ccxt:okx.js:9290-9299).
  'maintenance.postOnly': { call: 'createOrder', raises: 'ExchangeError', httpStatus: 200, message: /"sCode":"54012"/, ref: 'not in the reference; OKX error 54012, instruments state "post_only", ccxt:okx.js:9290-9299 (unmapped sCode; top-level "1" → ExchangeError, :744)' },
  // Not in the reference: 54035 "…so you can only place reduce-only orders." → unmapped → ExchangeError.
  'maintenance.reduceOnly': { call: 'createOrder', raises: 'ExchangeError', httpStatus: 200, message: /"sCode":"54035"/, ref: 'not in the reference; OKX error 54035, ccxt:okx.js:9290-9299 (unmapped sCode; top-level "1" → ExchangeError, :744)' },
  // §3.3: /api/v5/system/status lists the window with state "ongoing" → fetchStatus 'maintenance'
  // (ccxt:okx.js:1601-1649); before it (announcedAheadSec 0) the list is empty → 'ok'.
  'maintenance.status': { call: 'fetchStatus', succeeds: true, result: { status: 'maintenance' }, ref: '§3.3 (fetchStatus: ongoing → maintenance)' },
  latency: { call: 'fetchTicker', succeeds: true, ref: 'no error: a slow answer is still an answer' },
  // §1.3, §7.1: the order executed, no answer before exchange.timeout → RequestTimeout.
  'ackLoss.timeout': { call: 'createOrder', raises: 'RequestTimeout', message: /timed out/, ref: '§1.3, §7.1' },
  // §3.2, §7.1: the order executed, the batch item answers 51149 "Order timed out … (does not mean
  // that the request was successful or failed …)" → unmapped → ExchangeError, the class of a
  // definite refusal. Ambiguous (§7.1): 50004 "API endpoint request timeout" has the same meaning
  // and → RequestTimeout; 51149 is the trade-class code for an order placement (README).
  'ackLoss.unknownStatus': { call: 'createOrder', raises: 'ExchangeError', httpStatus: 200, message: /"sCode":"51149"/, ref: '§3.2 (51149 → ExchangeError), §7.1, A.okx "200 batch item sCode 51149"' },
  // Same bodies as outage http5xx (the fault layer picks a variant; probability 1).
  'errorRate.json': { call: 'createOrder', raises: 'OnMaintenance', httpStatus: 503, message: /"code":"50001"/, ref: '§3.2 (50001 → OnMaintenance), §7.5' },
  'errorRate.html': { call: 'fetchOrderBook', raises: 'ExchangeNotAvailable', httpStatus: 502, ref: '§3.2 (non-JSON 502/503), §1.2' },
  'errorRate.empty': { call: 'fetchTime', raises: 'ExchangeNotAvailable', httpStatus: 500, ref: '§1.2 (500 → ExchangeNotAvailable)' },
  // §3.5: 50102 "Timestamp request expired." (HTTP 401) → InvalidNonce (ccxt:okx.js:781); OKX
  // rejects a timestamp more than 30 s from its clock, either way (auth.ts).
  'clockSkew.venueAhead': { call: 'fetchBalance', raises: 'InvalidNonce', httpStatus: 401, message: /Timestamp request expired/, ref: '§3.5, §0, A.okx "401 50102 timestamp expired"' },
  'clockSkew.venueBehind': { call: 'createOrder', raises: 'InvalidNonce', httpStatus: 401, message: /Timestamp request expired/, ref: '§3.5, A.okx "401 50102 timestamp expired"' },
  // No error: tickers carry `ts` = the market-data time (ccxt's ticker timestamp).
  staleData: { call: 'fetchTicker', succeeds: true, ref: 'no error: a stale answer is still an answer (§7 lists no class for it)' },
  readLag: { call: 'fetchBalance', succeeds: true, ref: 'no error: a lagging account read answers with older truth (eventual consistency; no class)' },
};
