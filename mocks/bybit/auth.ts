import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DialectCredentials } from '../types.ts';
import { BYBIT_ERRORS, signParamsEmpty, signatureInvalid, timestampOutsideWindow, type BybitError } from './errors.ts';

/**
 * Bybit v5 request authentication, as Bybit checks it
 * (https://bybit-exchange.github.io/docs/v5/guide#authentication):
 *
 * 1. Headers `X-BAPI-API-KEY`, `X-BAPI-TIMESTAMP`, `X-BAPI-SIGN` must all be present; a missing
 *    one → 10001 "empty value: apiTimestamp[…] apiKey[…] apiSignature[…]: openapi sign params error!".
 * 2. The key must be the venue's → HTTP 401, 10003 "API key is invalid.".
 * 3. `server_time − recv_window ≤ timestamp < server_time + 1000`, recv_window from
 *    `X-BAPI-RECV-WINDOW` (default 5000) → else 10002 "invalid request, please check your server
 *    timestamp or recv_window param. req_timestamp[…],server_timestamp[…],recv_window[…]".
 * 4. `X-BAPI-SIGN` = hex HMAC-SHA256(secret, timestamp + apiKey + recvWindow + payload), where
 *    payload is the raw query string for GET and the raw JSON body for POST → else 10004
 *    "error sign! origin_string[…]" (Bybit echoes the string it expected to be signed).
 *
 * The timestamp check runs before the signature check, so a skewed clock reads as 10002 even when
 * the signature is also wrong (the order of 3 and 4 is not documented; this is the mock's).
 */

/** What the signature check reads off one request. */
export interface SignedRequest {
  headers: Headers;
  /** Raw query string without "?" (GET) or raw body (POST), exactly as sent. */
  payload: string;
  /** The venue's clock (ms). */
  serverMs: number;
  credentials: DialectCredentials;
}

/** Bybit's default `X-BAPI-RECV-WINDOW` (and ccxt's `options.recvWindow`). */
export const RECV_WINDOW_DEFAULT_MS = 5000;
/** How far ahead of the server a timestamp may be. */
export const TIMESTAMP_AHEAD_MAX_MS = 1000;

/** Returns the Bybit error for a request that fails authentication, or undefined when it passes. */
export function verifySignedRequest(req: SignedRequest): BybitError | undefined {
  const apiKey = req.headers.get('X-BAPI-API-KEY') ?? '';
  const timestamp = req.headers.get('X-BAPI-TIMESTAMP') ?? '';
  const sign = req.headers.get('X-BAPI-SIGN') ?? '';
  if (apiKey === '' || timestamp === '' || sign === '') return signParamsEmpty({ timestamp, apiKey, sign });
  if (apiKey !== req.credentials.apiKey) return BYBIT_ERRORS.apiKeyInvalid;

  const recvWindowRaw = req.headers.get('X-BAPI-RECV-WINDOW');
  const recvWindow = recvWindowRaw === null || recvWindowRaw === '' ? String(RECV_WINDOW_DEFAULT_MS) : recvWindowRaw;
  const timestampMs = /^\d{1,16}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  const recvWindowMs = /^\d{1,9}$/.test(recvWindow) ? Number(recvWindow) : Number.NaN;
  const inWindow = req.serverMs - recvWindowMs <= timestampMs && timestampMs < req.serverMs + TIMESTAMP_AHEAD_MAX_MS;
  if (!inWindow) return timestampOutsideWindow({ timestampMs: timestamp, serverMs: req.serverMs, recvWindowMs: recvWindow });

  const originString = `${timestamp}${apiKey}${recvWindowRaw ?? ''}${req.payload}`;
  return sameHex(signPayload(originString, req.credentials.secret), sign) ? undefined : signatureInvalid(originString);
}

/** Hex HMAC-SHA256 of `payload` keyed with `secret` (what a Bybit client sends as `X-BAPI-SIGN`). */
export function signPayload(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/** The headers a Bybit v5 client sends for a signed request (tests and tools). */
export function signedHeaders(o: { apiKey: string; secret: string; timestampMs: number; payload: string; recvWindowMs?: number }): Record<string, string> {
  const recvWindow = String(o.recvWindowMs ?? RECV_WINDOW_DEFAULT_MS);
  const timestamp = String(o.timestampMs);
  return {
    'Content-Type': 'application/json',
    'X-BAPI-API-KEY': o.apiKey,
    'X-BAPI-TIMESTAMP': timestamp,
    'X-BAPI-RECV-WINDOW': recvWindow,
    'X-BAPI-SIGN': signPayload(`${timestamp}${o.apiKey}${recvWindow}${o.payload}`, o.secret),
  };
}

function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected.toLowerCase());
  const b = Buffer.from(given.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}
