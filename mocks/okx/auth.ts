import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DialectCredentials } from '../types.ts';
import { OKX_ERRORS, type OkxError } from './errors.ts';

/**
 * Private REST authentication, as OKX checks it
 * (https://www.okx.com/docs-v5/en/#overview-rest-authentication-making-requests, …-signature):
 *
 * - `OK-ACCESS-KEY`, `OK-ACCESS-PASSPHRASE`, `OK-ACCESS-SIGN`, `OK-ACCESS-TIMESTAMP` are required
 *   (empty → 50103 / 50104 / 50106 / 50107, HTTP 401);
 * - the timestamp is ISO-8601 UTC with milliseconds (`2020-12-08T09:08:57.715Z`; otherwise 50112)
 *   and "the server rejects requests where this differs from server time by more than 30 seconds
 *   (error 50102)" — either direction;
 * - `x-simulated-trading: 1` (demo trading) with a production key → 50101;
 * - unknown key → 50111, wrong passphrase → 50105;
 * - `OK-ACCESS-SIGN` = Base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath + body)), where
 *   requestPath includes the query string ("?…") exactly as sent and body is the raw JSON of a
 *   POST ("" for GET); a mismatch → 50113.
 *
 * The order of the checks is not documented; this one checks what a gateway can check without
 * the key store first (header presence, timestamp), so a skewed clock reads as 50102 whatever else
 * is wrong, as Binance's -1021 does.
 */

/** How far a request timestamp may be from the venue's clock, either way. */
export const TIMESTAMP_WINDOW_MS = 30_000;

/**
 * The passphrase of a venue API key. OKX keys come with a passphrase the user chose; the testbed's
 * credentials (src/sim/run.ts `credentialsFor`) carry none, so each key has a deterministic one.
 * Clients pass it as ccxt's `password`.
 *
 * @example okxPassphraseFor('vc-primary-key') // 'vc-primary-key-passphrase'
 */
export function okxPassphraseFor(apiKey: string): string {
  return `${apiKey}-passphrase`;
}

export interface OkxSignedRequest {
  headers: Headers;
  /** Upper case. */
  method: string;
  /** Path and query exactly as sent, e.g. "/api/v5/account/positions?instId=BTC-USDT-SWAP". */
  requestPath: string;
  /** Raw body as sent ("" for none). */
  rawBody: string;
  /** The venue's clock. */
  clockMs: number;
  credentials: DialectCredentials;
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

/** The OKX error for a private request that fails authentication, or undefined when it passes. */
export function verifySignedRequest(req: OkxSignedRequest): OkxError | undefined {
  const header = (name: string): string => req.headers.get(name) ?? '';
  const key = header('OK-ACCESS-KEY');
  const passphrase = header('OK-ACCESS-PASSPHRASE');
  const sign = header('OK-ACCESS-SIGN');
  const timestamp = header('OK-ACCESS-TIMESTAMP');
  if (key === '') return OKX_ERRORS.keyEmpty;
  if (passphrase === '') return OKX_ERRORS.passphraseEmpty;
  if (sign === '') return OKX_ERRORS.signEmpty;
  if (timestamp === '') return OKX_ERRORS.timestampEmpty;
  const timestampMs = ISO_MS.test(timestamp) ? Date.parse(timestamp) : Number.NaN;
  if (!Number.isFinite(timestampMs)) return OKX_ERRORS.timestampInvalid;
  if (Math.abs(req.clockMs - timestampMs) > TIMESTAMP_WINDOW_MS) return OKX_ERRORS.timestampExpired;
  if (header('x-simulated-trading') === '1') return OKX_ERRORS.apiKeyEnvironment;
  if (key !== req.credentials.apiKey) return OKX_ERRORS.keyInvalid;
  if (passphrase !== okxPassphraseFor(key)) return OKX_ERRORS.passphraseIncorrect;
  const expected = signPrehash(`${timestamp}${req.method}${req.requestPath}${req.rawBody}`, req.credentials.secret);
  return sameText(expected, sign) ? undefined : OKX_ERRORS.signatureInvalid;
}

/** Base64 HMAC-SHA256 of the prehash string (what an OKX client sends as `OK-ACCESS-SIGN`). */
export function signPrehash(prehash: string, secret: string): string {
  return createHmac('sha256', secret).update(prehash).digest('base64');
}

function sameText(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
