import * as D from './decimal.ts';
import type {
  AssetBalance,
  BookSnapshot,
  Fill,
  MarketSpec,
  Order,
  OrderRef,
  OrderStatus,
  PlaceOrderRequest,
  Position,
  Side,
  Ticker,
  TimeInForce,
  VenueEngine,
  VenueEngineOptions,
  VenueEvent,
  VenueRejection,
  VenueResult,
} from './types.ts';

/**
 * Creates the exchange-agnostic venue engine: one account on one venue trading linear
 * USDT-margined perpetuals in cross margin and/or spot pairs. Its state is the ground truth the invariants check,
 * so it is exact (bigint fixed-point, see `decimal.ts`), deterministic (ids are counters, time is
 * passed in) and pure (no I/O, no clock, no randomness).
 *
 * Model, and the simplifications it makes on purpose:
 * - **Mid and book.** The mid is `midPrice(symbol, nowMs)` rounded to the price tick, half to
 *   even. The synthetic book is rebuilt around it on every call: best bid/ask at mid ∓ spread/2
 *   rounded *outward* to the tick (so the spread is never narrower than asked), each further level
 *   `levelStepBps` of the mid further out, `levelQty` per level. Our own fills never deplete it:
 *   the desk is small next to the market.
 * - **Taking.** Market orders (and the marketable part of limit orders) walk the book level by
 *   level, one fill per level, as taker. What the book's depth (or the limit price) cannot fill
 *   expires (market, IOC) or rests (GTC). FOK that cannot fill completely expires with nothing
 *   filled, as on Binance. Post-only (GTX) that would take is rejected (`postOnlyWouldTake`).
 * - **Resting.** A resting limit order fills completely, at its own price, as maker, in the first
 *   `tick` at which the mid has reached it (buy: mid ≤ price; sell: mid ≥ price).
 * - **Client order ids** must be unique among *open* orders (Binance USDⓈ-M's documented rule,
 *   `clientOrderIdScope: 'open'`, the default): a finished order's id trades again if sent again.
 *   That is the production trap — a market order is never open long enough for the rule to catch
 *   a retry after a lost acknowledgement — so the testbed keeps it rather than hide it.
 *   `clientOrderIdScope: 'all'` refuses any reuse.
 * - **Reduce-only** orders must shrink an existing position and must not be larger than it
 *   (rejected rather than clipped). A resting reduce-only order that no longer reduces when the
 *   price reaches it expires instead of filling.
 * - **Margin.** Initial margin = |notional| / leverage at the mid; resting non-reduce-only orders
 *   reserve remaining qty × limit price / leverage. An order is accepted when the initial margin of
 *   the position *increase* it can cause (valued at its limit price, or the mid for market orders)
 *   fits in `available`. Fees are not reserved.
 * - **Liquidation.** In `tick`, when an asset's margin balance falls below its maintenance margin,
 *   every position settled in it is closed at the mid by a venue-generated market order
 *   (`clientOrderId` `autoclose-<orderId>`, no fee) and a `liquidation` event is emitted; the
 *   account's open orders in those symbols are canceled. A deficit beyond the wallet is absorbed
 *   by the venue (insurance fund): the wallet is floored at 0.
 * - **Liquidation price** (reported, not used for triggering) is the mid at which this position
 *   alone would trigger liquidation, other positions held at their current PnL and maintenance
 *   margin: solve `W' + s·(P − entry) = |s|·P·mmr` for P, where W' = wallet + other positions'
 *   unrealized PnL − their maintenance margin. Rounded to the tick (half even); "0" when no price
 *   above zero liquidates.
 * - **Rounding.** Entry prices and average prices: half even at 12 digits. Realized PnL: half even
 *   at 12 digits. Fees: half up at 12 digits (spot: down, see below). Margins: half even at 12 digits.
 *
 * Spot markets (`kind: 'spot'`) share the book, the order types, time in force, client order ids
 * and matching above, and differ in what a fill books:
 * - **Balances, not positions.** A buy debits quote (price × qty) and credits base; a sell debits
 *   base and credits quote. No position, no PnL (`realizedPnl` "0"), no `position` event; spot
 *   markets are not listed by `positions()`.
 * - **Fees** follow `spotFeeAsset`: `'received'` (default, Binance spot) charges the asset coming
 *   in (a buy pays base: qty − fee credited; a sell pays quote: proceeds − fee); `'quote'` (Kraken)
 *   charges quote (a buy costs price × qty + fee). Spot fees round *down* at 12 digits, so a
 *   reservation covering the exact fee always covers the charged one.
 * - **Reservation (locked).** An accepted order reserves what it may spend, in the asset it spends:
 *   a sell its quantity in base; a limit buy qty × limit price, plus qty × price × max(taker, maker)
 *   fee rounded up when fees are paid in quote; a market buy exactly what its fills will cost
 *   (the book walk, fees included). Fills consume the reservation; what rests keeps reserved only
 *   what its remainder may spend (savings from taking below a buy's limit are freed at once, as on
 *   Binance); a finished order (filled, canceled, expired) releases what is left.
 *   `locked` = initial margin (perps) + spot reservations.
 * - **Insufficient balance.** An order whose reservation exceeds the asset's free balance is
 *   rejected whole (`insufficientBalance`), not clipped. Free = wallet − locked for a spot-only
 *   asset; for an asset that also margins perps (one engine listing both), free additionally
 *   leaves out margin in use and unrealized profit — a spot order can spend neither — and perp
 *   orders see `available` net of spot reservations.
 * - **Reduce-only** has nothing to reduce on spot: rejected (`reduceOnlyNotSupported`).
 * - **A resting order whose funds are gone** (only possible on an asset that also margins perps:
 *   realized perp losses, a liquidation floored at 0) expires instead of filling, and a
 *   liquidation cancels the spot orders that spend the liquidated asset. The balance of a spot
 *   asset never goes negative; the engine asserts it.
 * - **Margin samples.** Perp accounts emit `margin` events (one asset's row, see {@link AssetBalance}:
 *   the same figures the order check and liquidation use) so a reader can follow margin use —
 *   initial margin ÷ margin balance — over time: after every operation that changed the asset's
 *   account (a perp order or fill, a liquidation, spot activity in a margin asset), and at a tick
 *   only when the use is above every value emitted since then (a new peak; the first tick always
 *   emits, as a baseline), and just before a liquidation (the state that triggered it). Ticks are
 *   the engine's own margin resolution (liquidation is checked there), and emitting peaks rather
 *   than every tick keeps the trace proportional to the work done, not to the simulated duration,
 *   while every maximum stays in it: a use over any limit is first seen at an operation or at a
 *   new peak. Use falls back only at an operation's sample.
 * - **Events.** Spot activity emits one `balance` event per asset it touched, after the
 *   operation's order and fill events (placeOrder, cancelOrder, tick each flush once).
 * - **Specs.** A spot market's `settle` must equal its `quote`, and the digits of its qty step
 *   plus its price tick must fit 12 (so every qty × price is exact). When a perp and a spot market
 *   share an exchange id, the perp keeps the id; the spot market is found by its unified symbol.
 *
 * @example
 * const venue = createVenueEngine({ venueId: 'a', markets: [...DEFAULT_MARKETS], balances: { USDT: '100000' }, midPrice: () => 60000 });
 * venue.placeOrder({ symbol: 'BTC/USDT:USDT', side: 'buy', type: 'market', qty: '0.01', clientOrderId: 'c1', nowMs: 0 });
 * venue.positions(0)[0]?.size; // "0.01"
 */
