import * as F from '../../src/venue/decimal.ts';
import type { AssetBalance, BookSnapshot, Fill, Order, OrderStatus, Position, Ticker } from '../../src/venue/types.ts';
import type { MaintenanceNotice } from '../types.ts';
import { toContracts, type OkxInstrument } from './contracts.ts';
import { billIdOf, ordIdOf, posIdOf, tradeIdOf } from './ids.ts';

/**
 * Response shapes of OKX v5 (USDT-margined swaps, one account in "Futures mode" with cross margin
 * and net (one-way) positions), built from the venue engine's ground truth. Every number is a
 * string, as OKX sends it, in its shortest exact spelling ("0.1", "60000"); sizes are in
 * contracts; an absent value is "" (OKX's convention), never null. Only derived ratios round.
 *
 * Field sets follow the docs' response examples and ccxt's recorded OKX responses
 * (ts/src/test/static/response/okx.json).
 */

// ---------------------------------------------------------------------------------------------
// Numbers

const fmt = (x: F.Fixed): string => F.format(x);
const num = (text: string): F.Fixed => F.parse(text);
const sumOf = (values: readonly string[]): F.Fixed => values.reduce<F.Fixed>((acc, v) => acc + num(v), 0n);
/** OKX sends a charged fee as a negative number. */
const chargedFee = (fee: F.Fixed): string => fmt(-fee);
/** A derived ratio at `dp` decimals (half even; at most the engine's 12), "" when the denominator is 0. */
function ratio(numerator: F.Fixed, denominator: F.Fixed, dp: number): string {
  if (denominator === 0n) return '';
  return fmt(F.roundToStep(F.div(numerator, denominator), 10n ** BigInt(F.DIGITS - Math.min(dp, F.DIGITS)), 'halfEven'));
}
const STABLE_USD = new Set(['USDT', 'USDC', 'USD']);

// ---------------------------------------------------------------------------------------------
// Reference data

/** Fixed listing time (BTC-USDT-SWAP's), so instruments do not depend on the run. */
const LIST_TIME = '1611916828000';
/** OKX's leverage ceiling for the majors' swaps. */
const LEVER_MAX = '100';
/** `instIdCode` of the first instrument; the others follow. */
const INST_ID_CODE_BASE = 10459;

/** What the instruments endpoint reports as `state` in each trading phase (see routes.ts). */
export type InstrumentState = 'live' | 'suspend' | 'post_only';

/** One `GET /api/v5/public/instruments?instType=SWAP` entry. */
export function renderInstrument(inst: OkxInstrument, state: InstrumentState): Record<string, unknown> {
  const s = inst.spec;
  return {
    alias: '',
    auctionEndTime: '',
    baseCcy: '',
    category: '1',
    contTdSwTime: '',
    ctMult: '1',
    ctType: 'linear',
    ctVal: inst.ctVal,
    ctValCcy: s.base,
    expTime: '',
    futureSettlement: false,
    groupId: '2',
    instCategory: '1',
    instFamily: inst.instFamily,
    instId: inst.instId,
    instIdCode: INST_ID_CODE_BASE + inst.index,
    instType: 'SWAP',
    lever: LEVER_MAX,
    listTime: LIST_TIME,
    lotSz: inst.lotSz,
    maxIcebergSz: inst.maxSz,
    maxLmtAmt: '20000000',
    maxLmtSz: inst.maxSz,
    maxMktAmt: '',
    maxMktSz: inst.maxSz,
    maxStopSz: inst.maxSz,
    maxTriggerSz: inst.maxSz,
    maxTwapSz: inst.maxSz,
    minSz: inst.minSz,
    openType: '',
    optType: '',
    preMktSwTime: '',
    quoteCcy: '',
    ruleType: 'normal',
    settleCcy: s.settle,
    state,
    stk: '',
    tickSz: inst.tickSz,
    tradeQuoteCcyList: [],
    uly: inst.instFamily,
    upcChg: [],
  };
}

