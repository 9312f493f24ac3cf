import type { errors as ccxtErrors } from 'ccxt';
import type { SERVER_ERROR_VARIANTS } from '../../src/faults/outage.ts';
import type { AckLossFault, MaintenancePhase, OutageMode } from '../../src/faults/types.ts';

/**
 * What the real ccxt client must see, for every fault kind and mode the fault layer can inject,
 * on one dialect: a data table the fault compliance matrix (test/compliance/fault-matrix.test.ts)
 * runs for every registered dialect. A new dialect ships its own table (mocks/<name>/
 * fault-expectations.ts) and one line in test/helpers/dialects.ts; no new test code.
 *
 * The generic types below are dialect-independent (they may move to mocks/types.ts).
 */

/** The 5xx body shapes the fault layer picks among for outage `http5xx` and errorRate. */
export type ServerErrorVariant = (typeof SERVER_ERROR_VARIANTS)[number]['variant'];

/** The statuses of the CDN's own error pages (outage mode `cdn`, src/faults/outage.ts `CDN_STATUSES`). */
export type CdnStatus = 502 | 503 | 504;

/**
 * Every fault kind and mode, as the matrix names them. Keyed by these, a dialect's table is
 * checked for completeness by the compiler: a new outage mode or server-error variant here
 * breaks every table that does not say what ccxt raises for it.
 */
export type FaultCase =
  | `outage.${Exclude<OutageMode, 'http5xx' | 'cdn'>}`
  | `outage.http5xx.${ServerErrorVariant}`
  | `outage.cdn.${CdnStatus}`
  /** A 429 inside the window. */
  | 'rateLimit.429'
  /** The client ignores `Retry-After` more than `ignoredMax` times: the IP ban (Binance 418). */
  | 'rateLimit.ban'
  /** A new order during a maintenance window of this phase is refused (full: trading and account requests). */
  | `maintenance.${MaintenancePhase}`
  /** The venue's status channel announces a full maintenance window (a successful call). */
  | 'maintenance.status'
  /** No error: the call succeeds, later. */
  | 'latency'
  | `ackLoss.${AckLossFault['mode']}`
  /** Probability 1: every request fails with this 5xx variant before the venue acts. */
  | `errorRate.${ServerErrorVariant}`
  /** The venue's clock runs ahead of true time: a signed request's timestamp is too old. */
  | 'clockSkew.venueAhead'
  /** The venue's clock runs behind true time: a signed request's timestamp is in its future. */
  | 'clockSkew.venueBehind'
  /** Market data freezes at the window's start while the venue keeps trading (the call succeeds, with old data). */
  | 'staleData'
  | 'readLag';

/** The unified ccxt calls the matrix knows how to make (symbol and amount come from the dialect registry). */
export type UnifiedCall = 'fetchTime' | 'fetchStatus' | 'fetchTicker' | 'fetchOrderBook' | 'fetchBalance' | 'fetchPositions' | 'fetchOpenOrders' | 'createOrder';

/** A ccxt exception class name (`ccxt.errors`), child-most, e.g. 'DDoSProtection'. */
export type CcxtErrorName = keyof typeof ccxtErrors;

/** Fault parameters a dialect may need to override (defaults live with the matrix). */
export interface FaultParamOverrides {
  retryAfterSec?: number;
  banSec?: number;
  ignoredMax?: number;
  /** Absolute skew for the clockSkew cases (the sign comes from the case). Must exceed the dialect's acceptance window. */
  skewMs?: number;
  latencyMs?: number;
}

interface ExpectationBase {
  call: UnifiedCall;
  /** Where the class comes from: `fault-dialects.md §…` (and the ccxt source line it cites). */
  ref: string;
  params?: FaultParamOverrides;
}

/** The call fails with exactly this class (first element of the constructor-name chain). */
export interface RaisesExpectation extends ExpectationBase {
  raises: CcxtErrorName;
  /** HTTP status the venue answers with; omitted for transport-level failures (no response). */
  httpStatus?: number;
  /** A fragment of the error message that identifies the venue's answer. */
  message?: RegExp;
}

/** The call succeeds (latency; status announcements). */
export interface SucceedsExpectation extends ExpectationBase {
  succeeds: true;
  /** Fields the result must have inside the window and must not have outside it (`toMatchObject`). */
  result?: Record<string, unknown>;
}