export function createVenueEngine(opts: VenueEngineOptions): VenueEngine {
  const markets: MarketSpec[] = opts.markets.map((m) => ({ ...m }));
  const specs = new Map<string, MarketState>();
  for (const m of markets) {
    if (m.kind !== 'linearPerp') continue;
    const state = marketState(m);
    specs.set(m.symbol, state);
    specs.set(m.id, state);
  }
  // Spot after perps: a spot market never takes a perp's id (Binance spot and USDⓈ-M both say "BTCUSDT").
  for (const m of markets) {
    if (m.kind !== 'spot') continue;
    const state = marketState(m);
    specs.set(m.symbol, state);
    if (!specs.has(m.id)) specs.set(m.id, state);
  }
  const config = engineConfig(opts);
  const wallet = new Map<string, D.Fixed>();
  for (const [asset, amount] of Object.entries(opts.balances)) wallet.set(asset, D.parse(amount));
  const positionsBySymbol = new Map<string, PositionState>();
  const ordersById = new Map<string, OrderState>();
  const ordersByClientId = new Map<string, OrderState>();
  const clientOrderIdScope = opts.clientOrderIdScope ?? 'open';
  /** Open orders in placement order (a Map keeps insertion order, which is orderId order). */
  const openOrders = new Map<string, OrderState>();
  const fillsBySymbol = new Map<string, Fill[]>();
  const listeners: Array<(event: VenueEvent) => void> = [];
  /** Assets whose spot balance or reservation changed in the current operation (see `flushBalances`). */
  const touched = new Set<string>();
  /** Assets some perp settles in: their balance rows carry margin. */
  const marginAssets = new Set(markets.filter((m) => m.kind === 'linearPerp').map((m) => m.settle));
  /** Margin assets whose account changed in the current operation (see `flushMargin`). */
  const marginTouched = new Set<string>();
  /** Per margin asset, the highest use emitted since its last change (see `flushMargin`). */
  const marginPeaks = new Map<string, MarginUse>();
  let orderIdLast = 0;
  let tradeIdLast = 0;
  let tickMsLast = -Infinity;

  const emit = (event: VenueEvent): void => {
    for (const listener of [...listeners]) listener(event);
  };

  const mid = (s: MarketState, nowMs: number): D.Fixed => {
    const raw = opts.midPrice(s.spec.symbol, nowMs);
    if (!Number.isFinite(raw)) throw new Error(`venuechaos bug: midPrice(${s.spec.symbol}, ${nowMs}) returned ${raw}`);
    // A path can only reach 0 through a −100 % jump; one tick keeps every division defined.
    return D.max(D.fromNumber(raw, { step: s.tick, rounding: 'halfEven' }), s.tick);
  };

  for (const p of opts.positions ?? []) {
    const s = specs.get(p.symbol);
    if (s === undefined) throw new Error(`venuechaos bug: starting position in unknown symbol ${p.symbol}`);
    if (isSpot(s)) throw new Error(`venuechaos bug: starting position in spot market ${s.spec.symbol}; spot holdings are balances (e.g. { ${s.spec.base}: "1" })`);
    // The engine has no start time; the price path answers its starting price for times before its start.
    positionsBySymbol.set(s.spec.symbol, { size: D.parse(p.size), entry: mid(s, 0), updatedMs: 0 });
  }

  function positionOf(symbol: string): PositionState {
    let p = positionsBySymbol.get(symbol);
    if (p === undefined) {
      p = { size: 0n, entry: 0n, updatedMs: 0 };
      positionsBySymbol.set(symbol, p);
    }
    return p;
  }

  function sizeOf(symbol: string): D.Fixed {
    return positionsBySymbol.get(symbol)?.size ?? 0n;
  }

  // ---- book -------------------------------------------------------------------------------------

  function ladder(s: MarketState, nowMs: number, depth: number): { bids: Level[]; asks: Level[] } {
    const m = mid(s, nowMs);
    const n = Math.max(0, Math.min(Math.floor(depth), config.bookLevels));
    const bids: Level[] = [];
    const asks: Level[] = [];
    for (let i = 0; i < n; i++) {
      // exact distance from the mid, then outward to the tick
      const distance = D.mulRatio(m, config.spreadBps + 2n * config.levelStepBps * BigInt(i), 2n * BPS_DENOMINATOR);
      let bid = D.roundToStep(m - distance, s.tick, 'floor');
      let ask = D.roundToStep(m + distance, s.tick, 'ceil');
      const prevBid = bids[i - 1]?.price;
      const prevAsk = asks[i - 1]?.price;
      if (prevBid !== undefined && bid >= prevBid) bid = prevBid - s.tick;
      if (prevAsk !== undefined && ask <= prevAsk) ask = prevAsk + s.tick;
      if (i === 0 && ask <= bid) ask = bid + s.tick;
      if (bid > 0n) bids.push({ price: bid, qty: config.levelQty });
      asks.push({ price: ask, qty: config.levelQty });
    }
    return { bids, asks };
  }

  /** What taking up to `qty` (and up to `limit`, if any) would fill, level by level. */
  function takeable(s: MarketState, side: Side, qty: D.Fixed, limit: D.Fixed | undefined, nowMs: number): Level[] {
    const book = ladder(s, nowMs, config.bookLevels);
    const levels = side === 'buy' ? book.asks : book.bids;
    const out: Level[] = [];
    let remaining = qty;
    for (const level of levels) {
      if (remaining === 0n) break;
      if (limit !== undefined && (side === 'buy' ? level.price > limit : level.price < limit)) break;
      const q = D.min(remaining, level.qty);
      out.push({ price: level.price, qty: q });
      remaining -= q;
    }
    return out;
  }

  // ---- account ----------------------------------------------------------------------------------

  function positionFigures(s: MarketState, p: PositionState, nowMs: number) {
    const mark = mid(s, nowMs);
    const notional = D.mul(p.size, mark);
    const absNotional = D.abs(notional);
    return {
      mark,
      notional,
      unrealized: p.size === 0n ? 0n : D.mul(p.size, mark - p.entry),
      initialMargin: D.div(absNotional, config.leverage),
      maintenanceMargin: D.mul(absNotional, config.mmr),
    };
  }

  /** One asset's figures: perp margin (when a perp settles in it) and spot reservations. */
  function account(settle: string, nowMs: number) {
    let unrealized = 0n;
    let positionIm = 0n;
    let mm = 0n;
    for (const s of perpStates()) {
      if (s.spec.settle !== settle) continue;
      const p = positionsBySymbol.get(s.spec.symbol);
      if (p === undefined || p.size === 0n) continue;
      const f = positionFigures(s, p, nowMs);
      unrealized += f.unrealized;
      positionIm += f.initialMargin;
      mm += f.maintenanceMargin;
    }
    let orderIm = 0n;
    let spotLocked = 0n;
    for (const o of openOrders.values()) {
      if (isSpot(o.spec)) {
        if (spendAsset(o.spec, o.side) === settle) spotLocked += o.reserved;
        continue;
      }
      if (o.spec.spec.settle !== settle || o.reduceOnly || o.price === undefined) continue;
      orderIm += D.div(D.mul(o.qty - o.filled, o.price), config.leverage);
    }
    const w = wallet.get(settle) ?? 0n;
    const marginBalance = w + unrealized;
    const im = positionIm + orderIm;
    const locked = im + spotLocked;
    return { wallet: w, unrealized, marginBalance, im, mm, spotLocked, locked, available: D.max(0n, marginBalance - locked) };
  }

  /**
   * What a new spot order may reserve in `asset`: wallet − locked for a spot-only asset. For an
   * asset that also margins perps, neither the margin in use nor unrealized profit (which is not
   * in the wallet) can be spent.
   */
  function spotFree(asset: string, nowMs: number): D.Fixed {
    const a = account(asset, nowMs);
    const spendable = marginAssets.has(asset) ? D.min(a.wallet, a.marginBalance - a.im) : a.wallet;
    return D.max(0n, spendable - a.spotLocked);
  }

  function liquidationPrice(s: MarketState, p: PositionState, nowMs: number): D.Fixed {
    if (p.size === 0n) return 0n;
    let others = wallet.get(s.spec.settle) ?? 0n;
    for (const o of perpStates()) {
      if (o === s || o.spec.settle !== s.spec.settle) continue;
      const q = positionsBySymbol.get(o.spec.symbol);
      if (q === undefined || q.size === 0n) continue;
      const f = positionFigures(o, q, nowMs);
      others += f.unrealized - f.maintenanceMargin;
    }
    const factor = p.size > 0n ? D.ONE - config.mmr : D.ONE + config.mmr;
    const denominator = D.mul(p.size, factor);
    if (denominator === 0n) return 0n;
    const price = D.div(D.mul(p.size, p.entry) - others, denominator);
    return price > 0n ? D.roundToStep(price, s.tick, 'halfEven') : 0n;
  }

  // ---- views ------------------------------------------------------------------------------------

  function orderView(o: OrderState): Order {
    return {
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      symbol: o.spec.spec.symbol,
      side: o.side,
      type: o.type,
      timeInForce: o.timeInForce,
      reduceOnly: o.reduceOnly,
      ...(o.price !== undefined ? { price: D.format(o.price) } : {}),
      qty: D.format(o.qty),
      filledQty: D.format(o.filled),
      avgPrice: o.filled === 0n ? '0' : D.format(D.div(o.cumQuote, o.filled)),
      cumQuote: D.format(o.cumQuote),
      status: o.status,
      createdMs: o.createdMs,
      updatedMs: o.updatedMs,
    };
  }

  function positionView(s: MarketState, p: PositionState, nowMs: number): Position {
    const f = positionFigures(s, p, nowMs);
    return {
      symbol: s.spec.symbol,
      size: D.format(p.size),
      entryPrice: D.format(p.entry),
      markPrice: D.format(f.mark),
      unrealizedPnl: D.format(f.unrealized),
      notional: D.format(f.notional),
      initialMargin: D.format(f.initialMargin),
      maintenanceMargin: D.format(f.maintenanceMargin),
      liquidationPrice: D.format(liquidationPrice(s, p, nowMs)),
      leverage: config.leverageNumber,
      updatedMs: p.updatedMs,
    };
  }

  // ---- state changes ----------------------------------------------------------------------------

  /** Books one perp fill: position (entry, size), realized PnL and fee into the wallet, the order's totals. */
  function applyFill(o: OrderState, price: D.Fixed, qty: D.Fixed, fee: D.Fixed, maker: boolean, nowMs: number): void {
    const s = o.spec;
    const p = positionOf(s.spec.symbol);
    const delta = o.side === 'buy' ? qty : -qty;
    let realized = 0n;
    if (p.size === 0n || D.sign(p.size) === D.sign(delta)) {
      // both products are at 24 digits; dividing by a 12-digit size lands back at 12
      p.entry = D.divRound(D.abs(p.size) * p.entry + qty * price, D.abs(p.size) + qty, 'halfEven');
    } else {
      const closing = D.min(qty, D.abs(p.size));
      realized = D.mul(p.size > 0n ? closing : -closing, price - p.entry);
      if (qty > D.abs(p.size)) p.entry = price; // flipped: the new side opened at this fill
    }
    p.size += delta;
    if (p.size === 0n) p.entry = 0n;
    p.updatedMs = nowMs;
    const quote = D.mul(qty, price);
    wallet.set(s.spec.settle, (wallet.get(s.spec.settle) ?? 0n) + realized - fee);
    marginTouched.add(s.spec.settle);
    o.filled += qty;
    o.cumQuote += quote;
    o.updatedMs = nowMs;
    recordFill({
      tradeId: String(++tradeIdLast),
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      symbol: s.spec.symbol,
      side: o.side,
      price: D.format(price),
      qty: D.format(qty),
      quoteQty: D.format(quote),
      fee: D.format(fee),
      feeAsset: s.spec.settle,
      maker,
      realizedPnl: D.format(realized),
      timeMs: nowMs,
    });
    emit({ type: 'position', position: positionView(s, p, nowMs) });
  }

  function fee(quote: D.Fixed, bps: D.Fixed): D.Fixed {
    return D.mulRatio(quote, bps, BPS_DENOMINATOR, 'halfUp');
  }

  /**
   * What one spot fill moves: `spent` leaves the asset the order spends (and its reservation),
   * `received` arrives in the other asset, `fee` is charged in `feeAsset` (already netted out of
   * `spent` or `received`).
   */
  function spotFillTerms(s: MarketState, side: Side, price: D.Fixed, qty: D.Fixed, bps: D.Fixed) {
    const cost = D.mul(qty, price); // exact: the spec's digits fit (checked in marketState)
    if (side === 'sell') {
      const fee = D.mulRatio(cost, bps, BPS_DENOMINATOR, 'floor');
      return { cost, spent: qty, received: cost - fee, fee, feeAsset: s.spec.quote };
    }
    if (config.spotFeeAsset === 'received') {
      const fee = D.mulRatio(qty, bps, BPS_DENOMINATOR, 'floor');
      return { cost, spent: cost, received: qty - fee, fee, feeAsset: s.spec.base };
    }
    const fee = D.mulRatio(cost, bps, BPS_DENOMINATOR, 'floor');
    return { cost, spent: cost + fee, received: qty, fee, feeAsset: s.spec.quote };
  }

  /**
   * What a spot order must reserve when accepted (see the model above): a sell its quantity, a
   * limit buy qty × price (+ the largest fee, rounded up, when fees are paid in quote), a market
   * buy exactly what the book walk `takes` will cost.
   */
  function spotReservation(s: MarketState, side: Side, qty: D.Fixed, price: D.Fixed | undefined, takes: readonly Level[]): D.Fixed {
    if (side === 'sell') return qty;
    if (price === undefined) return takes.reduce((sum, l) => sum + spotFillTerms(s, side, l.price, l.qty, config.feeTakerBps).spent, 0n);
    const cost = D.mul(qty, price);
    if (config.spotFeeAsset === 'received') return cost;
    return cost + D.mulRatio(cost, D.max(config.feeTakerBps, config.feeMakerBps), BPS_DENOMINATOR, 'ceil');
  }

  /** Books one spot fill: both balances, the order's reservation and totals. No position. */
  function applySpotFill(o: OrderState, price: D.Fixed, qty: D.Fixed, bps: D.Fixed, maker: boolean, nowMs: number): void {
    const s = o.spec;
    const t = spotFillTerms(s, o.side, price, qty, bps);
    const out = spendAsset(s, o.side);
    const into = o.side === 'buy' ? s.spec.base : s.spec.quote;
    const left = (wallet.get(out) ?? 0n) - t.spent;
    o.reserved -= t.spent;
    if (left < 0n || o.reserved < 0n) {
      throw new Error(`venuechaos bug: spot fill of order ${o.orderId} on venue ${opts.venueId} overdraws ${out} (wallet ${D.format(left)}, reservation ${D.format(o.reserved)} after it)`);
    }
    wallet.set(out, left);
    wallet.set(into, (wallet.get(into) ?? 0n) + t.received);
    touched.add(out).add(into);
    o.filled += qty;
    o.cumQuote += t.cost;
    o.updatedMs = nowMs;
    recordFill({
      tradeId: String(++tradeIdLast),
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      symbol: s.spec.symbol,
      side: o.side,
      price: D.format(price),
      qty: D.format(qty),
      quoteQty: D.format(t.cost),
      fee: D.format(t.fee),
      feeAsset: t.feeAsset,
      maker,
      realizedPnl: '0',
      timeMs: nowMs,
    });
  }

  function recordFill(fill: Fill): void {
    let list = fillsBySymbol.get(fill.symbol);
    if (list === undefined) fillsBySymbol.set(fill.symbol, (list = []));
    list.push(fill);
    emit({ type: 'fill', fill });
  }

  function takeFills(o: OrderState, levels: readonly Level[], nowMs: number): void {
    for (const level of levels) {
      if (isSpot(o.spec)) applySpotFill(o, level.price, level.qty, config.feeTakerBps, false, nowMs);
      else applyFill(o, level.price, level.qty, fee(D.mul(level.qty, level.price), config.feeTakerBps), false, nowMs);
    }
  }

  function setStatus(o: OrderState, status: OrderStatus, nowMs: number): void {
    if (o.status === status) return;
    o.status = status;
    o.updatedMs = nowMs;
    if (!isSpot(o.spec)) marginTouched.add(o.spec.spec.settle);
    if (status === 'new' || status === 'partiallyFilled') openOrders.set(o.orderId, o);
    else {
      openOrders.delete(o.orderId);
      if (o.reserved !== 0n) {
        // Finished: what the fills did not use is free again.
        o.reserved = 0n;
        touched.add(spendAsset(o.spec, o.side));
      }
    }
    emit({ type: 'order', order: orderView(o) });
  }

  function newOrder(fields: Omit<OrderState, 'orderId' | 'filled' | 'cumQuote' | 'status' | 'updatedMs' | 'reserved'>, reserved: D.Fixed = 0n): OrderState {
    const o: OrderState = { ...fields, orderId: String(++orderIdLast), filled: 0n, cumQuote: 0n, reserved, status: 'new', updatedMs: fields.createdMs };
    ordersById.set(o.orderId, o);
    // Latest order wins a lookup by client order id (ids may repeat once finished, see clientOrderIdScope).
    ordersByClientId.set(o.clientOrderId, o);
    openOrders.set(o.orderId, o);
    if (reserved !== 0n) touched.add(spendAsset(o.spec, o.side));
    if (!isSpot(o.spec)) marginTouched.add(o.spec.spec.settle);
    emit({ type: 'order', order: orderView(o) });
    return o;
  }

  /** Emits one `balance` event per asset spot activity touched in this operation, then forgets them. */
  function flushBalances(nowMs: number): void {
    if (touched.size === 0) return;
    const assets = [...touched].sort();
    touched.clear();
    // Spot activity in an asset that also margins perps moves its margin balance.
    for (const asset of assets) if (marginAssets.has(asset)) marginTouched.add(asset);
    const rows = engine.balances(nowMs);
    for (const asset of assets) {
      const balance = rows.find((b) => b.asset === asset);
      if (balance !== undefined) emit({ type: 'balance', balance });
    }
  }

  /**
   * Emits a `margin` event for each margin asset whose account this operation changed, and at a
   * tick also for each whose use is a new peak since its last event (see the model above).
   */
  function flushMargin(nowMs: number, atTick: boolean): void {
    for (const asset of [...marginAssets].sort()) {
      const a = account(asset, nowMs);
      const peak = marginPeaks.get(asset);
      const use: MarginUse = { initialMargin: a.im, marginBalance: a.marginBalance };
      if (marginTouched.has(asset) || (atTick && (peak === undefined || useAbove(use, peak)))) emitMargin(asset, nowMs);
    }
    marginTouched.clear();
  }

  /** Emits one margin asset's row as a `margin` event; its use is the new reference for peaks. */
  function emitMargin(asset: string, nowMs: number): void {
    const a = account(asset, nowMs);
    marginPeaks.set(asset, { initialMargin: a.im, marginBalance: a.marginBalance });
    const balance = engine.balances(nowMs).find((b) => b.asset === asset);
    if (balance !== undefined) emit({ type: 'margin', balance });
  }

  function validate(req: PlaceOrderRequest): { ok: true; value: Validated } | Rejected {
    const s = specs.get(req.symbol);
    if (s === undefined) return reject('unknownSymbol', `unknown symbol ${req.symbol}`);
    const previous = ordersByClientId.get(req.clientOrderId);
    if (previous !== undefined && (clientOrderIdScope === 'all' || openOrders.has(previous.orderId))) {
      return reject('duplicateClientOrderId', `client order id "${req.clientOrderId}" is already used by ${clientOrderIdScope === 'all' ? 'an order' : 'an open order'} on venue ${opts.venueId}`);
    }
    if (isSpot(s) && req.reduceOnly === true) {
      return reject('reduceOnlyNotSupported', `reduce-only is not supported on spot market ${s.spec.symbol}: there is no position to reduce`);
    }
    const qty = D.tryParse(req.qty);
    if (qty === undefined || qty <= 0n || !D.isMultiple(qty, s.qtyStep) || qty < s.qtyMin || qty > s.qtyMax) {
      return reject('invalidQuantity', `quantity ${req.qty} must be a multiple of ${s.spec.qtyStep} between ${s.spec.qtyMin} and ${s.spec.qtyMax}`);
    }
    let price: D.Fixed | undefined;
    if (req.type === 'limit') {
      price = req.price === undefined ? undefined : D.tryParse(req.price);
      if (price === undefined || price <= 0n || !D.isMultiple(price, s.tick)) {
        return reject('invalidPrice', `limit price ${req.price ?? '(none)'} must be a positive multiple of ${s.spec.priceTick}`);
      }
    }
    const timeInForce: TimeInForce = req.type === 'market' ? 'IOC' : (req.timeInForce ?? 'GTC');
    if (isSpot(s)) {
      const notional = D.mul(qty, price ?? mid(s, req.nowMs));
      if (notional < s.notionalMin) return reject('notionalTooSmall', `order notional ${D.format(notional)} is below the minimum ${s.spec.notionalMin}`);
      // The balance check needs the book walk; placeOrder does it.
      return { ok: true, value: { s, qty, price, reduceOnly: false, timeInForce } };
    }
    const reduceOnly = req.reduceOnly ?? false;
    const size = sizeOf(s.spec.symbol);
    if (reduceOnly && !reduces(size, req.side, qty)) {
      return reject('reduceOnlyRejected', `reduce-only ${req.side} ${req.qty} does not reduce the position ${D.format(size)}`);
    }
    const reference = price ?? mid(s, req.nowMs);
    const notional = D.mul(qty, reference);
    if (!reduceOnly && notional < s.notionalMin) {
      return reject('notionalTooSmall', `order notional ${D.format(notional)} is below the minimum ${s.spec.notionalMin}`);
    }
    const after = size + (req.side === 'buy' ? qty : -qty);
    const increase = D.abs(after) - D.abs(size);
    if (!reduceOnly && increase > 0n) {
      const needed = D.div(D.mul(increase, reference), config.leverage);
      const available = account(s.spec.settle, req.nowMs).available;
      if (needed > available) {
        return reject('insufficientMargin', `initial margin ${D.format(needed)} ${s.spec.settle} needed, ${D.format(available)} available`);
      }
    }
    return { ok: true, value: { s, qty, price, reduceOnly, timeInForce } };
  }

  function liquidate(settle: string, nowMs: number): void {
    const victims = perpStates().filter((s) => s.spec.settle === settle && sizeOf(s.spec.symbol) !== 0n);
    for (const s of victims) {
      for (const o of [...openOrders.values()]) if (o.spec === s) setStatus(o, 'canceled', nowMs);
    }
    // A spot order spending the liquidated asset would spend what the liquidation took.
    for (const o of [...openOrders.values()]) if (isSpot(o.spec) && spendAsset(o.spec, o.side) === settle) setStatus(o, 'canceled', nowMs);
    for (const s of victims) {
      const p = positionOf(s.spec.symbol);
      const size = p.size;
      const price = mid(s, nowMs);
      emit({ type: 'liquidation', symbol: s.spec.symbol, size: D.format(size), price: D.format(price), timeMs: nowMs });
      const orderId = String(orderIdLast + 1);
      const o = newOrder({
        clientOrderId: `autoclose-${orderId}`,
        spec: s,
        side: size > 0n ? 'sell' : 'buy',
        type: 'market',
        timeInForce: 'IOC',
        reduceOnly: true,
        price: undefined,
        qty: D.abs(size),
        createdMs: nowMs,
      });
      applyFill(o, price, D.abs(size), 0n, false, nowMs);
      setStatus(o, 'filled', nowMs);
    }
    // The venue's insurance fund covers a deficit; the account never owes the venue.
    if ((wallet.get(settle) ?? 0n) < 0n) wallet.set(settle, 0n);
  }

  function find(ref: OrderRef): OrderState | undefined {
    const s = specs.get(ref.symbol);
    let o: OrderState | undefined;
    if (ref.orderId !== undefined) o = ordersById.get(ref.orderId);
    else if (ref.clientOrderId !== undefined) o = ordersByClientId.get(ref.clientOrderId);
    if (o === undefined || s === undefined || o.spec !== s) return undefined;
    return o;
  }

  function uniqueStates(): MarketState[] {
    return markets.map((m) => specs.get(m.symbol) as MarketState);
  }

  function perpStates(): MarketState[] {
    return uniqueStates().filter((s) => !isSpot(s));
  }

  // ---- the contract -----------------------------------------------------------------------------

  const engine: VenueEngine = {
    venueId: opts.venueId,
    markets,

    market: (symbolOrId) => specs.get(symbolOrId)?.spec,

    placeOrder(req: PlaceOrderRequest): VenueResult<Order> {
      const checked = validate(req);
      if (!checked.ok) return checked;
      const { s, qty, price, reduceOnly, timeInForce } = checked.value;
      const takes = takeable(s, req.side, qty, price, req.nowMs);
      const takeQty = takes.reduce((sum, l) => sum + l.qty, 0n);
      let reserved = 0n;
      if (isSpot(s)) {
        reserved = spotReservation(s, req.side, qty, price, takes);
        const asset = spendAsset(s, req.side);
        const free = spotFree(asset, req.nowMs);
        if (reserved > free) {
          return reject('insufficientBalance', `${req.side} ${req.qty} ${s.spec.symbol} needs ${D.format(reserved)} ${asset}, ${D.format(free)} ${asset} free`);
        }
      }
      if (timeInForce === 'GTX' && takeQty > 0n) {
        return reject('postOnlyWouldTake', `post-only ${req.side} at ${req.price ?? '?'} would take liquidity`);
      }
      const o = newOrder({ clientOrderId: req.clientOrderId, spec: s, side: req.side, type: req.type, timeInForce, reduceOnly, price, qty, createdMs: req.nowMs }, reserved);
      if (timeInForce === 'FOK' && takeQty < qty) {
        setStatus(o, 'expired', req.nowMs);
      } else {
        takeFills(o, takes, req.nowMs);
        if (isSpot(s) && o.price !== undefined && o.filled < o.qty) {
          // Taking below a buy's limit saved funds: keep reserved only what the remainder may spend.
          o.reserved = D.min(o.reserved, spotReservation(s, o.side, o.qty - o.filled, o.price, []));
        }
        if (o.filled === o.qty) setStatus(o, 'filled', req.nowMs);
        else if (timeInForce === 'IOC' || timeInForce === 'FOK') setStatus(o, 'expired', req.nowMs);
        else if (o.filled > 0n) setStatus(o, 'partiallyFilled', req.nowMs);
      }
      flushBalances(req.nowMs);
      flushMargin(req.nowMs, false);
      return { ok: true, value: orderView(o) };
    },

    cancelOrder(ref: OrderRef & { nowMs: number }): VenueResult<Order> {
      const o = find(ref);
      if (o === undefined) return reject('orderNotFound', `no order ${ref.orderId ?? ref.clientOrderId ?? '(no id given)'} in ${ref.symbol}`);
      if (!openOrders.has(o.orderId)) return reject('orderNotCancelable', `order ${o.orderId} is ${o.status}`);
      setStatus(o, 'canceled', ref.nowMs);
      flushBalances(ref.nowMs);
      flushMargin(ref.nowMs, false);
      return { ok: true, value: orderView(o) };
    },

    getOrder(ref: OrderRef): Order | undefined {
      const o = find(ref);
      return o === undefined ? undefined : orderView(o);
    },

    openOrders(symbol?: string): Order[] {
      const s = symbol === undefined ? undefined : specs.get(symbol);
      if (symbol !== undefined && s === undefined) return [];
      return [...openOrders.values()].filter((o) => s === undefined || o.spec === s).map(orderView);
    },

    trades(symbol: string, q: { sinceMs?: number; limit?: number; orderId?: string } = {}): Fill[] {
      const s = specs.get(symbol);
      if (s === undefined) return [];
      let list = (fillsBySymbol.get(s.spec.symbol) ?? []).filter(
        (f) => (q.sinceMs === undefined || f.timeMs >= q.sinceMs) && (q.orderId === undefined || f.orderId === q.orderId),
      );
      // Binance's shape: from a start time, the oldest `limit`; without one, the newest `limit`.
      if (q.limit !== undefined && list.length > q.limit) list = q.sinceMs !== undefined ? list.slice(0, q.limit) : list.slice(list.length - q.limit);
      return list.map((f) => ({ ...f }));
    },

    positions(nowMs: number): Position[] {
      return perpStates().map((s) => positionView(s, positionsBySymbol.get(s.spec.symbol) ?? { size: 0n, entry: 0n, updatedMs: 0 }, nowMs));
    },

    balances(nowMs: number): AssetBalance[] {
      const used = markets.flatMap((m) => (m.kind === 'spot' ? [m.base, m.quote] : [m.settle]));
      const assets = [...new Set([...wallet.keys(), ...used])].sort();
      return assets.map((asset) => {
        const a = account(asset, nowMs);
        return {
          asset,
          wallet: D.format(a.wallet),
          unrealizedPnl: D.format(a.unrealized),
          marginBalance: D.format(a.marginBalance),
          initialMargin: D.format(a.im),
          maintenanceMargin: D.format(a.mm),
          locked: D.format(a.locked),
          available: D.format(a.available),
          updatedMs: nowMs,
        };
      });
    },

    book(symbol: string, nowMs: number, depth: number): BookSnapshot {
      const s = specs.get(symbol);
      if (s === undefined) return { symbol, bids: [], asks: [], timeMs: nowMs };
      const l = ladder(s, nowMs, depth);
      const row = (x: Level): [string, string] => [D.format(x.price), D.format(x.qty)];
      return { symbol: s.spec.symbol, bids: l.bids.map(row), asks: l.asks.map(row), timeMs: nowMs };
    },

    ticker(symbol: string, nowMs: number): Ticker {
      const s = specs.get(symbol);
      if (s === undefined) throw new Error(`venuechaos bug: ticker for unknown symbol ${symbol} (dialects check symbols first)`);
      const top = ladder(s, nowMs, 1);
      const last = mid(s, nowMs);
      // 24 h stats sampled hourly from the price path: cheap, deterministic, and good enough for a ticker.
      let open = last;
      let high = last;
      let low = last;
      for (let h = 24; h >= 1; h--) {
        const p = mid(s, nowMs - h * HOUR_MS);
        if (h === 24) open = p;
        high = D.max(high, p);
        low = D.min(low, p);
      }
      let volumeBase = 0n;
      let volumeQuote = 0n;
      for (const f of fillsBySymbol.get(s.spec.symbol) ?? []) {
        if (f.timeMs > nowMs - 24 * HOUR_MS && f.timeMs <= nowMs) {
          volumeBase += D.parse(f.qty);
          volumeQuote += D.parse(f.quoteQty);
        }
      }
      return {
        symbol: s.spec.symbol,
        last: D.format(last),
        bid: D.format(top.bids[0]?.price ?? last),
        ask: D.format(top.asks[0]?.price ?? last),
        bidQty: D.format(top.bids[0]?.qty ?? 0n),
        askQty: D.format(top.asks[0]?.qty ?? 0n),
        open: D.format(open),
        high: D.format(high),
        low: D.format(low),
        volumeBase: D.format(volumeBase),
        volumeQuote: D.format(volumeQuote),
        timeMs: nowMs,
      };
    },

    tick(nowMs: number): void {
      if (nowMs < tickMsLast) throw new Error(`venuechaos bug: venue ${opts.venueId} ticked backwards in time (${nowMs} < ${tickMsLast})`);
      tickMsLast = nowMs;
      for (const o of [...openOrders.values()]) {
        if (!openOrders.has(o.orderId) || o.price === undefined) continue;
        const m = mid(o.spec, nowMs);
        if (o.side === 'buy' ? m > o.price : m < o.price) continue;
        const remaining = o.qty - o.filled;
        if (isSpot(o.spec)) {
          const spent = spotFillTerms(o.spec, o.side, o.price, remaining, config.feeMakerBps).spent;
          // Only an asset that also margins perps can lose what a spot order reserved (see the model).
          if (spent > (wallet.get(spendAsset(o.spec, o.side)) ?? 0n)) setStatus(o, 'expired', nowMs);
          else {
            applySpotFill(o, o.price, remaining, config.feeMakerBps, true, nowMs);
            setStatus(o, 'filled', nowMs);
          }
          continue;
        }
        if (o.reduceOnly && !reduces(sizeOf(o.spec.spec.symbol), o.side, remaining)) {
          setStatus(o, 'expired', nowMs);
          continue;
        }
        applyFill(o, o.price, remaining, fee(D.mul(remaining, o.price), config.feeMakerBps), true, nowMs);
        setStatus(o, 'filled', nowMs);
      }
      for (const settle of marginAssets) {
        const a = account(settle, nowMs);
        const exposed = markets.some((m) => m.kind === 'linearPerp' && m.settle === settle && sizeOf(m.symbol) !== 0n);
        if (exposed && a.marginBalance < a.mm) {
          // The state that triggers a liquidation is the highest margin use there is: sample it first.
          emitMargin(settle, nowMs);
          liquidate(settle, nowMs);
        }
      }
      flushBalances(nowMs);
      flushMargin(nowMs, true);
    },

    onEvent(listener: (event: VenueEvent) => void): () => void {
      listeners.push(listener);
      return () => {
        const i = listeners.indexOf(listener);
        if (i >= 0) listeners.splice(i, 1);
      };
    },
  };
  return engine;
}

