import type { MaintenanceNotice } from '../types.ts';
import type { AssetBalance, BookSnapshot, Fill, MarketSpec, Order, Position, Ticker } from '../../src/venue/types.ts';
import * as d from './format.ts';
import { noticeUuid, uuidOf } from './ids.ts';

/**
 * Response shapes of Bybit v5 (linear USDT perpetuals, unified trading account), built from the
 * venue engine's ground truth. Field names, order and JSON types follow the real API — Bybit sends
 * every number as a string, integers where its docs say integer — cross-checked against the
 * recorded real responses in ccxt's static tests (test/compliance/fixtures/bybit-responses.json).
 * Prices and quantities are padded to the instrument's tick and step, never rounded.
 *
 * Docs: https://bybit-exchange.github.io/docs/v5/intro
 */

/** Price/quantity formatters for one instrument. */
export interface MarketFormat {
  spec: MarketSpec;
  priceDp: number;
  qtyDp: number;
  price(v: string): string;
  qty(v: string): string;
}

/** The formatters for `spec`: decimals of its tick and step. */
export function marketFormat(spec: MarketSpec): MarketFormat {
  const priceDp = d.places(spec.priceTick);
  const qtyDp = d.places(spec.qtyStep);
  return { spec, priceDp, qtyDp, price: (v) => d.pad(v, priceDp), qty: (v) => d.pad(v, qtyDp) };
}

/** Account values (balances, margins, PnL) carry 8 decimals on Bybit. */
const amount8 = (v: string | d.Fixed): string => (typeof v === 'string' ? d.pad(v, 8) : d.toFixed(v, 8));

// ---------------------------------------------------------------------------------------------
// Reference data

/** Fixed listing time so instruments-info does not depend on the run (BTCUSDT's real launchTime). */
const LAUNCH_MS = '1585526400000';
/** Bybit's max price is 19 999 998 ticks on its USDT perpetuals (BTCUSDT 1999999.80 at tick 0.10). */
const MAX_PRICE_TICKS = 19_999_998n;

/** The highest order price an instrument accepts. */
export function maxPrice(spec: MarketSpec): string {
  return d.format(d.parse(spec.priceTick) * MAX_PRICE_TICKS);
}

/** GET /v5/market/instruments-info entry, category=linear. */
export function renderLinearInstrument(spec: MarketSpec): Record<string, unknown> {
  const f = marketFormat(spec);
  return {
    symbol: spec.id,
    contractType: 'LinearPerpetual',
    status: 'Trading',
    baseCoin: spec.base,
    quoteCoin: spec.quote,
    launchTime: LAUNCH_MS,
    deliveryTime: '0',
    deliveryFeeRate: '',
    priceScale: String(f.priceDp),
    leverageFilter: { minLeverage: '1', maxLeverage: '100.00', leverageStep: '0.01' },
    priceFilter: { minPrice: f.price(spec.priceTick), maxPrice: f.price(maxPrice(spec)), tickSize: f.price(spec.priceTick) },
    lotSizeFilter: {
      maxOrderQty: f.qty(spec.qtyMax),
      minOrderQty: f.qty(spec.qtyMin),
      qtyStep: f.qty(spec.qtyStep),
      postOnlyMaxOrderQty: f.qty(spec.qtyMax),
      maxMktOrderQty: f.qty(spec.qtyMax),
      minNotionalValue: spec.notionalMin,
    },
    unifiedMarginTrade: true,
    fundingInterval: 480,
    settleCoin: spec.settle,
    copyTrading: 'both',
    upperFundingRate: '0.00375',
    lowerFundingRate: '-0.00375',
    isPreListing: false,
    preListingInfo: null,
    riskParameters: { priceLimitRatioX: '0.01', priceLimitRatioY: '0.02' },
    symbolType: '',
  };
}

