import { exchangeInfoRateLimits } from './limits.ts';
import * as d from './decimal.ts';
import type { AssetBalance, BookSnapshot, Fill, MarketSpec, Order, OrderStatus, Position, Ticker } from '../../src/venue/types.ts';

/**
 * Response shapes of Binance USDⓈ-M futures, built from the venue engine's ground truth.
 * Field names, order and JSON types follow the real API (numbers where Binance sends numbers,
 * decimal strings where it sends strings). Every value is exact: decimals are padded to the
 * symbol's precision, never rounded, except for derived ratios (see `ratio`).
 *
 * Docs: https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info
 */

/** Decimal places of a step such as "0.001" → 3, "0.10" → 1, "1" → 0. */
export const decimalsOf = (step: string): number => d.places(step);

/** `value` with at least `places` decimals (padding only: an exact value is never rounded). */
export const pad = d.pad;

/** A derived ratio, rounded half away from zero to `places` (0 when the denominator is 0). */
const ratio = (num: string | d.Dec, den: string | d.Dec, places: number): string => d.toFixed(d.div(num, den, places), places);

/** Price/quantity formatters for one market. */
export interface MarketFormat {
  spec: MarketSpec;
  priceDp: number;
  qtyDp: number;
  price(v: string): string;
  qty(v: string): string;
}

export function marketFormat(spec: MarketSpec): MarketFormat {
  const priceDp = decimalsOf(spec.priceTick);
  const qtyDp = decimalsOf(spec.qtyStep);
  return { spec, priceDp, qtyDp, price: (v) => pad(v, priceDp), qty: (v) => pad(v, qtyDp) };
}

/** Account values (balances, margins, PnL) carry 8 decimals on Binance. */
const amount8 = (v: string | d.Dec): string => pad(v, 8);

// ---------------------------------------------------------------------------------------------
// Reference data

/** Binance's `deliveryDate` for perpetuals (ccxt treats it as "no expiry"). */
const PERPETUAL_DELIVERY_MS = 4133404800000;
/** Fixed listing date so exchangeInfo does not depend on the run. */
const ONBOARD_MS = 1569398400000;

export const RATE_LIMITS = exchangeInfoRateLimits();

/** Largest accepted price; the engine's MarketSpec has no price band, so this is wide. */
export const PRICE_MAX = '10000000';

function symbolInfo(spec: MarketSpec): Record<string, unknown> {
  const f = marketFormat(spec);
  return {
    symbol: spec.id,
    pair: spec.id,
    contractType: 'PERPETUAL',
    deliveryDate: PERPETUAL_DELIVERY_MS,
    onboardDate: ONBOARD_MS,
    status: 'TRADING',
    maintMarginPercent: '2.5000',
    requiredMarginPercent: '5.0000',
    baseAsset: spec.base,
    quoteAsset: spec.quote,
    marginAsset: spec.settle,
    pricePrecision: f.priceDp,
    quantityPrecision: f.qtyDp,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: 'COIN',
    underlyingSubType: [],
    settlePlan: 0,
    triggerProtect: '0.0500',
    liquidationFee: '0.012500',
    marketTakeBound: '0.05',
    maxMoveOrderLimit: 10000,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: f.price(spec.priceTick), maxPrice: PRICE_MAX, tickSize: f.price(spec.priceTick) },
      { filterType: 'LOT_SIZE', stepSize: f.qty(spec.qtyStep), maxQty: f.qty(spec.qtyMax), minQty: f.qty(spec.qtyMin) },
      { filterType: 'MARKET_LOT_SIZE', stepSize: f.qty(spec.qtyStep), maxQty: f.qty(spec.qtyMax), minQty: f.qty(spec.qtyMin) },
      { filterType: 'MAX_NUM_ORDERS', limit: 200 },
      { filterType: 'MAX_NUM_ALGO_ORDERS', limit: 10 },
      { filterType: 'MIN_NOTIONAL', notional: spec.notionalMin },
    ],
    orderTypes: ['LIMIT', 'MARKET'],
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX'],
    permissionSet: ['GRID', 'COPY'],
  };
}

/** GET /fapi/v1/exchangeInfo */
export function renderExchangeInfo(markets: readonly MarketSpec[], nowMs: number): unknown {
  const assets = [...new Set(markets.map((m) => m.settle))];
  return {
    timezone: 'UTC',
    serverTime: nowMs,
    futuresType: 'U_MARGINED',
    rateLimits: RATE_LIMITS,
    exchangeFilters: [],
    assets: assets.map((asset) => ({ asset, marginAvailable: true, autoAssetExchange: '-10000' })),
    symbols: markets.map(symbolInfo),
  };
}

/** Maintenance margin rate the engine uses when no position reveals it (its documented default). */
export const MAINT_MARGIN_RATIO_DEFAULT = '0.004';