// ---- internals ----------------------------------------------------------------------------------

const HOUR_MS = 3_600_000;
/** Basis points are kept as Fixed; x × bps ÷ this is x's share in bps, rounded once. */
const BPS_DENOMINATOR = D.ONE * 10_000n;

interface MarketState {
  spec: MarketSpec;
  tick: D.Fixed;
  qtyStep: D.Fixed;
  qtyMin: D.Fixed;
  qtyMax: D.Fixed;
  notionalMin: D.Fixed;
}

interface PositionState {
  size: D.Fixed;
  /** Average entry price; 0 when flat. */
  entry: D.Fixed;
  updatedMs: number;
}

interface OrderState {
  orderId: string;
  clientOrderId: string;
  spec: MarketState;
  side: Side;
  type: 'market' | 'limit';
  timeInForce: TimeInForce;
  reduceOnly: boolean;
  price: D.Fixed | undefined;
  qty: D.Fixed;
  filled: D.Fixed;
  cumQuote: D.Fixed;
  /** Spot: what is still reserved in the spent asset (0 once finished). Perp: always 0. */
  reserved: D.Fixed;
  status: OrderStatus;
  createdMs: number;
  updatedMs: number;
}

interface Level {
  price: D.Fixed;
  qty: D.Fixed;
}