/** GET /v5/asset/coin/query-info `rows[]` entry: one chain per coin, deposits and withdrawals open. */
export function renderCoinInfo(coin: string): Record<string, unknown> {
  const chain = NATIVE_CHAIN[coin] ?? 'ETH';
  return {
    name: coin,
    coin,
    remainAmount: '1000000',
    chains: [
      {
        chainType: CHAIN_TYPE[chain] ?? chain,
        confirmation: '6',
        withdrawFee: '0',
        depositMin: '0',
        withdrawMin: '0',
        chain,
        chainDeposit: '1',
        chainWithdraw: '1',
        minAccuracy: '8',
        withdrawPercentageFee: '0',
        contractAddress: '',
        safeConfirmNumber: '6',
      },
    ],
  };
}

const NATIVE_CHAIN: Record<string, string> = { BTC: 'BTC', ETH: 'ETH', SOL: 'SOL', XRP: 'XRP', LTC: 'LTC', ADA: 'ADA', TRX: 'TRX', USDT: 'ETH', USDC: 'ETH' };
const CHAIN_TYPE: Record<string, string> = { ETH: 'ERC20', BTC: 'BTC', SOL: 'SOL', XRP: 'XRP', LTC: 'LTC', ADA: 'ADA', TRX: 'TRC20' };

// ---------------------------------------------------------------------------------------------
// Account probes (what ccxt's isUnifiedEnabled reads)

/**
 * GET /v5/user/query-api: a read-write master key with trading permissions on a unified trading
 * account (`uta: 1`, `unified: 0` = UTA, not the retired unified margin account).
 */
