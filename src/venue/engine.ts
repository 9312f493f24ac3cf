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
 * USDT-margined perpetuals in cross margin. Its state is the ground truth the invariants check,
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
 *   at 12 digits. Fees: half up at 12 digits. Margins: half even at 12 digits.
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
    const state = marketState(m);
    specs.set(m.symbol, state);
    specs.set(m.id, state);
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

  function account(settle: string, nowMs: number) {
    let unrealized = 0n;
    let positionIm = 0n;
    let mm = 0n;
    for (const s of uniqueStates()) {
      if (s.spec.settle !== settle) continue;
      const p = positionsBySymbol.get(s.spec.symbol);
      if (p === undefined || p.size === 0n) continue;
      const f = positionFigures(s, p, nowMs);
      unrealized += f.unrealized;
      positionIm += f.initialMargin;
      mm += f.maintenanceMargin;
    }
    let orderIm = 0n;
    for (const o of openOrders.values()) {
      if (o.spec.spec.settle !== settle || o.reduceOnly || o.price === undefined) continue;
      orderIm += D.div(D.mul(o.qty - o.filled, o.price), config.leverage);
    }
    const w = wallet.get(settle) ?? 0n;
    const marginBalance = w + unrealized;
    const im = positionIm + orderIm;
    return { wallet: w, unrealized, marginBalance, im, mm, available: D.max(0n, marginBalance - im) };
  }

  function liquidationPrice(s: MarketState, p: PositionState, nowMs: number): D.Fixed {
    if (p.size === 0n) return 0n;
    let others = wallet.get(s.spec.settle) ?? 0n;
    for (const o of uniqueStates()) {
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

  /** Books one fill: position (entry, size), realized PnL and fee into the wallet, the order's totals. */
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
    o.filled += qty;
    o.cumQuote += quote;
    o.updatedMs = nowMs;
    const fill: Fill = {
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
    };
    let list = fillsBySymbol.get(s.spec.symbol);
    if (list === undefined) fillsBySymbol.set(s.spec.symbol, (list = []));
    list.push(fill);
    emit({ type: 'fill', fill });
    emit({ type: 'position', position: positionView(s, p, nowMs) });
  }

  function fee(quote: D.Fixed, bps: D.Fixed): D.Fixed {
    return D.mulRatio(quote, bps, BPS_DENOMINATOR, 'halfUp');
  }

  function takeFills(o: OrderState, levels: readonly Level[], nowMs: number): void {
    for (const level of levels) applyFill(o, level.price, level.qty, fee(D.mul(level.qty, level.price), config.feeTakerBps), false, nowMs);
  }

  function setStatus(o: OrderState, status: OrderStatus, nowMs: number): void {
    if (o.status === status) return;
    o.status = status;
    o.updatedMs = nowMs;
    if (status === 'new' || status === 'partiallyFilled') openOrders.set(o.orderId, o);
    else openOrders.delete(o.orderId);
    emit({ type: 'order', order: orderView(o) });
  }

  function newOrder(fields: Omit<OrderState, 'orderId' | 'filled' | 'cumQuote' | 'status' | 'updatedMs'>): OrderState {
    const o: OrderState = { ...fields, orderId: String(++orderIdLast), filled: 0n, cumQuote: 0n, status: 'new', updatedMs: fields.createdMs };
    ordersById.set(o.orderId, o);
    // Latest order wins a lookup by client order id (ids may repeat once finished, see clientOrderIdScope).
    ordersByClientId.set(o.clientOrderId, o);
    openOrders.set(o.orderId, o);
    emit({ type: 'order', order: orderView(o) });
    return o;
  }

  function validate(req: PlaceOrderRequest): { ok: true; value: Validated } | Rejected {
    const s = specs.get(req.symbol);
    if (s === undefined) return reject('unknownSymbol', `unknown symbol ${req.symbol}`);
    const previous = ordersByClientId.get(req.clientOrderId);
    if (previous !== undefined && (clientOrderIdScope === 'all' || openOrders.has(previous.orderId))) {
      return reject('duplicateClientOrderId', `client order id "${req.clientOrderId}" is already used by ${clientOrderIdScope === 'all' ? 'an order' : 'an open order'} on venue ${opts.venueId}`);
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
    const timeInForce: TimeInForce = req.type === 'market' ? 'IOC' : (req.timeInForce ?? 'GTC');
    return { ok: true, value: { s, qty, price, reduceOnly, timeInForce } };
  }

  function liquidate(settle: string, nowMs: number): void {
    const victims = uniqueStates().filter((s) => s.spec.settle === settle && sizeOf(s.spec.symbol) !== 0n);
    for (const s of victims) {
      for (const o of [...openOrders.values()]) if (o.spec === s) setStatus(o, 'canceled', nowMs);
    }
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
      if (timeInForce === 'GTX' && takeQty > 0n) {
        return reject('postOnlyWouldTake', `post-only ${req.side} at ${req.price ?? '?'} would take liquidity`);
      }
      const o = newOrder({ clientOrderId: req.clientOrderId, spec: s, side: req.side, type: req.type, timeInForce, reduceOnly, price, qty, createdMs: req.nowMs });
      if (timeInForce === 'FOK' && takeQty < qty) {
        setStatus(o, 'expired', req.nowMs);
        return { ok: true, value: orderView(o) };
      }
      takeFills(o, takes, req.nowMs);
      if (o.filled === o.qty) setStatus(o, 'filled', req.nowMs);
      else if (timeInForce === 'IOC' || timeInForce === 'FOK') setStatus(o, 'expired', req.nowMs);
      else if (o.filled > 0n) setStatus(o, 'partiallyFilled', req.nowMs);
      return { ok: true, value: orderView(o) };
    },

    cancelOrder(ref: OrderRef & { nowMs: number }): VenueResult<Order> {
      const o = find(ref);
      if (o === undefined) return reject('orderNotFound', `no order ${ref.orderId ?? ref.clientOrderId ?? '(no id given)'} in ${ref.symbol}`);
      if (!openOrders.has(o.orderId)) return reject('orderNotCancelable', `order ${o.orderId} is ${o.status}`);
      setStatus(o, 'canceled', ref.nowMs);
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
      return uniqueStates().map((s) => positionView(s, positionsBySymbol.get(s.spec.symbol) ?? { size: 0n, entry: 0n, updatedMs: 0 }, nowMs));
    },

    balances(nowMs: number): AssetBalance[] {
      const assets = [...new Set([...wallet.keys(), ...markets.map((m) => m.settle)])].sort();
      return assets.map((asset) => {
        const a = account(asset, nowMs);
        return {
          asset,
          wallet: D.format(a.wallet),
          unrealizedPnl: D.format(a.unrealized),
          marginBalance: D.format(a.marginBalance),
          initialMargin: D.format(a.im),
          maintenanceMargin: D.format(a.mm),
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
        if (o.reduceOnly && !reduces(sizeOf(o.spec.spec.symbol), o.side, remaining)) {
          setStatus(o, 'expired', nowMs);
          continue;
        }
        applyFill(o, o.price, remaining, fee(D.mul(remaining, o.price), config.feeMakerBps), true, nowMs);
        setStatus(o, 'filled', nowMs);
      }
      const settles = [...new Set(markets.map((m) => m.settle))];
      for (const settle of settles) {
        const a = account(settle, nowMs);
        const exposed = markets.some((m) => m.settle === settle && sizeOf(m.symbol) !== 0n);
        if (exposed && a.marginBalance < a.mm) liquidate(settle, nowMs);
      }
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

function reject(reason: VenueRejection, message: string): Rejected {
  return { ok: false, reason, message };
}

/** True when a `side` order of `qty` shrinks the position `size` without crossing zero. */
function reduces(size: D.Fixed, side: Side, qty: D.Fixed): boolean {
  const opposite = side === 'buy' ? size < 0n : size > 0n;
  return opposite && qty <= D.abs(size);
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
  };
}
