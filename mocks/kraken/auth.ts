import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { DialectCredentials } from '../types.ts';
import { KRAKEN_ERRORS, type KrakenErrorString } from './errors.ts';

/**
 * Kraken spot REST authentication, as Kraken checks it
 * (https://docs.kraken.com/api/docs/guides/spot-rest-auth):
 *
 * 1. `API-Key` must name the venue's key → else `EAPI:Invalid key` (AuthenticationError).
 * 2. `API-Sign` = base64(HMAC-SHA512(key = base64-decoded secret, message = URI path +
 *    SHA256(nonce + POST data))) → else `EAPI:Invalid signature` (ExchangeError in ccxt, §7.7).
 * 3. `nonce` (in the POST data) must be greater than every nonce this key sent before → else
 *    `EAPI:Invalid nonce` (InvalidNonce). The nonce is a counter, not a time: Kraken never compares
 *    it with its clock, so a skewed venue clock does not fail requests (README "Clock skew").
 *
 * The nonce is checked after the signature (it is part of what is signed), and only a request
 * that passes all three moves the key's last nonce (a forged request cannot burn nonces).
 */

/**
 * Kraken secrets are base64 (ccxt decodes `exchange.secret` with base64ToBinary before signing),
 * while the testbed's credentials are plain text. The venue's Kraken secret is the base64 of the
 * plain secret's bytes, so the HMAC key is exactly the testbed secret.
 *
 * @example krakenSecretFor('vc-primary-secret') === 'dmMtcHJpbWFyeS1zZWNyZXQ='
 */
export function krakenSecretFor(secret: string): string {
  return Buffer.from(secret, 'utf8').toString('base64');
}

/** What the check reads off one private request. */
export interface PrivateRequest {
  headers: Headers;
  /** "/0/private/BalanceEx". */
  path: string;
  /** Raw POST body, exactly as sent. */
  body: string;
  /** The `nonce` field of the body (form or JSON). */
  nonce: string | undefined;
}

/** Per-key nonce memory of one venue. */
export interface NonceBook {
  last: Map<string, bigint>;
}

export const createNonceBook = (): NonceBook => ({ last: new Map() });

/** Returns Kraken's error for a request that fails authentication, or undefined (and records its nonce). */
export function verifyPrivateRequest(req: PrivateRequest, credentials: DialectCredentials, nonces: NonceBook): KrakenErrorString | undefined {
  const apiKey = req.headers.get('API-Key') ?? '';
  if (apiKey === '' || apiKey !== credentials.apiKey) return KRAKEN_ERRORS.invalidKey;
  const sign = req.headers.get('API-Sign') ?? '';
  const nonce = req.nonce ?? '';
  const expected = signRequest({ path: req.path, nonce, body: req.body, secret: krakenSecretFor(credentials.secret) });
  if (!sameText(expected, sign)) return KRAKEN_ERRORS.invalidSignature;
  if (!/^[0-9]{1,20}$/.test(nonce)) return KRAKEN_ERRORS.invalidNonce;
  const value = BigInt(nonce);
  const last = nonces.last.get(apiKey);
  if (last !== undefined && value <= last) return KRAKEN_ERRORS.invalidNonce;
  nonces.last.set(apiKey, value);
  return undefined;
}

/** `API-Sign` for a request: base64(HMAC-SHA512(base64decode(secret), path + SHA256(nonce + body))). */
export function signRequest(o: { path: string; nonce: string; body: string; secret: string }): string {
  const inner = createHash('sha256').update(o.nonce + o.body).digest();
  return createHmac('sha512', Buffer.from(o.secret, 'base64')).update(Buffer.concat([Buffer.from(o.path), inner])).digest('base64');
}

/** The headers and body a Kraken client sends for a private call (tests and tools). */
export function privateRequest(o: { apiKey: string; secret: string; path: string; nonce: number | string; params?: Record<string, string> }): { headers: Record<string, string>; body: string } {
  const body = new URLSearchParams({ nonce: String(o.nonce), ...(o.params ?? {}) }).toString();
  return {
    headers: { 'API-Key': o.apiKey, 'API-Sign': signRequest({ path: o.path, nonce: String(o.nonce), body, secret: o.secret }), 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