export function renderApiKeyInfo(o: { apiKey: string; userId: number; createdMs: number }): Record<string, unknown> {
  return {
    id: String(o.userId * 10 + 1),
    note: 'venuechaos',
    apiKey: o.apiKey,
    readOnly: 0,
    secret: '',
    permissions: {
      ContractTrade: ['Order', 'Position'],
      Spot: ['SpotTrade'],
      Wallet: ['AccountTransfer', 'SubMemberTransfer'],
      Options: ['OptionsTrade'],
      Derivatives: ['DerivativesTrade'],
      CopyTrading: [],
      BlockTrade: [],
      Exchange: ['ExchangeHistory'],
      NFT: [],
      Affiliate: [],
      Earn: [],
    },
    ips: ['*'],
    type: 1,
    deadlineDay: 90,
    expiredAt: new Date(o.createdMs + 90 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    createdAt: new Date(o.createdMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    unified: 0,
    uta: 1,
    userID: o.userId,
    inviterID: 0,
    vipLevel: 'No VIP',
    mktMakerLevel: '0',
    affiliateID: 0,
    rsaPublicKey: '',
    isMaster: true,
    parentUid: '0',
    kycLevel: 'LEVEL_DEFAULT',
    kycRegion: '',
  };
}

/** UTA 2.0 Pro: the account kind whose rate limits limits.ts models. */
export const UNIFIED_MARGIN_STATUS = 6;

/** GET /v5/account/info: regular (cross) margin, UTA 2.0 Pro. */
export function renderAccountInfo(updatedMs: number): Record<string, unknown> {
  return {
    marginMode: 'REGULAR_MARGIN',
    updatedTime: String(updatedMs),
    unifiedMarginStatus: UNIFIED_MARGIN_STATUS,
    dcpStatus: 'OFF',
    timeWindow: 10,
    smpGroup: 0,
    isMasterTrader: false,
    spotHedgingStatus: 'OFF',
  };
}

// ---------------------------------------------------------------------------------------------
// Status

/** Bybit's serviceTypes: 1 trading, 2 trading via HTTP, 3 trading via websocket, 4 private stream, 5 market data. */
const SERVICE_TYPES_FULL = [1, 2, 3, 4];
const SERVICE_TYPES_TRADING = [1, 2, 3];

/**
 * GET /v5/system/status `list[]` entry for a maintenance window the venue announces. A full window
 * stops trading and account services (market data keeps flowing, as the fault layer models it);
 * a partial phase restricts trading only. `maintainType` 1 = planned, `product` 1 = futures.
 */
export function renderSystemStatus(notice: MaintenanceNotice): Record<string, unknown> {
  return {
    id: noticeUuid(notice.id),
    title: notice.phase === 'full' ? 'Planned system maintenance' : `Planned maintenance: ${PHASE_TITLES[notice.phase]}`,
    state: notice.state,
    begin: String(notice.startMs),
    end: String(notice.endMs),
    href: '',
    serviceTypes: notice.phase === 'full' ? SERVICE_TYPES_FULL : SERVICE_TYPES_TRADING,
    product: [1],
    uidSuffix: [],
    maintainType: 1,
    env: 1,
  };
}

const PHASE_TITLES: Record<Exclude<MaintenanceNotice['phase'], 'full'>, string> = {
  cancelOnly: 'cancel only',
  postOnly: 'post only',
  reduceOnly: 'reduce only',
};

// ---------------------------------------------------------------------------------------------
// Market data

/** Funding settles every 8 h on Bybit's USDT perpetuals (00:00, 08:00, 16:00 UTC). */
const FUNDING_INTERVAL_MS = 8 * 3_600_000;

/**
 * GET /v5/market/tickers entry, category=linear (the field set of a recorded real answer). The
 * entry has no time of its own: ccxt's `timestamp` is undefined on Bybit, as in production.
 * Index and mark price are the last price, open interest and funding are not modelled ("0"),
 * `prevPrice1h` is the 24 h open (the engine keeps no hourly stats).
 */
export function renderTicker(spec: MarketSpec, t: Ticker): Record<string, unknown> {
  const f = marketFormat(spec);
  const last = d.parse(t.last);
  const open = d.parse(t.open);
  return {
    symbol: spec.id,
    lastPrice: f.price(t.last),
    indexPrice: f.price(t.last),
    markPrice: f.price(t.last),
    prevPrice24h: f.price(t.open),
    price24hPcnt: d.toFixed(open === d.ZERO ? d.ZERO : d.div(last - open, open), 6),
    highPrice24h: f.price(t.high),
    lowPrice24h: f.price(t.low),
    prevPrice1h: f.price(t.open),
    openInterest: '0',
    openInterestValue: '0.00',
    turnover24h: d.toFixed(d.parse(t.volumeQuote), 4),
    volume24h: f.qty(t.volumeBase),
    fundingRate: '0',
    nextFundingTime: String((Math.floor(t.timeMs / FUNDING_INTERVAL_MS) + 1) * FUNDING_INTERVAL_MS),
    predictedDeliveryPrice: '',
    basisRate: '',
    deliveryFeeRate: '',
    deliveryTime: '0',
    ask1Size: f.qty(t.askQty),
    bid1Price: f.price(t.bid),
    ask1Price: f.price(t.ask),
    bid1Size: f.qty(t.bidQty),
    basis: '',
  };
}

/** GET /v5/market/orderbook result. `ts` is the book's time; `u`/`seq` grow with it. */
export function renderOrderbook(spec: MarketSpec, book: BookSnapshot): Record<string, unknown> {
  const f = marketFormat(spec);
  const level = ([p, q]: [string, string]): [string, string] => [f.price(p), f.qty(q)];
  return {
    s: spec.id,
    b: book.bids.map(level),
    a: book.asks.map(level),
    ts: book.timeMs,
    u: book.timeMs,
    seq: book.timeMs,
    cts: book.timeMs,
  };
}

// ---------------------------------------------------------------------------------------------
// Account

/**
 * GET /v5/account/wallet-balance?accountType=UNIFIED result `list[0]`. Coins with nothing in them
 * are left out, as on Bybit. Since Bybit's 2025 change `availableToWithdraw` and
 * `availableToBorrow` are "" on UTA, so ccxt derives `free` = walletBalance − (locked +
 * totalPositionIM + totalOrderIM) — i.e. without unrealized PnL, as in production.
 * USD values: USDT and USDC count 1:1; other coins at `usdPrice` (the engine's mid), else 0.
 */
export function renderWalletBalance(o: {
  balances: readonly AssetBalance[];
  positions: readonly Position[];
  fills: readonly Fill[];
  markets: readonly MarketSpec[];
  usdPrice: (coin: string) => string | undefined;
  /** List coins with nothing in them too (they were asked for by name). */
  listEmpty?: boolean;
}): Record<string, unknown> {
  const bySymbol = new Map(o.markets.map((m) => [m.symbol, m]));
  const positionIm = (coin: string): d.Fixed => d.sum(o.positions.filter((p) => bySymbol.get(p.symbol)?.settle === coin).map((p) => p.initialMargin));
  const positionMm = (coin: string): d.Fixed => d.sum(o.positions.filter((p) => bySymbol.get(p.symbol)?.settle === coin).map((p) => p.maintenanceMargin));
  const realized = (coin: string): d.Fixed =>
    d.sum(o.fills.filter((f) => bySymbol.get(f.symbol)?.settle === coin).map((f) => d.format(d.parse(f.realizedPnl) - d.parse(f.fee))));
  const usdRate = (coin: string): d.Fixed | undefined => {
    if (coin === 'USDT' || coin === 'USDC') return d.parse('1');
    const price = o.usdPrice(coin);
    return price === undefined ? undefined : d.parse(price);
  };
  const listed = o.balances.filter((b) => o.listEmpty === true || d.parse(b.wallet) !== d.ZERO || d.parse(b.unrealizedPnl) !== d.ZERO);
  const coins = listed.map((b) => {
    const pim = positionIm(b.asset);
    const rate = usdRate(b.asset);
    const equity = d.parse(b.marginBalance);
    return {
      availableToBorrow: '',
      bonus: '0',
      accruedInterest: '0',
      availableToWithdraw: '',
      totalOrderIM: amount8(d.max(d.parse(b.initialMargin) - pim, d.ZERO)),
      equity: amount8(b.marginBalance),
      totalPositionMM: amount8(positionMm(b.asset)),
      usdValue: rate === undefined ? '0' : amount8(d.mul(equity, rate)),
      unrealisedPnl: amount8(b.unrealizedPnl),
      collateralSwitch: true,
      spotHedgingQty: '0',
      borrowAmount: '0',
      totalPositionIM: amount8(pim),
      walletBalance: amount8(b.wallet),
      cumRealisedPnl: amount8(realized(b.asset)),
      locked: '0',
      marginCollateral: true,
      coin: b.asset,
    };
  });
  const usd = (pick: (b: AssetBalance) => string): d.Fixed =>
    listed.reduce<d.Fixed>((acc, b) => {
      const rate = usdRate(b.asset);
      return rate === undefined ? acc : acc + d.mul(d.parse(pick(b)), rate);
    }, d.ZERO);
  const marginBalance = usd((b) => b.marginBalance);
  const initialMargin = usd((b) => b.initialMargin);
  const maintenanceMargin = usd((b) => b.maintenanceMargin);
  return {
    totalEquity: amount8(marginBalance),
    accountIMRate: d.ratio(initialMargin, marginBalance, 4),
    totalMarginBalance: amount8(marginBalance),
    totalInitialMargin: amount8(initialMargin),
    accountType: 'UNIFIED',
    totalAvailableBalance: amount8(d.max(marginBalance - initialMargin, d.ZERO)),
    accountMMRate: d.ratio(maintenanceMargin, marginBalance, 4),
    totalPerpUPL: amount8(usd((b) => b.unrealizedPnl)),
    totalWalletBalance: amount8(usd((b) => b.wallet)),
    accountLTV: '0',
    totalMaintenanceMargin: amount8(maintenanceMargin),
    coin: coins,
  };
}

/**
 * GET /v5/position/list entry (one-way mode, cross margin on UTA). A flat position — listed when
 * asked for by symbol — has side "" and empty value fields, as Bybit sends it. `positionValue` is
 * size × entry price (Bybit's definition, not the mark value). `liqPrice` is "" when the engine
 * finds no liquidating price, as Bybit leaves it when outside the price band; `bustPrice` is ""
 * on UTA. `cumRealisedPnl` sums the symbol's realized PnL net of fees.
 */
export function renderPosition(o: { position: Position; spec: MarketSpec; fills: readonly Fill[]; seq: number }): Record<string, unknown> {
  const { position: p, spec } = o;
  const f = marketFormat(spec);
  const size = d.parse(p.size);
  const flat = size === d.ZERO;
  const liq = d.parse(p.liquidationPrice);
  const liqInBand = liq > d.ZERO && liq <= d.parse(maxPrice(spec));
  const cumRealised = d.sum(o.fills.map((x) => d.format(d.parse(x.realizedPnl) - d.parse(x.fee))));
  const createdMs = o.fills[0]?.timeMs ?? p.updatedMs;
  return {
    symbol: spec.id,
    leverage: String(p.leverage),
    autoAddMargin: 0,
    avgPrice: flat ? '0' : p.entryPrice,
    liqPrice: flat || !liqInBand ? '' : f.price(p.liquidationPrice),
    riskLimitValue: '2000000',
    takeProfit: '',
    positionValue: flat ? '' : amount8(d.mul(d.abs(size), d.parse(p.entryPrice))),
    isReduceOnly: false,
    tpslMode: 'Full',
    riskId: 1,
    trailingStop: '0',
    unrealisedPnl: flat ? '' : amount8(p.unrealizedPnl),
    markPrice: f.price(p.markPrice),
    adlRankIndicator: flat ? 0 : 2,
    cumRealisedPnl: amount8(cumRealised),
    positionMM: amount8(p.maintenanceMargin),
    createdTime: String(createdMs),
    positionIdx: 0,
    positionIM: amount8(p.initialMargin),
    seq: o.seq,
    updatedTime: String(p.updatedMs),
    side: flat ? '' : size > d.ZERO ? 'Buy' : 'Sell',
    bustPrice: '',
    positionBalance: amount8(p.initialMargin),
    leverageSysUpdatedTime: '',
    size: f.qty(d.format(d.abs(size))),
    positionStatus: 'Normal',
    mmrSysUpdatedTime: '',
    stopLoss: '',
    tradeMode: 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Orders and executions

/** Bybit's order status for an engine order (IOC/FOK remainders are canceled by the engine: "expired"). */
export function orderStatusOf(o: Order): string {
  const filled = d.parse(o.filledQty) > d.ZERO;
  switch (o.status) {
    case 'new':
      return 'New';
    case 'partiallyFilled':
      return 'PartiallyFilled';
    case 'filled':
      return 'Filled';
    case 'rejected':
      return 'Rejected';
    case 'canceled':
    case 'expired':
      return filled ? 'PartiallyFilledCanceled' : 'Cancelled';
  }
}

const TIME_IN_FORCE: Record<Order['timeInForce'], string> = { GTC: 'GTC', IOC: 'IOC', FOK: 'FOK', GTX: 'PostOnly' };

/**
 * GET /v5/order/realtime entry (linear). Market orders are IOC on Bybit and show price "0" here
 * (Bybit shows its slippage-protection price; not modelled). `avgPrice` is "" until something
 * fills (UTA). `cumExecFee` sums the order's fills. `rejectReason`/`cancelType` follow Bybit's
 * enums for the ways an order ends.
 */
export function renderOrder(o: {
  order: Order;
  spec: MarketSpec;
  orderId: string;
  orderLinkId: string;
  fee: d.Fixed;
  /** Set for the dialect's own post-only orders that would have taken (canceled at once by Bybit). */
  rejectReason?: string;
}): Record<string, unknown> {
  const { order, spec } = o;
  const f = marketFormat(spec);
  const market = order.type === 'market';
  const open = order.status === 'new' || order.status === 'partiallyFilled';
  const leaves = open ? d.parse(order.qty) - d.parse(order.filledQty) : d.ZERO;
  const price = order.price ?? '0';
  const filled = d.parse(order.filledQty) > d.ZERO;
  return {
    orderId: o.orderId,
    orderLinkId: o.orderLinkId,
    blockTradeId: '',
    symbol: spec.id,
    price: market ? '0' : f.price(price),
    qty: f.qty(order.qty),
    side: order.side === 'buy' ? 'Buy' : 'Sell',
    isLeverage: '',
    positionIdx: 0,
    orderStatus: orderStatusOf(order),
    createType: 'CreateByUser',
    cancelType: order.status === 'canceled' ? (o.rejectReason !== undefined ? 'UNKNOWN' : 'CancelByUser') : 'UNKNOWN',
    rejectReason: o.rejectReason ?? (order.status === 'expired' ? 'EC_CancelForNoFullFill' : 'EC_NoError'),
    avgPrice: filled ? d.pad(order.avgPrice, f.priceDp) : '',
    leavesQty: f.qty(d.format(leaves)),
    leavesValue: d.format(market ? d.ZERO : d.mul(leaves, d.parse(price))),
    cumExecQty: f.qty(order.filledQty),
    cumExecValue: d.format(d.parse(order.cumQuote)),
    cumExecFee: d.format(o.fee),
    timeInForce: market ? 'IOC' : TIME_IN_FORCE[order.timeInForce],
    orderType: market ? 'Market' : 'Limit',
    stopOrderType: '',
    orderIv: '',
    marketUnit: '',
    triggerPrice: '',
    takeProfit: '',
    stopLoss: '',
    tpslMode: '',
    ocoTriggerBy: '',
    tpLimitPrice: '',
    slLimitPrice: '',
    tpTriggerBy: '',
    slTriggerBy: '',
    triggerDirection: 0,
    triggerBy: '',
    lastPriceOnCreated: '',
    closeOnTrigger: false,
    placeType: '',
    smpType: 'None',
    smpGroup: 0,
    smpOrderId: '',
    reduceOnly: order.reduceOnly,
    createdTime: String(order.createdMs),
    updatedTime: String(order.updatedMs),
  };
}

/**
 * GET /v5/execution/list entry (linear, execType Trade). `markPrice` is the fill price (the mark
 * at the time of a fill is not kept); `closedSize` is the part of the fill that reduced the
 * position; `leavesQty` what the order had left after this fill.
 */
export function renderExecution(o: {
  fill: Fill;
  spec: MarketSpec;
  order: Order | undefined;
  orderLinkId: string;
  closedSize: string;
  leavesQty: string;
}): Record<string, unknown> {
  const { fill, spec, order } = o;
  const f = marketFormat(spec);
  const quote = d.parse(fill.quoteQty);
  return {
    symbol: spec.id,
    orderType: order?.type === 'limit' ? 'Limit' : 'Market',
    underlyingPrice: '',
    orderLinkId: o.orderLinkId,
    orderId: uuidOf('order', fill.orderId),
    stopOrderType: 'UNKNOWN',
    execTime: String(fill.timeMs),
    feeCurrency: '',
    createType: 'CreateByUser',
    feeRate: d.ratio(d.parse(fill.fee), quote, 8),
    tradeIv: '',
    blockTradeId: '',
    markPrice: f.price(fill.price),
    execPrice: f.price(fill.price),
    markIv: '',
    orderQty: f.qty(order?.qty ?? fill.qty),
    orderPrice: order?.price === undefined ? '0' : f.price(order.price),
    execValue: d.format(quote),
    closedSize: f.qty(o.closedSize),
    execType: 'Trade',
    seq: Number(fill.tradeId),
    side: fill.side === 'buy' ? 'Buy' : 'Sell',
    indexPrice: '',
    leavesQty: f.qty(o.leavesQty),
    isMaker: fill.maker,
    execFee: d.format(d.parse(fill.fee)),
    execId: uuidOf('execution', fill.tradeId),
    marketUnit: '',
    execQty: f.qty(fill.qty),
    extraFees: '',
  };
}