interface Validated {
  s: MarketState;
  qty: D.Fixed;
  price: D.Fixed | undefined;
  reduceOnly: boolean;
  timeInForce: TimeInForce;
}

type Rejected = { ok: false; reason: VenueRejection; message: string };

/** One margin asset's use: initial margin in use against the margin balance (wallet + unrealized PnL). */
interface MarginUse {
  initialMargin: D.Fixed;
  marginBalance: D.Fixed;
}

/**
 * True when `a`'s margin use (initialMargin ÷ marginBalance) is above `b`'s, compared exactly
 * (cross-multiplied). No margin in use is 0 %; margin in use with no margin balance left is above
 * every finite use.
 */
function useAbove(a: MarginUse, b: MarginUse): boolean {
  const unbounded = (x: MarginUse): boolean => x.initialMargin > 0n && x.marginBalance <= 0n;
  if (unbounded(b)) return false;
  if (unbounded(a)) return true;
  if (a.initialMargin === 0n) return false;
  if (b.initialMargin === 0n) return true;
  return a.initialMargin * b.marginBalance > b.initialMargin * a.marginBalance;
}

function reject(reason: VenueRejection, message: string): Rejected {
  return { ok: false, reason, message };
}

/** True when a `side` order of `qty` shrinks the position `size` without crossing zero. */
function reduces(size: D.Fixed, side: Side, qty: D.Fixed): boolean {
  const opposite = side === 'buy' ? size < 0n : size > 0n;
  return opposite && qty <= D.abs(size);
}