/**
 * GET /fapi/v1/leverageBracket: one bracket per symbol covering every notional, with the
 * engine's flat maintenance margin rate (read off an open position when there is one).
 */
export function renderLeverageBrackets(markets: readonly MarketSpec[], positions: readonly Position[], symbolId?: string): unknown {
  const entries = markets
    .filter((m) => symbolId === undefined || m.id === symbolId)
    .map((m) => {
      const p = positions.find((x) => x.symbol === m.symbol);
      const notional = d.abs(p?.notional ?? '0');
      const mmr = p !== undefined && !d.isZero(notional) ? d.div(p.maintenanceMargin, notional, 6) : d.dec(MAINT_MARGIN_RATIO_DEFAULT);
      return {
        symbol: m.id,
        notionalCoef: 1.0,
        brackets: [{ bracket: 1, initialLeverage: 125, notionalCap: 1_000_000_000, notionalFloor: 0, maintMarginRatio: d.toNumber(mmr), cum: 0.0 }],
      };
    });
  return symbolId === undefined ? entries : entries[0];
}

/** GET api/sapi/v1/capital/config/getall (one network per coin; the spot wallet is empty). */
export function renderCapitalConfig(assets: readonly string[]): unknown {
  return assets.map((coin) => {
    const name = COIN_NAMES[coin] ?? coin;
    const network = NATIVE_NETWORK[coin] ?? 'ETH';
    return {
      coin,
      depositAllEnable: true,
      withdrawAllEnable: true,
      name,
      free: '0',
      locked: '0',
      freeze: '0',
      withdrawing: '0',
      ipoing: '0',
      ipoable: '0',
      storage: '0',
      isLegalMoney: false,
      trading: true,
      networkList: [
        {
          network,
          coin,
          withdrawIntegerMultiple: '0.00000001',
          isDefault: true,
          depositEnable: true,
          withdrawEnable: true,
          depositDesc: '',
          withdrawDesc: '',
          specialTips: '',
          specialWithdrawTips: '',
          name: network === coin ? name : 'Ethereum (ERC20)',
          resetAddressStatus: false,
          addressRegex: '',
          memoRegex: '',
          withdrawFee: '0',
          withdrawMin: '0',
          withdrawMax: '9999999999',
          depositDust: '0.00000001',
          minConfirm: 1,
          unLockConfirm: 0,
          sameAddress: false,
          estimatedArrivalTime: 5,
          busy: false,
        },
      ],
    };
  });
}

const COIN_NAMES: Record<string, string> = { BTC: 'Bitcoin', ETH: 'Ethereum', USDT: 'TetherUS', SOL: 'Solana', BNB: 'BNB', XRP: 'Ripple' };
const NATIVE_NETWORK: Record<string, string> = { BTC: 'BTC', ETH: 'ETH', SOL: 'SOL', BNB: 'BSC', XRP: 'XRP' };

/** GET api/sapi/v1/margin/allPairs */
export function renderMarginAllPairs(markets: readonly MarketSpec[]): unknown {
  return markets.map((m, i) => ({
    id: String(351637150141315861n + BigInt(i)),
    symbol: `${m.base}${m.quote}`,
    base: m.base,
    quote: m.quote,
    isMarginTrade: true,
    isBuyAllowed: true,
    isSellAllowed: true,
  }));
}

// ---------------------------------------------------------------------------------------------
// Market data

/**
 * GET /fapi/v1/ticker/24hr. Unlike spot, the USDⓈ-M 24 h ticker has no bid/ask fields, so ccxt's
 * `fetchTicker` on binanceusdm returns `bid`/`ask` undefined (as in production).
 * Trade ids/counts are not modelled (market trades are synthetic) and are 0.
 */
export function renderTicker24hr(spec: MarketSpec, t: Ticker): unknown {
  const f = marketFormat(spec);
  const change = d.sub(t.last, t.open);
  return {
    symbol: spec.id,
    priceChange: pad(change, f.priceDp),
    priceChangePercent: ratio(d.mul(change, '100'), t.open, 3),
    weightedAvgPrice: d.isZero(t.volumeBase) ? f.price(t.last) : ratio(t.volumeQuote, t.volumeBase, f.priceDp),
    lastPrice: f.price(t.last),
    lastQty: f.qty(spec.qtyMin),
    openPrice: f.price(t.open),
    highPrice: f.price(t.high),
    lowPrice: f.price(t.low),
    volume: f.qty(t.volumeBase),
    quoteVolume: pad(t.volumeQuote, 2),
    openTime: t.timeMs - 86_400_000,
    closeTime: t.timeMs,
    firstId: 0,
    lastId: 0,
    count: 0,
  };
}

