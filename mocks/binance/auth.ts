import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DialectCredentials } from '../types.ts';
import { BINANCE_ERRORS, mandatoryParamMissing, type BinanceError } from './errors.ts';

/**
 * SIGNED endpoint security, as Binance checks it
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info#signed-trade-and-user_data-endpoint-security):
 *
 * 1. `X-MBX-APIKEY` header: missing/empty → 401 -2014, unknown → 401 -2015.
 * 2. `timestamp` mandatory (-1102); `recvWindow` default 5000, at most 60000 (-1131).
 * 3. Timing: reject when `timestamp >= serverTime + 1000` or `serverTime - timestamp > recvWindow` (-1021).
 * 4. `signature` mandatory (-1102): hex HMAC-SHA256, keyed with the secret, of `totalParams` =
 *    query string concatenated with the request body (no `&` between them), without the
 *    `signature` parameter itself. A mismatch → 400 -1022.
 *
 * The timing check runs before the signature check, so a skewed clock reads as -1021 even when the
 * signature is also wrong.
 */

export interface SignedRequest {
  apiKeyHeader: string | null;
  /** Raw query string without the leading "?", exactly as sent (still percent-encoded). */
  rawQuery: string;
  /** Raw form body as sent ("" for none). */
  rawBody: string;
  /** Query and body parameters merged (query wins, as on Binance). */
  params: URLSearchParams;
  nowMs: number;
  credentials: DialectCredentials;
}

export const RECV_WINDOW_DEFAULT_MS = 5000;
export const RECV_WINDOW_MAX_MS = 60000;
/** How far ahead of the server a timestamp may be. */
export const TIMESTAMP_AHEAD_MAX_MS = 1000;

/** Returns the Binance error for a request that fails SIGNED security, or undefined when it passes. */
export function verifySignedRequest(req: SignedRequest): BinanceError | undefined {
  const key = req.apiKeyHeader;
  if (key === null || key === '') return BINANCE_ERRORS.apiKeyFormatInvalid;
  if (key !== req.credentials.apiKey) return BINANCE_ERRORS.apiKeyInvalid;

  const timestampRaw = req.params.get('timestamp');
  if (timestampRaw === null || !/^\d{1,20}$/.test(timestampRaw)) return mandatoryParamMissing('timestamp');
  const recvWindowRaw = req.params.get('recvWindow');
  const recvWindowMs = recvWindowRaw === null ? RECV_WINDOW_DEFAULT_MS : Number(recvWindowRaw);
  if (!Number.isFinite(recvWindowMs) || recvWindowMs < 0) return mandatoryParamMissing('recvWindow');
  if (recvWindowMs > RECV_WINDOW_MAX_MS) return BINANCE_ERRORS.recvWindowTooLarge;
  const timestampMs = Number(timestampRaw);
  if (timestampMs >= req.nowMs + TIMESTAMP_AHEAD_MAX_MS) return BINANCE_ERRORS.timestampAhead;
  if (req.nowMs - timestampMs > recvWindowMs) return BINANCE_ERRORS.timestampOutsideRecvWindow;

  const fromQuery = splitSignature(req.rawQuery);
  const fromBody = splitSignature(req.rawBody);
  const signature = fromQuery.signature ?? fromBody.signature;
  if (signature === undefined || signature === '') return mandatoryParamMissing('signature');
  const totalParams = fromQuery.rest + fromBody.rest;
  const expected = signPayload(totalParams, req.credentials.secret);
  return sameHex(expected, signature) ? undefined : BINANCE_ERRORS.signatureInvalid;
}

/** Hex HMAC-SHA256 of `payload` keyed with `secret` (what a Binance client sends as `signature`). */
export function signPayload(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/** Removes the `signature=…` pair from a raw query/body string, keeping everything else byte for byte. */
export function splitSignature(raw: string): { rest: string; signature: string | undefined } {
  if (raw === '') return { rest: '', signature: undefined };
  const pairs = raw.split('&');
  const index = pairs.findIndex((p) => p.startsWith('signature='));
  if (index < 0) return { rest: raw, signature: undefined };
  const signature = decodeURIComponent(pairs[index]!.slice('signature='.length));
  pairs.splice(index, 1);
  return { rest: pairs.join('&'), signature };
}

function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected.toLowerCase());
  const b = Buffer.from(given.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}