const CHAINS: Readonly<Record<string, { chain: string; name: string }>> = {
  BTC: { chain: 'BTC-Bitcoin', name: 'Bitcoin' },
  ETH: { chain: 'ETH-ERC20', name: 'Ethereum' },
  USDT: { chain: 'USDT-TRC20', name: 'Tether' },
  USDC: { chain: 'USDC-ERC20', name: 'USD Coin' },
};

/** `GET /api/v5/asset/currencies`: one chain per currency (ccxt groups the entries by `ccy`). */
export function renderCurrencies(assets: readonly string[]): Record<string, unknown>[] {
  return assets.map((ccy) => {
    const known = CHAINS[ccy] ?? { chain: `${ccy}-${ccy}`, name: ccy };
    return {
      burningFeeRate: '',
      canDep: true,
      canInternal: true,
      canWd: true,
      ccy,
      chain: known.chain,
      ctAddr: '',
      depEstOpenTime: '',
      depQuotaFixed: '',
      depQuoteDailyLayer2: '',
      fee: '0',
      logoLink: '',
      mainNet: true,
      maxFee: '0',
      maxFeeForCtAddr: '',
      maxWd: '10000000',
      minDep: '0.00000001',
      minDepArrivalConfirm: '1',
      minFee: '0',
      minFeeForCtAddr: '',
      minInternal: '0.00000001',
      minWd: '0.00000001',
      minWdUnlockConfirm: '1',
      name: known.name,
      needTag: false,
      usedDepQuotaFixed: '',
      usedWdQuota: '0',
      wdEstOpenTime: '',
      wdQuota: '10000000',
      wdTickSz: '8',
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Market data

/**
 * `GET /api/v5/market/ticker` entry of a swap: sizes in contracts (`vol24h`, `bidSz`, `askSz`,
 * `lastSz`), `volCcy24h` in the base currency. `sodUtc0`/`sodUtc8` are the 24 h open (the price
 * path has no calendar days). ccxt reads `vol24h` as `baseVolume`, so on OKX swaps ccxt's
 * baseVolume is a number of contracts (as in production).
 */
export function renderTicker(inst: OkxInstrument, t: Ticker): Record<string, unknown> {
  return {
    instType: 'SWAP',
    instId: inst.instId,
    last: t.last,
    lastSz: inst.minSz,
    askPx: t.ask,
    askSz: toContracts(t.askQty, inst),
    bidPx: t.bid,
    bidSz: toContracts(t.bidQty, inst),
    open24h: t.open,
    high24h: t.high,
    low24h: t.low,
    volCcy24h: fmt(num(t.volumeBase)),
    vol24h: toContracts(t.volumeBase, inst),
    ts: String(t.timeMs),
    sodUtc0: t.open,
    sodUtc8: t.open,
  };
}

/** `GET /api/v5/market/books`: [price, contracts, "0" (deprecated), number of orders]. */
export function renderBook(inst: OkxInstrument, book: BookSnapshot): Record<string, unknown> {
  const level = ([px, qty]: [string, string]): [string, string, string, string] => [px, toContracts(qty, inst), '0', '1'];
  return { asks: book.asks.map(level), bids: book.bids.map(level), ts: String(book.timeMs) };
}

// ---------------------------------------------------------------------------------------------
// Orders and fills

/** What OKX remembers of an order that the engine does not: the ordType as sent, its tag, a client id it made up. */
export interface OrderMeta {
  ordType: string;
  tag: string;
  /** The order was sent without `clOrdId` (OKX then reports ""). */
  clOrdIdAssigned: boolean;
}

const ORDER_STATE: Record<OrderStatus, string> = {
  new: 'live',
  partiallyFilled: 'partially_filled',
  filled: 'filled',
  canceled: 'canceled',
  // An IOC/market remainder that could not fill: OKX reports the order canceled.
  expired: 'canceled',
  rejected: 'canceled',
};

/** The ordType OKX echoes for an engine order placed without meta (e.g. the engine's own liquidation orders). */
function ordTypeOf(o: Order): string {
  if (o.type === 'market') return 'market';
  switch (o.timeInForce) {
    case 'GTX':
      return 'post_only';
    case 'IOC':
      return 'ioc';
    case 'FOK':
      return 'fok';
    default:
      return 'limit';
  }
}

/**
 * The order object of `GET /trade/order` and `/trade/orders-pending`. `fills` are the order's
 * fills, oldest first (fee, pnl and the last fill's fields come from them).
 */
export function renderOrder(o: Order, inst: OkxInstrument, meta: OrderMeta | undefined, fills: readonly Fill[], lever: string): Record<string, unknown> {
  const last = fills.at(-1);
  const feeTotal = sumOf(fills.map((f) => f.fee));
  const filled = num(o.filledQty) > 0n;
  return {
    accFillSz: toContracts(o.filledQty, inst),
    algoClOrdId: '',
    algoId: '',
    attachAlgoClOrdId: '',
    attachAlgoOrds: [],
    avgPx: filled ? fmt(num(o.avgPrice)) : '',
    cTime: String(o.createdMs),
    cancelSource: '',
    cancelSourceReason: '',
    category: o.clientOrderId.startsWith('autoclose-') ? 'full_liquidation' : 'normal',
    ccy: '',
    clOrdId: meta?.clOrdIdAssigned === true || o.clientOrderId.startsWith('autoclose-') ? '' : o.clientOrderId,
    fee: chargedFee(feeTotal),
    feeCcy: inst.spec.settle,
    fillPx: last?.price ?? '',
    fillSz: last !== undefined ? toContracts(last.qty, inst) : '0',
    fillTime: last !== undefined ? String(last.timeMs) : '',
    instId: inst.instId,
    instType: 'SWAP',
    isTpLimit: 'false',
    lever,
    linkedAlgoOrd: { algoId: '' },
    ordId: ordIdOf(o.orderId),
    ordType: meta?.ordType ?? ordTypeOf(o),
    pnl: fmt(sumOf(fills.map((f) => f.realizedPnl))),
    posSide: 'net',
    px: o.price ?? '',
    pxType: '',
    pxUsd: '',
    pxVol: '',
    quickMgnType: '',
    rebate: '0',
    rebateCcy: inst.spec.settle,
    reduceOnly: o.reduceOnly ? 'true' : 'false',
    side: o.side,
    slOrdPx: '',
    slTriggerPx: '',
    slTriggerPxType: '',
    source: '',
    state: ORDER_STATE[o.status],
    stpId: '',
    stpMode: 'cancel_maker',
    sz: toContracts(o.qty, inst),
    tag: meta?.tag ?? '',
    tdMode: 'cross',
    tgtCcy: '',
    tpOrdPx: '',
    tpTriggerPx: '',
    tpTriggerPxType: '',
    tradeId: last !== undefined ? tradeIdOf(last.tradeId) : '',
    uTime: String(o.updatedMs),
  };
}

/**
 * A post-only order OKX accepted and canceled at once because it would have taken liquidity
 * (`cancelSource` 31). It never reaches the engine; the dialect keeps it (see routes.ts).
 */
export interface LocalOrder {
  ordId: string;
  inst: OkxInstrument;
  clOrdId: string;
  tag: string;
  side: 'buy' | 'sell';
  /** Contracts and price as sent. */
  sz: string;
  px: string;
  reduceOnly: boolean;
  timeMs: number;
}

export function renderLocalOrder(l: LocalOrder, lever: string): Record<string, unknown> {
  return {
    accFillSz: '0',
    algoClOrdId: '',
    algoId: '',
    attachAlgoClOrdId: '',
    attachAlgoOrds: [],
    avgPx: '',
    cTime: String(l.timeMs),
    cancelSource: '31',
    cancelSourceReason: 'The post-only order will take liquidity in taker orders',
    category: 'normal',
    ccy: '',
    clOrdId: l.clOrdId,
    fee: '0',
    feeCcy: l.inst.spec.settle,
    fillPx: '',
    fillSz: '0',
    fillTime: '',
    instId: l.inst.instId,
    instType: 'SWAP',
    isTpLimit: 'false',
    lever,
    linkedAlgoOrd: { algoId: '' },
    ordId: l.ordId,
    ordType: 'post_only',
    pnl: '0',
    posSide: 'net',
    px: l.px,
    pxType: '',
    pxUsd: '',
    pxVol: '',
    quickMgnType: '',
    rebate: '0',
    rebateCcy: l.inst.spec.settle,
    reduceOnly: l.reduceOnly ? 'true' : 'false',
    side: l.side,
    slOrdPx: '',
    slTriggerPx: '',
    slTriggerPxType: '',
    source: '',
    state: 'canceled',
    stpId: '',
    stpMode: 'cancel_maker',
    sz: l.sz,
    tag: l.tag,
    tdMode: 'cross',
    tgtCcy: '',
    tpOrdPx: '',
    tpTriggerPx: '',
    tpTriggerPxType: '',
    tradeId: '',
    uTime: String(l.timeMs),
  };
}

/** One `GET /api/v5/trade/fills-history` entry. `feeRate` is derived (fee / notional, 8 decimals). */
export function renderFill(f: Fill, inst: OkxInstrument, meta: OrderMeta | undefined): Record<string, unknown> {
  const fee = num(f.fee);
  const rate = ratio(fee, num(f.quoteQty), 8);
  return {
    side: f.side,
    fillSz: toContracts(f.qty, inst),
    fillPx: f.price,
    fillPxVol: '',
    fillFwdPx: '',
    fee: chargedFee(fee),
    fillPnl: fmt(num(f.realizedPnl)),
    ordId: ordIdOf(f.orderId),
    feeRate: rate === '' ? '0' : fmt(-num(rate)),
    instType: 'SWAP',
    fillPxUsd: '',
    instId: inst.instId,
    clOrdId: meta?.clOrdIdAssigned === true || f.clientOrderId.startsWith('autoclose-') ? '' : f.clientOrderId,
    posSide: 'net',
    billId: billIdOf(f.tradeId),
    fillMarkVol: '',
    tag: meta?.tag ?? '',
    fillTime: String(f.timeMs),
    execType: f.maker ? 'M' : 'T',
    fillIdxPx: '',
    tradeId: tradeIdOf(f.tradeId),
    fillMarkPx: '',
    feeCcy: f.feeAsset,
    ts: String(f.timeMs),
  };
}

// ---------------------------------------------------------------------------------------------
// Account

/**
 * What OKX reports about the current position that the engine's `Position` does not carry: when it
 * was opened, its realized PnL and fees so far, its last trade. Derived from the fills, oldest
 * first: a position starts at the fill that opens it from flat (or flips it) and ends when it is
 * flat again.
 */
export interface PositionHistory {
  openedMs: number;
  pnl: F.Fixed;
  fee: F.Fixed;
  lastTradeId: string;
}

export function positionHistoryOf(fills: readonly Fill[]): PositionHistory | undefined {
  let size = 0n;
  let current: PositionHistory | undefined;
  for (const f of fills) {
    const signed = f.side === 'buy' ? num(f.qty) : -num(f.qty);
    const after = size + signed;
    const opens = size === 0n || (size > 0n) !== (after > 0n);
    if (opens && after !== 0n) current = { openedMs: f.timeMs, pnl: 0n, fee: 0n, lastTradeId: f.tradeId };
    if (current !== undefined) {
      current.pnl += num(f.realizedPnl);
      current.fee += num(f.fee);
      current.lastTradeId = f.tradeId;
    }
    size = after;
    if (size === 0n) current = undefined;
  }
  return current;
}

/** The settle asset's totals a cross position's ratios refer to. */
export interface CrossAccount {
  /** Margin balance (equity) of the settle asset. */
  eq: string;
  /** Maintenance margin of every position in that asset. */
  mmr: F.Fixed;
}

/** One `GET /api/v5/account/positions` entry (net mode, cross margin). */
export function renderPosition(p: Position, inst: OkxInstrument, history: PositionHistory | undefined, account: CrossAccount): Record<string, unknown> {
  const imr = num(p.initialMargin);
  const upl = num(p.unrealizedPnl);
  const pnl = history?.pnl ?? 0n;
  const fee = history?.fee ?? 0n;
  const uplRatio = ratio(upl, imr, 12) || '0';
  const opened = String(history?.openedMs ?? p.updatedMs);
  return {
    adl: '1',
    availPos: '',
    avgPx: p.entryPrice,
    baseBal: '',
    baseBorrowed: '',
    baseInterest: '',
    bePx: p.entryPrice,
    bizRefId: '',
    bizRefType: '',
    cTime: opened,
    ccy: inst.spec.settle,
    clSpotInUseAmt: '',
    closeOrderAlgo: [],
    deltaBS: '',
    deltaPA: '',
    fee: chargedFee(fee),
    fundingFee: '0',
    gammaBS: '',
    gammaPA: '',
    idxPx: p.markPrice,
    imr: fmt(imr),
    instId: inst.instId,
    instType: 'SWAP',
    interest: '',
    last: p.markPrice,
    lever: String(p.leverage),
    liab: '',
    liabCcy: '',
    liqPenalty: '0',
    liqPx: num(p.liquidationPrice) === 0n ? '' : p.liquidationPrice,
    margin: '',
    markPx: p.markPrice,
    maxSpotInUseAmt: '',
    mgnMode: 'cross',
    mgnRatio: ratio(num(account.eq), account.mmr, 8),
    mmr: fmt(num(p.maintenanceMargin)),
    notionalUsd: fmt(F.abs(num(p.notional))),
    optVal: '',
    pendingCloseOrdLiabVal: '',
    pnl: fmt(pnl),
    pos: toContracts(p.size, inst),
    posCcy: '',
    posId: posIdOf(inst.index),
    posSide: 'net',
    quoteBal: '',
    quoteBorrowed: '',
    quoteInterest: '',
    realizedPnl: fmt(pnl - fee),
    spotInUseAmt: '',
    spotInUseCcy: '',
    thetaBS: '',
    thetaPA: '',
    tradeId: history !== undefined ? tradeIdOf(history.lastTradeId) : '',
    uTime: String(p.updatedMs),
    upl: fmt(upl),
    uplLastPx: fmt(upl),
    uplRatio,
    uplRatioLastPx: uplRatio,
    usdPx: '',
    vegaBS: '',
    vegaPA: '',
  };
}

/**
 * `GET /api/v5/account/balance` in Futures mode (single-currency margin, `acctLv` 2): the
 * account-level margin fields OKX only fills in the multi-currency modes are "", the per-currency
 * cross fields (`availEq`, `imr`, `mmr`, `mgnRatio`) carry the engine's numbers. `usdPriceOf`
 * values a non-stable currency for `eqUsd` (undefined: not priced, 0).
 */
export function renderBalance(o: {
  balances: readonly AssetBalance[];
  positions: readonly Position[];
  settleOf: (symbol: string) => string | undefined;
  usdPriceOf: (asset: string) => string | undefined;
  ccy?: ReadonlySet<string>;
}): Record<string, unknown> {
  const positionsOf = (asset: string): Position[] => o.positions.filter((p) => o.settleOf(p.symbol) === asset && num(p.size) !== 0n);
  const usd = (asset: string, amount: F.Fixed): F.Fixed => {
    if (STABLE_USD.has(asset)) return amount;
    const price = o.usdPriceOf(asset);
    return price === undefined ? 0n : F.mul(amount, num(price));
  };
  const listed = o.balances.filter((b) => o.ccy === undefined || o.ccy.has(b.asset));
  const details = listed.map((b) => {
    const eq = num(b.marginBalance);
    const positionIm = sumOf(positionsOf(b.asset).map((p) => p.initialMargin));
    const notional = sumOf(positionsOf(b.asset).map((p) => fmt(F.abs(num(p.notional)))));
    const mmr = num(b.maintenanceMargin);
    return {
      accAvgPx: '',
      availBal: b.available,
      availEq: b.available,
      borrowFroz: '',
      cashBal: b.wallet,
      ccy: b.asset,
      clSpotInUseAmt: '',
      colBorrAutoConversion: '0',
      collateralEnabled: false,
      collateralRestrict: false,
      crossLiab: '',
      disEq: fmt(usd(b.asset, eq)),
      eq: fmt(eq),
      eqUsd: fmt(usd(b.asset, eq)),
      fixedBal: '0',
      frozenBal: fmt(F.max(eq - num(b.available), 0n)),
      imr: fmt(num(b.initialMargin)),
      interest: '',
      isoEq: '0',
      isoLiab: '',
      isoUpl: '0',
      liab: '',
      maxLoan: '',
      maxSpotInUse: '',
      mgnRatio: ratio(eq, mmr, 8),
      mmr: fmt(mmr),
      notionalLever: ratio(notional, eq, 8),
      openAvgPx: '',
      ordFrozen: fmt(F.max(num(b.initialMargin) - positionIm, 0n)),
      rewardBal: '',
      smtSyncEq: '0',
      spotBal: '',
      spotCopyTradingEq: '0',
      spotInUseAmt: '',
      spotIsoBal: '0',
      spotUpl: '',
      spotUplRatio: '',
      stgyEq: '0',
      totalPnl: '',
      totalPnlRatio: '',
      twap: '0',
      uTime: String(b.updatedMs),
      upl: fmt(num(b.unrealizedPnl)),
      uplLiab: '',
    };
  });
  const totalEq = listed.reduce<F.Fixed>((acc, b) => acc + usd(b.asset, num(b.marginBalance)), 0n);
  const upl = listed.reduce<F.Fixed>((acc, b) => acc + usd(b.asset, num(b.unrealizedPnl)), 0n);
  const uTime = listed.reduce((acc, b) => Math.max(acc, b.updatedMs), 0);
  return {
    adjEq: '',
    availEq: '',
    borrowFroz: '',
    details,
    imr: '',
    isoEq: '0',
    mgnRatio: '',
    mmr: '',
    notionalUsd: '',
    notionalUsdForBorrow: '',
    notionalUsdForFutures: '',
    notionalUsdForOption: '',
    notionalUsdForSwap: '',
    ordFroz: '',
    totalEq: fmt(totalEq),
    uTime: String(uTime),
    upl: fmt(upl),
  };
}

// ---------------------------------------------------------------------------------------------
// Status

const STATUS_TITLES: Record<MaintenanceNotice['phase'], string> = {
  full: 'Trading account system upgrade',
  cancelOnly: 'Perpetual futures trading suspended (order cancellation only)',
  postOnly: 'Perpetual futures pre-open (cancellation and post-only orders only)',
  reduceOnly: 'Perpetual futures reduce-only period',
};

/**
 * One `GET /api/v5/system/status` event. A full window is a trading-service upgrade (serviceType
 * 5); the partial phases are OKX's "99: Others (e.g. Suspend partial instruments)". An ongoing
 * post-only window is OKX's own `pre_open` state ("Canceling orders, placing Post Only orders…
 * are back after preOpenBegin").
 */
export function renderStatusEvent(n: MaintenanceNotice): Record<string, unknown> {
  const preOpen = n.phase === 'postOnly';
  return {
    begin: String(n.startMs),
    end: String(n.endMs),
    href: '',
    maintType: '1',
    env: '1',
    preOpenBegin: preOpen ? String(n.startMs) : '',
    scheDesc: '',
    serviceType: n.phase === 'full' ? '5' : '99',
    state: preOpen && n.state === 'ongoing' ? 'pre_open' : n.state,
    system: 'unified',
    title: STATUS_TITLES[n.phase],
  };
}
