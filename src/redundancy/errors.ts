/**
 * What a ccxt exception *means* for redundancy decisions — not what its class name suggests.
 * The reference (shared/reference/fault-dialects.md §7) lists where the class misleads:
 * an `ExchangeNotAvailable` on an order may mean "status unknown", `InvalidNonce` is a local clock
 * problem although it derives from NetworkError, Binance answers 418 bans and 429s with the same
 * `DDoSProtection`, and `OperationFailed` is not a NetworkError.
 *
 * Classification walks the prototype chain by constructor name, so it needs no ccxt import and
 * works for any ccxt instance the policy was handed.
 */

export type ErrorMeaning =
  /** 429: the request was refused at the gateway; honour Retry-After. */
  | 'rateLimited'
  /** 418: IP ban; Retry-After = time until unban. */
  | 'banned'
  /** The venue says it is in maintenance: poll its status. */
  | 'maintenance'
  /** Timestamp outside recvWindow: re-sync the clock, do not fail over. */
  | 'clockSkew'
  /** Transport failure, timeout or 5xx: the venue may be down and an order's outcome is unknown. */
  | 'unknownOutcome'
  /** The venue is unreachable for a request that changes nothing (reads). */
  | 'unavailable'
  /** A definite answer that refused the request (margin, validation, auth…): nothing executed. */
  | 'rejected';

export function errorChain(error: unknown): string[] {
  const names: string[] = [];
  let proto = error !== null && typeof error === 'object' ? Object.getPrototypeOf(error) : undefined;
  while (proto && proto !== Object.prototype) {
    const name = proto.constructor?.name;
    if (typeof name === 'string') names.push(name);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}

export function classifyError(error: unknown): ErrorMeaning {
  const chain = errorChain(error);
  const has = (name: string): boolean => chain.includes(name);
  const message = String((error as Error | undefined)?.message ?? '');
  if (has('DDoSProtection') || has('RateLimitExceeded')) {
    // Binance 418 says "IP banned until"; Bybit's 403 IP ban says "access too frequent".
    return /banned|access too frequent/i.test(message) ? 'banned' : 'rateLimited';
  }
  if (has('OnMaintenance')) return 'maintenance';
  if (has('InvalidNonce')) return 'clockSkew';
  // A connection that was never made sent nothing: an order cannot have reached the venue.
  if (has('NetworkError') && !has('RequestTimeout') && NOT_SENT_WORDS.some((re) => re.test(message))) return 'unavailable';
  if (has('RequestTimeout') || has('NetworkError') || has('OperationFailed')) return 'unknownOutcome';
  if (has('ExchangeError')) {
    // Plain ExchangeErrors that are not refusals (reference §7): the venue's own words decide.
    if (UNKNOWN_OUTCOME_WORDS.some((re) => re.test(message))) return 'unknownOutcome';
    if (RATE_LIMIT_WORDS.some((re) => re.test(message))) return 'rateLimited';
    return 'rejected';
  }
  return 'unknownOutcome';
}

/**
 * Transport failures before any byte of the request left (ccxt appends the cause to its
 * NetworkError: "fetch failed: connect ECONNREFUSED host:443"): refused connections and failed
 * DNS lookups. A reset or a timeout may come after the venue read the request; these cannot.
 */
const NOT_SENT_WORDS: readonly RegExp[] = [/ECONNREFUSED/, /ConnectionRefused/, /ENOTFOUND/, /EAI_AGAIN/, /DNSError/, /FailedToOpenSocket/, /UND_ERR_CONNECT_TIMEOUT/];

/**
 * "The order may or may not have executed", raised by ccxt as plain ExchangeError: OKX 51149
 * (order timed out, outcome unknown), Bybit retCode 10000 "Server Timeout" and 10016 "Server
 * error" (its 5xx in a 200). Treating them as a refusal hedges the same quantity twice, and marks a
 * venue that is down as merely refusing.
 */
const UNKNOWN_OUTCOME_WORDS: readonly RegExp[] = [/"sCode"\s*:\s*"51149"/, /"code"\s*:\s*"51149"/, /"retCode"\s*:\s*1000[06]\b/];

/** Rate limits ccxt raises as plain ExchangeError: OKX 50061 (sub-account order rate), Bybit retCode 10429 / 429. */
const RATE_LIMIT_WORDS: readonly RegExp[] = [/"code"\s*:\s*"50061"/, /"retCode"\s*:\s*(?:10429|429)\b/];

/**
 * How long the venue asked us to wait, from the last response ccxt saw on this client (ccxt itself
 * never reads it): `Retry-After` (Binance), or the reset time of the exhausted budget (Bybit's
 * `X-Bapi-Limit-Reset-Timestamp`, epoch ms) counted from `nowMs`. Undefined when the venue said
 * nothing (Bybit's 403 IP ban: its docs say to wait at least 10 minutes).
 */
export function retryAfterSecFrom(exchange: { last_response_headers?: Record<string, string> }, nowMs: number): number | undefined {
  const headers = exchange.last_response_headers ?? {};
  let resetSec: number | undefined;
  for (const [key, value] of Object.entries(headers)) {
    const name = key.toLowerCase();
    if (name === 'retry-after') {
      const sec = Number(value);
      return Number.isFinite(sec) ? sec : undefined;
    }
    if (name === 'x-bapi-limit-reset-timestamp') {
      const ms = Number(value);
      if (Number.isFinite(ms)) resetSec = Math.max(0, Math.ceil((ms - nowMs) / 1000));
    }
  }
  return resetSec;
}
