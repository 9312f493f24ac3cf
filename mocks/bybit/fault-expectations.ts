import type { DialectFaultExpectations } from '../binance/fault-expectations.ts';

/**
 * Bybit v5 (`bybit`, linear USDT perpetuals): what the real ccxt client raises for every fault
 * kind and mode the fault layer can inject, as the fault compliance matrix
 * (test/compliance/fault-matrix.test.ts) checks it. Section numbers refer to
 * /work/shared/reference/fault-dialects.md (ccxt 4.5.84); `ccxt:bybit.js:N` to
 * node_modules/ccxt/js/src/bybit.js. The bodies are the ones this dialect renders
 * (mocks/bybit/errors.ts, README "Fault renderers").
 *
 * How ccxt decides on Bybit (§4.2, ccxt:bybit.js:10100-10145): any parseable JSON body whose
 * `retCode` is not "0" — missing included — raises from the body (broad map on the whole text,
 * then the exact map on the code, else ExchangeError) before the HTTP status is looked at; only a
 * non-JSON body falls through to the status table (§1.2, with bybit's 403 → RateLimitExceeded).
 */
export const faultExpectations: DialectFaultExpectations = {
  // §1.3 / A.transport: socket errors → NetworkError; no answer within exchange.timeout → RequestTimeout.
  'outage.refused': { call: 'fetchTicker', raises: 'NetworkError', message: /ECONNREFUSED/, ref: '§1.3, A.transport' },
  'outage.reset': { call: 'fetchTime', raises: 'NetworkError', message: /other side closed/, ref: '§1.3, A.transport' },
  'outage.timeout': { call: 'fetchTime', raises: 'RequestTimeout', message: /timed out/, ref: '§1.3, §0 (all: socket timeout)' },
  // §4.2: a JSON body decides even on a 5xx; retCode 10016 "Server error." → ExchangeError
  // (exact map, ccxt:bybit.js:741) — NOT a NetworkError, the §7.1/§7.7 trap.
  'outage.http5xx.json': { call: 'createOrder', raises: 'ExchangeError', httpStatus: 503, message: /"retCode":10016/, ref: '§4.2 (10016 → ExchangeError; JSON 5xx decided by the body), §7.7, A.bybit "200 retCode 10016 Server error"' },
  // §4.2: non-JSON 502/503 → ExchangeNotAvailable (base httpExceptions, §1.2).
  'outage.http5xx.html': { call: 'fetchTicker', raises: 'ExchangeNotAvailable', httpStatus: 502, ref: '§4.2 (non-JSON 502/503), §1.2, A.bybit "502 html"' },
  'outage.http5xx.empty': { call: 'fetchBalance', raises: 'ExchangeNotAvailable', httpStatus: 500, ref: '§1.2 (500 → ExchangeNotAvailable), §4.2 (non-JSON 5xx)' },
  // The CloudFront error pages are non-JSON: 502/503 → ExchangeNotAvailable, 504 → RequestTimeout.
  'outage.cdn.502': { call: 'fetchTicker', raises: 'ExchangeNotAvailable', httpStatus: 502, message: /CloudFront/, ref: '§4.2 (non-JSON 502/503), §1.2, A.bybit "502 html"' },
  'outage.cdn.503': { call: 'createOrder', raises: 'ExchangeNotAvailable', httpStatus: 503, message: /CloudFront/, ref: '§4.2 (non-JSON 502/503), §1.2, A.bybit "503 html"' },
  'outage.cdn.504': { call: 'fetchTime', raises: 'RequestTimeout', httpStatus: 504, message: /CloudFront/, ref: '§4.2 (504 → RequestTimeout), §1.2, A.bybit "504 html"' },
  // §4.1: the per-UID, per-endpoint limit answers HTTP 200 retCode 10006 "Too many visits!" →
  // RateLimitExceeded (ccxt:bybit.js:735). Asked on createOrder, whose budget is 10/s.
  'rateLimit.429': { call: 'createOrder', raises: 'RateLimitExceeded', httpStatus: 200, message: /Too many visits!/, ref: '§4.1, §0, A.bybit "200 retCode 10006 Too many visits!"' },
  // §4.1: the per-IP ban answers HTTP 403 "access too frequent" (not JSON) → bybit's
  // httpExceptions 403 → RateLimitExceeded (ccxt:bybit.js:708). Same class as a 10006 (§7.3).
  'rateLimit.ban': { call: 'fetchTicker', raises: 'RateLimitExceeded', httpStatus: 403, message: /access too frequent/, ref: '§4.1 (403 access too frequent), §1.2 (bybit 403 override), §7.7, A.bybit "403 non-JSON"' },
  // §4.3: trading during maintenance is undocumented; "likely 10016 (service is restarting)".
  // This dialect answers 10016 "System error. Please try again later." → ExchangeError (ccxt:bybit.js:741).
  'maintenance.full': { call: 'createOrder', raises: 'ExchangeError', httpStatus: 200, message: /System error\. Please try again later\./, ref: '§4.3, §4.2, A.bybit "200 retCode 10016 System error. Please try again later."' },
  // Not in the reference (Bybit has no documented cancel-only mode): 110066 "Trading is currently
  // not allowed." → ExchangeError (exact map, ccxt:bybit.js:817).
  'maintenance.cancelOnly': { call: 'createOrder', raises: 'ExchangeError', httpStatus: 200, message: /Trading is currently not allowed/, ref: 'not in the reference; Bybit error 110066, ccxt:bybit.js:817' },
  // Not in the reference: Bybit's pre-market "only post-only" stage, 110103 → unmapped → ExchangeError (ccxt:bybit.js:10144).
  'maintenance.postOnly': { call: 'createOrder', raises: 'ExchangeError', httpStatus: 200, message: /Only Post-Only orders are available/, ref: 'not in the reference; Bybit error 110103, ccxt:bybit.js:10144 (unmapped)' },
  // Not in the reference: Bybit's reduce-only restriction, 110023 → InvalidOrder (ccxt:bybit.js:774).
  'maintenance.reduceOnly': { call: 'createOrder', raises: 'InvalidOrder', httpStatus: 200, message: /you can only reduce your position/, ref: 'not in the reference; Bybit error 110023, ccxt:bybit.js:774' },
  // §4.3: /v5/system/status lists the window with state "ongoing" → fetchStatus 'maintenance' (ccxt:bybit.js:1738-1790).
  'maintenance.status': { call: 'fetchStatus', succeeds: true, result: { status: 'maintenance' }, ref: '§4.3 (fetchStatus)' },
  latency: { call: 'fetchTicker', succeeds: true, ref: 'no error: a slow answer is still an answer' },
  // §1.3, §7.1: the order executed, no answer before exchange.timeout → RequestTimeout.
  'ackLoss.timeout': { call: 'createOrder', raises: 'RequestTimeout', message: /timed out/, ref: '§1.3, §7.1' },
  // §4.2, §7.1: Bybit's "execution status unknown" answer is 10000 "Server Timeout" → ExchangeError
  // (unmapped, ccxt:bybit.js:10144) although the order executed. Ambiguous (§4.2): a 10016 whose
  // body says "Request timeout" would be RequestTimeout (broad map, ccxt:bybit.js:1167); this
  // dialect documents the 10000 answer (README "Unknown execution status").
  'ackLoss.unknownStatus': { call: 'createOrder', raises: 'ExchangeError', httpStatus: 200, message: /Server Timeout/, ref: '§4.2 (10000 → ExchangeError), §7.1, A.bybit "200 retCode 10000 Server Timeout"' },
  // Same bodies as outage http5xx (the fault layer picks a variant; probability 1).
  'errorRate.json': { call: 'createOrder', raises: 'ExchangeError', httpStatus: 503, message: /"retCode":10016/, ref: '§4.2 (JSON 5xx decided by the body), §7.7' },
  'errorRate.html': { call: 'fetchOrderBook', raises: 'ExchangeNotAvailable', httpStatus: 502, ref: '§4.2 (non-JSON 502/503), §1.2' },
  'errorRate.empty': { call: 'fetchTime', raises: 'ExchangeNotAvailable', httpStatus: 500, ref: '§1.2 (500 → ExchangeNotAvailable)' },
  // §4.5: server_time − recv_window ≤ timestamp < server_time + 1000, ccxt sends recv_window 5000;
  // a failure is retCode 10002 → InvalidNonce (ccxt:bybit.js:731).
  'clockSkew.venueAhead': { call: 'fetchBalance', raises: 'InvalidNonce', httpStatus: 200, message: /recv_window/, ref: '§4.5, §0, A.bybit "200 retCode 10002 recv_window"' },
  'clockSkew.venueBehind': { call: 'createOrder', raises: 'InvalidNonce', httpStatus: 200, message: /recv_window/, ref: '§4.5' },
  // No error. Checked on the order book: Bybit's ticker entries carry no time, so ccxt's ticker
  // `timestamp` is undefined on Bybit (ccxt:bybit.js:2471), while the book has `ts`.
  staleData: { call: 'fetchOrderBook', succeeds: true, ref: 'no error: a stale answer is still an answer (§7 lists no class for it)' },
  readLag: { call: 'fetchBalance', succeeds: true, ref: 'no error: a lagging account read answers with older truth (eventual consistency; no class)' },
};