/** GET /fapi/v1/depth. `lastUpdateId` grows with virtual time; `E` message time, `T` book time. */
export function renderDepth(spec: MarketSpec, book: BookSnapshot, nowMs: number): unknown {
  const f = marketFormat(spec);
  const level = ([p, q]: [string, string]): [string, string] => [f.price(p), f.qty(q)];
  return {
    lastUpdateId: book.timeMs,
    E: nowMs,
    T: book.timeMs,
    bids: book.bids.map(level),
    asks: book.asks.map(level),
  };
}

// ---------------------------------------------------------------------------------------------
// Orders and trades

const ORDER_STATUS: Record<OrderStatus, string> = {
  new: 'NEW',
  partiallyFilled: 'PARTIALLY_FILLED',
  filled: 'FILLED',
  canceled: 'CANCELED',
  rejected: 'REJECTED',
  expired: 'EXPIRED',
};

/**
 * The fapi order object.
 * - `ack`: the POST answer for `newOrderRespType=ACK` (the order as accepted, nothing filled yet);
 * - `result`: the POST answer for `RESULT` and the DELETE answer (has `cumQty`, no `time`);
 * - `query`: GET order / openOrders (has `time`, no `cumQty`).
 */
export function renderOrder(o: Order, spec: MarketSpec, shape: 'ack' | 'result' | 'query'): Record<string, unknown> {
  const f = marketFormat(spec);
  const ack = shape === 'ack';
  const executedQty = ack ? '0' : o.filledQty;
  const type = o.type === 'market' ? 'MARKET' : 'LIMIT';
  const base: Record<string, unknown> = {
    orderId: Number(o.orderId),
    symbol: spec.id,
    status: ack ? 'NEW' : ORDER_STATUS[o.status],
    clientOrderId: o.clientOrderId,
    price: f.price(o.price ?? '0'),
    avgPrice: f.price(ack ? '0' : o.avgPrice),
    origQty: f.qty(o.qty),
    executedQty: f.qty(executedQty),
  };
  if (shape !== 'query') base['cumQty'] = f.qty(executedQty);
  Object.assign(base, {
    cumQuote: pad(ack ? '0' : o.cumQuote, f.priceDp + f.qtyDp),
    timeInForce: o.type === 'market' ? 'GTC' : o.timeInForce,
    type,
    reduceOnly: o.reduceOnly,
    closePosition: false,
    side: o.side === 'buy' ? 'BUY' : 'SELL',
    positionSide: 'BOTH',
    stopPrice: f.price('0'),
    workingType: 'CONTRACT_PRICE',
    priceProtect: false,
    origType: type,
    priceMatch: 'NONE',
    selfTradePreventionMode: 'EXPIRE_MAKER',
    goodTillDate: 0,
  });
  if (shape === 'query') base['time'] = o.createdMs;
  base['updateTime'] = ack ? o.createdMs : o.updatedMs;
  return base;
}

/** GET /fapi/v1/userTrades entry. */
export function renderUserTrade(fill: Fill, spec: MarketSpec): Record<string, unknown> {
  const f = marketFormat(spec);
  return {
    symbol: spec.id,
    id: Number(fill.tradeId),
    orderId: Number(fill.orderId),
    side: fill.side === 'buy' ? 'BUY' : 'SELL',
    price: f.price(fill.price),
    qty: f.qty(fill.qty),
    realizedPnl: amount8(fill.realizedPnl),
    marginAsset: spec.settle,
    quoteQty: pad(fill.quoteQty, f.priceDp + f.qtyDp),
    commission: amount8(fill.fee),
    commissionAsset: fill.feeAsset,
    time: fill.timeMs,
    positionSide: 'BOTH',
    maker: fill.maker,
    buyer: fill.side === 'buy',
  };
}

// ---------------------------------------------------------------------------------------------
// Account

/** Positions Binance lists: non-flat ones, and flat ones with open orders. */
function listedPositions(positions: readonly Position[], openOrders: readonly Order[]): Position[] {
  const withOrders = new Set(openOrders.map((o) => o.symbol));
  return positions.filter((p) => !d.isZero(p.size) || withOrders.has(p.symbol));
}

function openNotional(openOrders: readonly Order[], symbol: string, side: 'buy' | 'sell'): d.Dec {
  return d.sum(
    openOrders
      .filter((o) => o.symbol === symbol && o.side === side && o.price !== undefined)
      .map((o) => d.mul(d.sub(o.qty, o.filledQty), o.price ?? '0')),
  );
}

/**
 * GET /fapi/v3/account (single-asset margin mode): totals are in the settle asset(s) of the
 * venue's markets; `assets` lists every asset the engine holds.
 */