function isSpot(s: MarketState): boolean {
  return s.spec.kind === 'spot';
}

/** The asset a spot order pays with: quote to buy, base to sell. */
function spendAsset(s: MarketState, side: Side): string {
  return side === 'buy' ? s.spec.quote : s.spec.base;
}

/** Fractional digits of a positive Fixed ("0.001" → 3). */
function fractionDigits(x: D.Fixed): number {
  return D.format(x).split('.')[1]?.length ?? 0;
}

function marketState(m: MarketSpec): MarketState {
  const state = {
    spec: m,
    tick: D.parse(m.priceTick),
    qtyStep: D.parse(m.qtyStep),
    qtyMin: D.parse(m.qtyMin),
    qtyMax: D.parse(m.qtyMax),
    notionalMin: D.parse(m.notionalMin),
  };
  if (state.tick <= 0n || state.qtyStep <= 0n) throw new Error(`venuechaos bug: market ${m.symbol} has a non-positive tick or step`);
  if (m.kind === 'spot') {
    if (m.settle !== m.quote) throw new Error(`venuechaos bug: spot market ${m.symbol} must settle in its quote ${m.quote}, not ${m.settle}`);
    // Spot fills move balances by qty × price; it must be exact or value would appear or vanish.
    if (fractionDigits(state.qtyStep) + fractionDigits(state.tick) > D.DIGITS) {
      throw new Error(`venuechaos bug: spot market ${m.symbol}: qty step ${m.qtyStep} × price tick ${m.priceTick} needs more than ${D.DIGITS} decimal places`);
    }
  }
  return state;
}

function engineConfig(opts: VenueEngineOptions) {
  const leverageNumber = opts.leverage ?? 10;
  const leverage = D.fromNumber(leverageNumber);
  if (leverage <= 0n) throw new Error(`venuechaos bug: leverage must be positive, got ${leverageNumber}`);
  return {
    feeTakerBps: D.fromNumber(opts.feeTakerBps ?? 4),
    feeMakerBps: D.fromNumber(opts.feeMakerBps ?? 2),
    leverage,
    leverageNumber,
    mmr: D.fromNumber(opts.maintenanceMarginRate ?? 0.004),
    spreadBps: D.fromNumber(opts.book?.spreadBps ?? 1),
    levelStepBps: D.fromNumber(opts.book?.levelStepBps ?? 1),
    bookLevels: Math.max(0, Math.floor(opts.book?.levels ?? 20)),
    levelQty: D.parse(opts.book?.levelQty ?? '2'),
    spotFeeAsset: opts.spotFeeAsset ?? 'received',
  };
}
