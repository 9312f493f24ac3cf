import type { MarketSpec } from '../../src/venue/types.ts';

/**
 * Kraken's names for assets, pairs, orders and trades. The engine speaks unified codes (BTC, USD)
 * and plain ids (BTCUSD); Kraken keeps its legacy ISO-4217-A3 style codes for the assets it listed
 * first — `X` for crypto, `Z` for fiat: XXBT (altname XBT), XETH, XLTC, ZUSD, ZEUR — and newer ones
 * as they are (USDT, SOL). A pair of two legacy assets is named by the concatenated codes
 * ("XXBTZUSD", "XETHZUSD"); any other by the altnames ("XBTUSDT", "ETHUSDT", "SOLUSD").
 * ccxt's `commonCurrencies` maps XBT/XXBT → BTC and its fetchCurrencies learns XETH → ETH,
 * ZUSD → USD from the `altname` of `/0/public/Assets`.
 *
 * Docs: https://support.kraken.com/hc/en-us/articles/360001206766 (XBT vs BTC, X/Z prefixes),
 * https://docs.kraken.com/api/docs/rest-api/get-tradable-asset-pairs
 */

export interface KrakenAsset {
  /** Kraken's asset id, the key of `/0/public/Assets` and of BalanceEx: "XXBT", "ZUSD", "USDT". */
  id: string;
  /** Kraken's altname: "XBT", "USD", "USDT". */
  altname: string;
  /** Unified code the engine uses: "BTC", "USD". */
  code: string;
  /** Decimals Kraken keeps balances in (XXBT 10, ZUSD 4). */
  decimals: number;
  /** Decimals Kraken suggests for display. */
  displayDecimals: number;
}

/** Assets with a legacy X/Z id, by unified code (Kraken's `/0/public/Assets` values). */
const LEGACY: Readonly<Record<string, Omit<KrakenAsset, 'code'>>> = {
  BTC: { id: 'XXBT', altname: 'XBT', decimals: 10, displayDecimals: 5 },
  ETH: { id: 'XETH', altname: 'ETH', decimals: 10, displayDecimals: 5 },
  LTC: { id: 'XLTC', altname: 'LTC', decimals: 10, displayDecimals: 5 },
  XRP: { id: 'XXRP', altname: 'XRP', decimals: 8, displayDecimals: 5 },
  XLM: { id: 'XXLM', altname: 'XLM', decimals: 8, displayDecimals: 5 },
  USD: { id: 'ZUSD', altname: 'USD', decimals: 4, displayDecimals: 2 },
  EUR: { id: 'ZEUR', altname: 'EUR', decimals: 4, displayDecimals: 2 },
  GBP: { id: 'ZGBP', altname: 'GBP', decimals: 4, displayDecimals: 2 },
};

/** Kraken's record of a unified asset code. Newer assets keep their code as id and altname (8 decimals). */
export function krakenAsset(code: string): KrakenAsset {
  const legacy = LEGACY[code];
  if (legacy !== undefined) return { ...legacy, code };
  return { id: code, altname: code, code, decimals: 8, displayDecimals: 5 };
}

/** The unified code of a Kraken asset id or altname ("XXBT", "XBT" → "BTC"), or undefined. */
export function assetCodeOf(idOrAltname: string): string | undefined {
  for (const [code, a] of Object.entries(LEGACY)) if (a.id === idOrAltname || a.altname === idOrAltname) return code;
  return /^[A-Z0-9]{2,10}$/.test(idOrAltname) ? idOrAltname : undefined;
}

export interface KrakenPair {
  /** The pair's key in AssetPairs and the `pair` ccxt sends: "XXBTZUSD", "XBTUSDT". */
  id: string;
  /** "XBTUSD": how order descriptions and TradesHistory name the pair on newer pairs. */
  altname: string;
  /** "XBT/USD". */
  wsname: string;
  base: KrakenAsset;
  quote: KrakenAsset;
}

const isLegacy = (a: KrakenAsset): boolean => a.id.length === 4 && (a.id.startsWith('X') || a.id.startsWith('Z')) && a.id !== a.altname;

/** Kraken's names for an engine market. */
export function krakenPair(spec: MarketSpec): KrakenPair {
  const base = krakenAsset(spec.base);
  const quote = krakenAsset(spec.quote);
  const altname = `${base.altname}${quote.altname}`;
  return { id: isLegacy(base) && isLegacy(quote) ? `${base.id}${quote.id}` : altname, altname, wsname: `${base.altname}/${quote.altname}`, base, quote };
}

// ---------------------------------------------------------------------------------------------
// Order and trade ids

/**
 * Kraken's transaction ids look like "OQCLML-BW3P3-BUCMWZ" (orders, prefix O) and
 * "TCCCTY-WE2O6-P3NB37" (trades, prefix T): three dash-separated groups of base-32 letters.
 * The dialect encodes the engine's sequential id in them, so the mapping needs no memory and is
 * the same on every run: "1" → "OAAAAA-AAAAA-AAAAAB".
 */
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BODY_CHARS = 16;

export function txidOf(kind: 'O' | 'T', engineId: string): string {
  let n = BigInt(engineId);
  let body = '';
  for (let i = 0; i < BODY_CHARS; i++) {
    body = (B32[Number(n % 32n)] ?? 'A') + body;
    n /= 32n;
  }
  return `${kind}${body.slice(0, 5)}-${body.slice(5, 10)}-${body.slice(10)}`;
}

/** The engine id inside a txid this dialect issued, or undefined for any other string. */
export function engineIdOf(kind: 'O' | 'T', txid: string): string | undefined {
  const m = new RegExp(`^${kind}([A-Z2-7]{5})-([A-Z2-7]{5})-([A-Z2-7]{6})$`).exec(txid);
  if (m === null) return undefined;
  let n = 0n;
  for (const ch of `${m[1]}${m[2]}${m[3]}`) n = n * 32n + BigInt(B32.indexOf(ch));
  return n === 0n ? undefined : String(n);
}
