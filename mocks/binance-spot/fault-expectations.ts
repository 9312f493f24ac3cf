import type { DialectFaultExpectations } from '../binance/fault-expectations.ts';

/**
 * Binance spot (`binance`, spot markets). Section numbers refer to
 * /work/shared/reference/fault-dialects.md (ccxt 4.5.84); the bodies are the ones this dialect
 * renders (./errors.ts, README "Fault renderers"). Verified by test/compliance/fault-matrix.test.ts.
 */
export const faultExpectations: DialectFaultExpectations = {
  // §1.3: socket errors → NetworkError; no answer within exchange.timeout → RequestTimeout.
  'outage.refused': { call: 'fetchTicker', raises: 'NetworkError', message: /ECONNREFUSED/, ref: '§1.3, A.transport' },
  'outage.reset': { call: 'fetchTime', raises: 'NetworkError', message: /other side closed/, ref: '§1.3, A.transport' },
  'outage.timeout': { call: 'fetchTime', raises: 'RequestTimeout', message: /timed out/, ref: '§1.3, §0 (all: socket timeout)' },
  // §2.2 spot errors.md -1001 DISCONNECTED "Internal error; …" → OperationFailed (NOT a NetworkError, §7.2).
  'outage.http5xx.json': { call: 'createOrder', raises: 'OperationFailed', httpStatus: 503, message: /Internal error/, ref: '§0 (internal error 500/503 -1001), §2.2, A.binance "spot 500 -1001"' },
  'outage.http5xx.html': { call: 'fetchTicker', raises: 'ExchangeNotAvailable', httpStatus: 502, ref: '§2.2 (non-JSON 5xx), §1.2, A.binance "spot 502 html"' },
  'outage.http5xx.empty': { call: 'fetchBalance', raises: 'ExchangeNotAvailable', httpStatus: 500, ref: '§2.2 (empty body), A.binance "spot 500 empty body"' },
  'outage.cdn.502': { call: 'fetchTicker', raises: 'ExchangeNotAvailable', httpStatus: 502, ref: '§0 (gateway errors), §1.2, A.binance "spot 502 html"' },
  'outage.cdn.503': { call: 'createOrder', raises: 'ExchangeNotAvailable', httpStatus: 503, ref: '§0 (gateway errors), A.binance "spot 503 html"' },
  'outage.cdn.504': { call: 'fetchTime', raises: 'RequestTimeout', httpStatus: 504, ref: '§0 (504 → RequestTimeout), A.binance "spot 504 html"' },
  // §2.1: any 418/429 → DDoSProtection before the body is read (ccxt:binance.js:13482-13484).
  'rateLimit.429': { call: 'fetchTicker', raises: 'DDoSProtection', httpStatus: 429, message: /Too much request weight used; current limit is 6000/, ref: '§2.1, A.binance "spot 429 -1003"' },
  'rateLimit.ban': { call: 'createOrder', raises: 'DDoSProtection', httpStatus: 418, message: /IP banned until/, ref: '§2.1 (418 escalation), A.binance "spot 418 -1003 ban"' },
  // §2.3: {"code":1,"msg":"System is under maintenance."} → OnMaintenance by message match (ccxt:binance.js:2779).
  'maintenance.full': { call: 'createOrder', raises: 'OnMaintenance', httpStatus: 503, message: /System is under maintenance/, ref: '§2.3, A.binance "spot 503 System is under maintenance."' },
  // A symbol not trading: -2010 "Market is closed." → MarketClosed (ccxt:binance.js:2790, A.binance "spot 400 -2010 Market is closed.").
  'maintenance.cancelOnly': { call: 'createOrder', raises: 'MarketClosed', httpStatus: 400, message: /Market is closed/, ref: '§2.3 (halted symbol), A.binance "spot 400 -2010 Market is closed."' },
  // Not in the reference: spot errors.md "This order type is not possible in this trading phase." (-2010),
  // ccxt message map → BadRequest (ccxt:binance.js:2794). A market order is not LIMIT_MAKER.
  'maintenance.postOnly': { call: 'createOrder', raises: 'BadRequest', httpStatus: 400, message: /not possible in this trading phase/, ref: 'not in the reference; ccxt:binance.js:2794' },
  // Spot has no reduce-only mode; the venue restricts new orders on the symbol: -2010 "This symbol is
  // restricted for this account." → PermissionDenied (ccxt:binance.js message map), like USDⓈ-M's -4400.
  'maintenance.reduceOnly': { call: 'createOrder', raises: 'PermissionDenied', httpStatus: 400, message: /restricted for this account/, ref: 'not in the reference; ccxt:binance.js:2796 (message map)' },
  'maintenance.status': { call: 'fetchStatus', succeeds: true, result: { status: 'maintenance' }, ref: '§2.3 (fetchStatus), A.binance "sapi 200 status=1"' },
  latency: { call: 'fetchTicker', succeeds: true, ref: 'no error: a slow answer is still an answer' },
  'ackLoss.timeout': { call: 'createOrder', raises: 'RequestTimeout', message: /timed out/, ref: '§1.3, §7.1' },
  // §2.2: spot 5XX -1007 "…execution status unknown." → RequestTimeout (A.binance "spot 503 -1007").
  'ackLoss.unknownStatus': { call: 'createOrder', raises: 'RequestTimeout', httpStatus: 503, message: /execution status unknown/, ref: '§2.2 (-1007; spot 5XX = status unknown), A.binance "spot 503 -1007"' },
  'errorRate.json': { call: 'createOrder', raises: 'OperationFailed', httpStatus: 503, message: /Internal error/, ref: '§0, §2.2 (-1001), §7.2' },
  'errorRate.html': { call: 'fetchOrderBook', raises: 'ExchangeNotAvailable', httpStatus: 502, ref: '§2.2 (non-JSON 5xx), §1.2' },
  'errorRate.empty': { call: 'fetchTime', raises: 'ExchangeNotAvailable', httpStatus: 500, ref: '§2.2 (empty body), §1.2' },
  // §2.5: -1021 → InvalidNonce (ccxt:binance.js:2663); ccxt sends recvWindow 10 000.
  'clockSkew.venueAhead': { call: 'fetchBalance', raises: 'InvalidNonce', httpStatus: 400, message: /outside of the recvWindow/, ref: '§2.5, A.binance "spot 400 -1021"' },
  'clockSkew.venueBehind': { call: 'createOrder', raises: 'InvalidNonce', httpStatus: 400, message: /ahead of the server's time/, ref: '§2.5' },
  staleData: { call: 'fetchTicker', succeeds: true, ref: 'no error: a stale answer is still an answer (closeTime → ccxt timestamp)' },
  readLag: { call: 'fetchBalance', succeeds: true, ref: 'no error: a lagging account read answers with older truth' },
};