export function renderAccountV3(o: {
  balances: readonly AssetBalance[];
  positions: readonly Position[];
  openOrders: readonly Order[];
  markets: readonly MarketSpec[];
}): unknown {
  const bySymbol = new Map(o.markets.map((m) => [m.symbol, m]));
  const settleAssets = new Set(o.markets.map((m) => m.settle));
  const marginAssets = o.balances.filter((b) => settleAssets.has(b.asset));
  const positionIm = (asset: string): d.Dec =>
    d.sum(o.positions.filter((p) => bySymbol.get(p.symbol)?.settle === asset).map((p) => p.initialMargin));

  const assets = o.balances.map((b) => {
    const pim = positionIm(b.asset);
    return {
      asset: b.asset,
      walletBalance: amount8(b.wallet),
      unrealizedProfit: amount8(b.unrealizedPnl),
      marginBalance: amount8(b.marginBalance),
      maintMargin: amount8(b.maintenanceMargin),
      initialMargin: amount8(b.initialMargin),
      positionInitialMargin: amount8(pim),
      openOrderInitialMargin: amount8(d.max(d.sub(b.initialMargin, pim), '0')),
      crossWalletBalance: amount8(b.wallet),
      crossUnPnl: amount8(b.unrealizedPnl),
      availableBalance: amount8(b.available),
      maxWithdrawAmount: amount8(d.min(b.available, b.wallet)),
      updateTime: b.updatedMs,
    };
  });
  const total = (pick: (b: AssetBalance) => string): string => amount8(d.sum(marginAssets.map(pick)));
  const totalPim = d.sum([...settleAssets].map(positionIm));
  const totalIm = d.sum(marginAssets.map((b) => b.initialMargin));
  const available = d.sum(marginAssets.map((b) => b.available));
  return {
    totalInitialMargin: amount8(totalIm),
    totalMaintMargin: total((b) => b.maintenanceMargin),
    totalWalletBalance: total((b) => b.wallet),
    totalUnrealizedProfit: total((b) => b.unrealizedPnl),
    totalMarginBalance: total((b) => b.marginBalance),
    totalPositionInitialMargin: amount8(totalPim),
    totalOpenOrderInitialMargin: amount8(d.max(d.sub(totalIm, totalPim), '0')),
    totalCrossWalletBalance: total((b) => b.wallet),
    totalCrossUnPnl: total((b) => b.unrealizedPnl),
    availableBalance: amount8(available),
    maxWithdrawAmount: amount8(d.min(available, d.sum(marginAssets.map((b) => b.wallet)))),
    assets,
    positions: listedPositions(o.positions, o.openOrders).map((p) => ({
      symbol: bySymbol.get(p.symbol)?.id ?? p.symbol,
      positionSide: 'BOTH',
      positionAmt: positionAmt(p, bySymbol.get(p.symbol)),
      unrealizedProfit: amount8(p.unrealizedPnl),
      isolatedMargin: '0',
      notional: amount8(p.notional),
      isolatedWallet: '0',
      initialMargin: amount8(p.initialMargin),
      maintMargin: amount8(p.maintenanceMargin),
      updateTime: p.updatedMs,
    })),
  };
}

function positionAmt(p: Position, spec: MarketSpec | undefined): string {
  return spec === undefined ? p.size : pad(p.size, decimalsOf(spec.qtyStep));
}

/**
 * GET /fapi/v3/positionRisk (one-way mode, cross margin). `breakEvenPrice` is the entry price
 * (fees are not folded in); `adl` is not modelled ("0").
 */
export function renderPositionRiskV3(o: {
  positions: readonly Position[];
  openOrders: readonly Order[];
  markets: readonly MarketSpec[];
  symbolId?: string;
}): unknown {
  const bySymbol = new Map(o.markets.map((m) => [m.symbol, m]));
  return listedPositions(o.positions, o.openOrders)
    .filter((p) => o.symbolId === undefined || bySymbol.get(p.symbol)?.id === o.symbolId)
    .map((p) => {
      const spec = bySymbol.get(p.symbol);
      return {
        symbol: spec?.id ?? p.symbol,
        positionSide: 'BOTH',
        positionAmt: positionAmt(p, spec),
        entryPrice: p.entryPrice,
        breakEvenPrice: p.entryPrice,
        markPrice: amount8(p.markPrice),
        unRealizedProfit: amount8(p.unrealizedPnl),
        liquidationPrice: amount8(p.liquidationPrice),
        isolatedMargin: '0',
        notional: amount8(p.notional),
        marginAsset: spec?.settle ?? 'USDT',
        isolatedWallet: '0',
        initialMargin: amount8(p.initialMargin),
        maintMargin: amount8(p.maintenanceMargin),
        positionInitialMargin: amount8(p.initialMargin),
        openOrderInitialMargin: '0',
        adl: 0,
        bidNotional: amount8(openNotional(o.openOrders, p.symbol, 'buy')),
        askNotional: amount8(openNotional(o.openOrders, p.symbol, 'sell')),
        updateTime: p.updatedMs,
      };
    });
}