/** The dialect cannot express this fault (e.g. no status channel); the matrix lists it as skipped. */
export interface NotApplicable {
  notApplicable: string;
}

export type FaultExpectation = RaisesExpectation | SucceedsExpectation;

export type DialectFaultExpectations = { readonly [K in FaultCase]: FaultExpectation | NotApplicable };

/**
 * Binance USDⓈ-M (`binanceusdm`). Section numbers refer to
 * /work/shared/reference/fault-dialects.md (ccxt 4.5.84); the
 * bodies are the ones this dialect renders (mocks/binance/errors.ts, README "Fault renderers").
 */
export const faultExpectations: DialectFaultExpectations = {
  // §1.3: ECONNREFUSED / socket errors → NetworkError ("fetch failed: …"), verified on loopback (A.transport).
  'outage.refused': { call: 'fetchTicker', raises: 'NetworkError', message: /ECONNREFUSED/, ref: '§1.3, A.transport' },
  'outage.reset': { call: 'fetchTime', raises: 'NetworkError', message: /other side closed/, ref: '§1.3, A.transport' },
  // §1.3 / §0 "all": no response within exchange.timeout (10 000 ms) → RequestTimeout.
  'outage.timeout': { call: 'fetchTime', raises: 'RequestTimeout', message: /timed out/, ref: '§1.3, §0 (all: socket timeout)' },
  // §2.2 table "503 JSON with only msg" and §0 "fapi 503 Service Unavailable. (definite failure)":
  // {"msg":"Service Unavailable."} has no code → falls through to httpExceptions[503] (§1.2).
  // Ambiguous in §2.2/§8 (a body with a code, e.g. -1000, would be OperationFailed); this dialect
  // documents the msg-only variant B.
  'outage.http5xx.json': { call: 'createOrder', raises: 'ExchangeNotAvailable', httpStatus: 503, ref: '§2.2 (503 msg-only), §0, A.binance "fapi 503 msg-only Service Unavailable."' },
  // §2.2 "non-JSON 500/502/503, empty body → ExchangeNotAvailable" (A.binance "spot 502 html").
  'outage.http5xx.html': { call: 'fetchTicker', raises: 'ExchangeNotAvailable', httpStatus: 502, ref: '§2.2 (non-JSON 5xx), §1.2, A.binance "spot 502 html"' },
  'outage.http5xx.empty': { call: 'fetchBalance', raises: 'ExchangeNotAvailable', httpStatus: 500, ref: '§2.2 (empty body), §1.2, A.binance "spot 500 empty body"' },
  // §0 "gateway errors 500/502/503 non-JSON, 504" and §1.2: the CloudFront HTML page falls through
  // to httpExceptions: 502/503 → ExchangeNotAvailable, 504 → RequestTimeout.
  'outage.cdn.502': { call: 'fetchTicker', raises: 'ExchangeNotAvailable', httpStatus: 502, ref: '§0 (gateway errors), §1.2, §2.2 (non-JSON 5xx)' },
  'outage.cdn.503': { call: 'createOrder', raises: 'ExchangeNotAvailable', httpStatus: 503, ref: '§0 (gateway errors), §1.2, A.binance "spot 503 html"' },
  'outage.cdn.504': { call: 'fetchTime', raises: 'RequestTimeout', httpStatus: 504, ref: '§0 (gateway errors: 504 → RequestTimeout), §1.2, A.binance "spot 504 html"' },
  // §2.1: any 418/429 → DDoSProtection before the body is read (ccxt:binance.js:13482-13484),
  // although the maps say -1003/-1015 → RateLimitExceeded (reachable only with another status).
  'rateLimit.429': { call: 'fetchTicker', raises: 'DDoSProtection', httpStatus: 429, message: /Too much request weight/, ref: '§2.1, §0, A.binance "spot 429 -1003"' },
  'rateLimit.ban': { call: 'createOrder', raises: 'DDoSProtection', httpStatus: 418, message: /IP banned until/, ref: '§2.1 (418 escalation), A.binance "spot 418 -1003 ban"' },
  // §2.3: {"code":1,"msg":"System is under maintenance."} → OnMaintenance by message match
  // (ccxt:binance.js:2779), whatever the status; trading during maintenance is "not precisely documented".
  'maintenance.full': { call: 'createOrder', raises: 'OnMaintenance', httpStatus: 503, message: /System is under maintenance/, ref: '§2.3, A.binance "spot 503 System is under maintenance."' },
  // Partial phases (the status endpoint stays normal): Binance has no cancel-only/post-only mode;
  // the dialect answers as for a symbol not trading, -1013 "Market is closed." → MarketClosed by
  // message match (§2.3, ccxt:binance.js:2790; reference verified it on spot, A.binance "spot 400 -1013").
  'maintenance.cancelOnly': { call: 'createOrder', raises: 'MarketClosed', httpStatus: 400, message: /Market is closed/, ref: '§2.3 (halted symbol), A.binance "spot 400 -1013 Market is closed."' },
  // A market order is not post-only (GTX), so it is refused the same way.
  'maintenance.postOnly': { call: 'createOrder', raises: 'MarketClosed', httpStatus: 400, message: /Market is closed/, ref: '§2.3 (halted symbol)' },
  // Not in the reference: USDⓈ-M -4400 "…only reduceOnly order is allowed…" → PermissionDenied
  // (ccxt linear map, ccxt:binance.js:2186; URL-keyed, so it needs the fapi.<hostname> wiring of §1.6).
  'maintenance.reduceOnly': { call: 'createOrder', raises: 'PermissionDenied', httpStatus: 400, message: /only reduceOnly order is allowed/, ref: 'not in the reference; ccxt:binance.js:2186 (linear map), §1.6' },
  // §2.3: sapi/v1/system/status {"status":1,…} → fetchStatus status 'maintenance' (ccxt:binance.js:4683-4699).
  'maintenance.status': { call: 'fetchStatus', succeeds: true, result: { status: 'maintenance' }, ref: '§2.3 (fetchStatus), A.binance "sapi 200 status=1"' },
  'latency': { call: 'fetchTicker', succeeds: true, ref: 'no error: a slow answer is still an answer' },
  // §1.3: the order executed, no answer before exchange.timeout → RequestTimeout.
  'ackLoss.timeout': { call: 'createOrder', raises: 'RequestTimeout', message: /timed out/, ref: '§1.3, §7.1' },
  // §2.2: fapi 408 -1007 "…execution status unknown." → RequestTimeout (ccxt common map).
  // Ambiguous (§7.1): Binance's unknown-status answers also come as 5xx -1006 / 503 -1000
  // (OperationFailed) or msg-only 503 "Unknown error…" (ExchangeNotAvailable); this dialect
  // documents the USDⓈ-M 408 backend timeout.
  'ackLoss.unknownStatus': { call: 'createOrder', raises: 'RequestTimeout', httpStatus: 408, message: /execution status unknown/, ref: '§2.2 (-1007, fapi 408), §0, A.binance "fapi 408 -1007"' },
  // Same bodies as outage http5xx (the fault layer picks a variant; probability 1).
  'errorRate.json': { call: 'createOrder', raises: 'ExchangeNotAvailable', httpStatus: 503, ref: '§2.2 (503 msg-only), §0' },
  'errorRate.html': { call: 'fetchOrderBook', raises: 'ExchangeNotAvailable', httpStatus: 502, ref: '§2.2 (non-JSON 5xx), §1.2' },
  'errorRate.empty': { call: 'fetchTime', raises: 'ExchangeNotAvailable', httpStatus: 500, ref: '§2.2 (empty body), §1.2' },
  // §2.5: -1021 → InvalidNonce (ccxt:binance.js:2663), both messages; ccxt sends recvWindow 10 000.
  'clockSkew.venueAhead': { call: 'fetchBalance', raises: 'InvalidNonce', httpStatus: 400, message: /outside of the recvWindow/, ref: '§2.5, §0, A.binance "fapi 400 -1021"' },
  'clockSkew.venueBehind': { call: 'createOrder', raises: 'InvalidNonce', httpStatus: 400, message: /ahead of the server's time/, ref: '§2.5' },
  // No error: tickers and books answer with the snapshot of the window's start (closeTime → ccxt `timestamp`).
  staleData: { call: 'fetchTicker', succeeds: true, ref: 'no error: a stale answer is still an answer (§7 lists no class for it)' },
  readLag: { call: 'fetchBalance', succeeds: true, ref: 'no error: a lagging account read answers with older truth (eventual consistency; no class)' },
};
