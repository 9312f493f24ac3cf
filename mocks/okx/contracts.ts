import * as F from '../../src/venue/decimal.ts';
import type { MarketSpec } from '../../src/venue/types.ts';

/**
 * OKX lists the engine's linear perpetuals as USDT-margined swaps (`BTC-USDT-SWAP`) traded in
 * **contracts**: one contract is `ctVal` of the base asset (0.01 BTC, 0.1 ETH on OKX). The venue
 * engine speaks base units, so every size crosses this boundary: requests are converted
 * contracts → base, answers base → contracts. Both directions are exact (real `ctVal`s are powers
 * of ten, checked when the instrument is built).
 *
 * Docs: https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments (`ctVal`, `lotSz`,
 * `minSz`: "If it is a derivatives contract, the value is the number of contracts").
 */

/** OKX's contract values for the USDT-margined swaps of these bases (the instruments endpoint, 2026). */
export const CONTRACT_VALUES: Readonly<Record<string, string>> = Object.freeze({
  BTC: '0.01',
  ETH: '0.1',
  SOL: '1',
  LTC: '1',
  XRP: '100',
  ADA: '100',
  DOGE: '1000',
});

/** A base the table does not know trades in contracts of 1 base unit. */
export const CONTRACT_VALUE_DEFAULT = '1';

export interface OkxInstrument {
  spec: MarketSpec;
  /** "BTC-USDT-SWAP". */
  instId: string;
  /** "BTC-USDT" (`uly` and `instFamily`). */
  instFamily: string;
  /** Face value of one contract in base units. */
  ctVal: string;
  /** Contract step, minimum and maximum (the engine's base filters divided by `ctVal`). */
  lotSz: string;
  minSz: string;
  maxSz: string;
  tickSz: string;
  /** Position in the venue's market list (stable ids: `instIdCode`, `posId`). */
  index: number;
}

export const instIdOf = (spec: MarketSpec): string => `${spec.base}-${spec.quote}-SWAP`;

/** The OKX view of each engine perpetual. Throws for a market whose filters do not divide into whole contract steps (a testbed bug). */
export function instrumentsFor(markets: readonly MarketSpec[]): OkxInstrument[] {
  // The dialect lists the engine's perpetuals as swaps; spot markets are not served (README).
  return markets.filter((m) => m.kind === 'linearPerp').map((spec, index) => {
    const ctVal = CONTRACT_VALUES[spec.base] ?? CONTRACT_VALUE_DEFAULT;
    const inst = {
      spec,
      instId: instIdOf(spec),
      instFamily: `${spec.base}-${spec.quote}`,
      ctVal,
      lotSz: divExact(spec.qtyStep, ctVal, spec),
      minSz: divExact(spec.qtyMin, ctVal, spec),
      maxSz: divExact(spec.qtyMax, ctVal, spec),
      tickSz: F.format(F.parse(spec.priceTick)),
      index,
    };
    return inst;
  });
}

function divExact(baseQty: string, ctVal: string, spec: MarketSpec): string {
  const q = F.div(F.parse(baseQty), F.parse(ctVal), 'trunc');
  if (F.mul(q, F.parse(ctVal)) !== F.parse(baseQty)) {
    throw new Error(`venuechaos okx dialect: ${spec.symbol} ${baseQty} is not a whole number of contract steps of ${ctVal} ${spec.base}`);
  }
  return F.format(q);
}

/** Base units → contracts ("0.01" BTC → "1"). */
export function toContracts(baseQty: string, inst: OkxInstrument): string {
  return F.format(F.div(F.parse(baseQty), F.parse(inst.ctVal)));
}

/** Contracts → base units ("1" → "0.01" BTC). Undefined when the size is not a plain decimal the engine can hold exactly. */
export function toBase(contracts: string, inst: OkxInstrument): string | undefined {
  const sz = F.tryParse(contracts);
  if (sz === undefined) return undefined;
  const base = F.mul(sz, F.parse(inst.ctVal), 'trunc');
  return F.div(base, F.parse(inst.ctVal), 'trunc') === sz ? F.format(base) : undefined;
}
