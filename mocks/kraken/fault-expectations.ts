import type { DialectFaultExpectations } from '../binance/fault-expectations.ts';

/**
 * Kraken spot (`kraken`). Section numbers refer to /work/shared/reference/fault-dialects.md (ccxt
 * 4.5.84); the bodies are the ones this dialect renders (mocks/kraken/errors.ts, README "Faults").
 * Kraken answers API errors with HTTP 200 and the `error` array, so the status only decides the
 * class for non-JSON bodies (§1.1).
 */
export const faultExpectations: DialectFaultExpectations = {
  // §1.3: transport failures, as for every venue.
  'outage.refused': { call: 'fetchTicker', raises: 'NetworkError', message: /ECONNREFUSED/, ref: '§1.3, A.transport' },
  'outage.reset': { call: 'fetchTime', raises: 'NetworkError', message: /other side closed/, ref: '§1.3, A.transport' },
  'outage.timeout': { call: 'fetchTime', raises: 'RequestTimeout', message: /timed out/, ref: '§1.3, §0 (all: socket timeout)' },
  // §5.2: a JSON body with EService:Unavailable decides the class whatever the status (A.kraken "503 JSON EService:Unavailable").
  'outage.http5xx.json': { call: 'createOrder', raises: 'ExchangeNotAvailable', httpStatus: 503, message: /EService:Unavailable/, ref: '§5.2, A.kraken "503 JSON EService:Unavailable"' },
  'outage.http5xx.html': { call: 'fetchTicker', raises: 'ExchangeNotAvailable', httpStatus: 502, ref: '§5.2 (502 html), §1.2, A.kraken "502 html"' },
  'outage.http5xx.empty': { call: 'fetchBalance', raises: 'ExchangeNotAvailable', httpStatus: 500, ref: '§1.2 (500 → ExchangeNotAvailable)' },
  // §5.2: Cloudflare pages fall through to httpExceptions: 502/503 → ExchangeNotAvailable, 504 → RequestTimeout.
  'outage.cdn.502': { call: 'fetchTicker', raises: 'ExchangeNotAvailable', httpStatus: 502, ref: '§5.2 (Cloudflare), §1.2, A.kraken "502 html"' },
  'outage.cdn.503': { call: 'createOrder', raises: 'ExchangeNotAvailable', httpStatus: 503, ref: '§5.2 (Cloudflare), §1.2, A.kraken "503 html"' },
  'outage.cdn.504': { call: 'fetchTime', raises: 'RequestTimeout', httpStatus: 504, ref: '§5.2 (504 → RequestTimeout), §1.2, A.kraken "504 html"' },
  // §5.1: a scripted storm on a public endpoint → EGeneral:Too many requests → DDoSProtection (exact map).
  'rateLimit.429': { call: 'fetchTicker', raises: 'DDoSProtection', httpStatus: 200, message: /EGeneral:Too many requests/, ref: '§5.1, A.kraken "EGeneral:Too many requests (public)"' },
  // §5.1: calling on while refused → EGeneral:Temporary lockout (≈15 min) → DDoSProtection.
  'rateLimit.ban': { call: 'createOrder', raises: 'DDoSProtection', httpStatus: 200, message: /EGeneral:Temporary lockout/, ref: '§5.1, §5.5, A.kraken "EGeneral:Temporary lockout"' },
  // §5.3: full maintenance = engine offline → EService:Unavailable → ExchangeNotAvailable (not OnMaintenance).
  'maintenance.full': { call: 'createOrder', raises: 'ExchangeNotAvailable', httpStatus: 200, message: /EService:Unavailable/, ref: '§5.3, A.kraken "EService:Unavailable"' },
  // §5.3: cancel_only / post_only → OnMaintenance (ccxt:kraken.js:565-566).
  'maintenance.cancelOnly': { call: 'createOrder', raises: 'OnMaintenance', httpStatus: 200, message: /cancel_only mode/, ref: '§5.3, A.kraken "EService:Market in cancel_only mode"' },
  // A market order is never post-only, so it is refused.
  'maintenance.postOnly': { call: 'createOrder', raises: 'OnMaintenance', httpStatus: 200, message: /post_only mode/, ref: '§5.3, A.kraken "EService:Market in post_only mode"' },
  // Not in the reference: Kraken has no reduce-only mode, and on spot no order reduces a position;
  // the dialect runs the phase as cancel_only (README "Maintenance").
  'maintenance.reduceOnly': { call: 'createOrder', raises: 'OnMaintenance', httpStatus: 200, message: /cancel_only mode/, ref: 'not in the reference; rendered as §5.3 cancel_only' },
  // §5.3: SystemStatus status "maintenance" → fetchStatus 'maintenance' (ccxt:kraken.js:767-785).
  'maintenance.status': { call: 'fetchStatus', succeeds: true, result: { status: 'maintenance' }, ref: '§5.3 (fetchStatus)' },
  latency: { call: 'fetchTicker', succeeds: true, ref: 'no error: a slow answer is still an answer' },
  'ackLoss.timeout': { call: 'createOrder', raises: 'RequestTimeout', message: /timed out/, ref: '§1.3, §7.1' },
  // §5.2, §7.1: Kraken's unknown-status answer is EService:Deadline elapsed → ExchangeError, although the order executed.
  'ackLoss.unknownStatus': { call: 'createOrder', raises: 'ExchangeError', httpStatus: 200, message: /EService:Deadline elapsed/, ref: '§5.2, §7.1, A.kraken "EService:Deadline elapsed"' },
  'errorRate.json': { call: 'createOrder', raises: 'ExchangeNotAvailable', httpStatus: 503, message: /EService:Unavailable/, ref: '§5.2, A.kraken "503 JSON EService:Unavailable"' },
  'errorRate.html': { call: 'fetchOrderBook', raises: 'ExchangeNotAvailable', httpStatus: 502, ref: '§5.2, §1.2' },
  'errorRate.empty': { call: 'fetchTime', raises: 'ExchangeNotAvailable', httpStatus: 500, ref: '§1.2' },
  // §5.4/§5.5: Kraken's nonce is a counter, never compared with the venue's clock, so a skewed
  // venue clock fails nothing ccxt sends (it sets no AddOrder `deadline`); README "Clock skew".
  'clockSkew.venueAhead': { call: 'fetchBalance', succeeds: true, ref: '§5.5 (nonce only has to increase): no class' },
  'clockSkew.venueBehind': { call: 'createOrder', succeeds: true, ref: '§5.5 (nonce only has to increase): no class' },
  // ccxt's Kraken ticker and order book carry no timestamp (ccxt:kraken.js:1082, parseOrderBook
  // without one), so the matrix cannot see the age; the dialect does serve the stale snapshot
  // (checked on the Depth level times in test/compliance/kraken.test.ts).
  staleData: { notApplicable: 'ccxt parses no timestamp from Kraken tickers or books; stale Depth level times are checked in kraken.test.ts' },
  readLag: { call: 'fetchBalance', succeeds: true, ref: 'no error: a lagging account read answers with older truth (eventual consistency; no class)' },
};
