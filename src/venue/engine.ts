import * as D from './decimal.ts';
import type {
  AssetBalance,
  BookSnapshot,
  Fill,
  MarketSpec,
  Order,
  OrderRef,
  PlaceOrderRequest,
  Position,
  Ticker,
  VenueEngine,
  VenueEngineOptions,
  VenueEvent,
  VenueRejection,
  VenueResult,
} from './types.ts';

/**
 * The exchange-agnostic venue engine: one account on one venue, linear USDT-margined perps,
 * cross margin. Ground truth for the invariants. Pure and exact (bigint fixed-point); time is
 * passed in.
 *
 * Simplifications (documented, deliberate at this stage):
 * - the synthetic book is rebuilt around the mid on every request and never depleted by our own
 *   fills (the desk is small next to the market);
 * - resting limit orders fill completely, at their price, as maker, once the mid crosses them;
 * - client order ids must be unique among *open* orders (Binance USDⓈ-M's rule); a finished
 *   order's id can be reused, exactly as on the real venue;
 * - a reduce-only order larger than the position is rejected rather than clipped;
 * - the liquidation price is the cross-margin price at which margin balance meets maintenance
 *   margin, for the single position on the account.
 */

interface PositionState {
  size: D.Fixed;
  entry: D.Fixed;
  updatedMs: number;
}

interface OrderState {
  orderId: string;
  clientOrderId: string;
  market: MarketSpec;
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  timeInForce: 'GTC' | 'IOC' | 'FOK' | 'GTX';
  reduceOnly: boolean;
  price: D.Fixed | undefined;
  qty: D.Fixed;
  filled: D.Fixed;
  cumQuote: D.Fixed;
  status: Order['status'];
  createdMs: number;
  updatedMs: number;
}

interface Level {
  price: D.Fixed;
  qty: D.Fixed;
}

const BPS = 10_000n;

export function createVenueEngine(opts: VenueEngineOptions): VenueEngine {
  const markets = opts.markets.map((m) => ({ ...m }));
  const bySymbolOrId = new Map<string, MarketSpec>();
  for (const m of markets) {
    bySymbolOrId.set(m.symbol, m);
    bySymbolOrId.set(m.id, m);
  }
  const feeTakerBps = BigInt(Math.round((opts.feeTakerBps ?? 4) * 100));
  const feeMakerBps = BigInt(Math.round((opts.feeMakerBps ?? 2) * 100));
  const leverage = opts.leverage ?? 10;
  const mmr = D.fromNumber(opts.maintenanceMarginRate ?? 0.004);
  const book = {
    spreadBps: opts.book?.spreadBps ?? 1,
    levels: opts.book?.levels ?? 20,
    levelQty: D.parse(opts.book?.levelQty ?? '2'),
    levelStepBps: opts.book?.levelStepBps ?? 1,
  };

  const wallet = new Map<string, D.Fixed>();
  for (const [asset, amount] of Object.entries(opts.balances)) wallet.set(asset, D.parse(amount));
  const positions = new Map<string, PositionState>();
  const orders = new Map<string, OrderState>();
  const openByClientId = new Map<string, OrderState>();
  const lastByClientId = new Map<string, OrderState>();
  const fills = new Map<string, Fill[]>();
  const listeners: Array<(event: VenueEvent) => void> = [];
  let nextOrderId = 1;
  let nextTradeId = 1;

  const emit = (event: VenueEvent): void => {
    for (const listener of listeners) listener(event);
  };

  const mark = (m: MarketSpec, nowMs: number): D.Fixed => {
    const tick = D.parse(m.priceTick);
    const p = D.roundToStep(D.fromNumber(opts.midPrice(m.symbol, nowMs)), tick);
    return p > 0n ? p : tick;
  };

  for (const p of opts.positions ?? []) {
    const m = bySymbolOrId.get(p.symbol);
    if (m === undefined) throw new Error(`venuechaos bug: starting position in unknown symbol ${p.symbol}`);
    positions.set(m.symbol, { size: D.parse(p.size), entry: mark(m, 0), updatedMs: 0 });
  }

  function levels(m: MarketSpec, nowMs: number, depth: number): { bids: Level[]; asks: Level[] } {
    const tick = D.parse(m.priceTick);
    const mid = mark(m, nowMs);
    const half = (mid * BigInt(Math.round(book.spreadBps * 100))) / (2n * BPS * 100n);
    let bestBid = D.floorToStep(mid - half, tick);
    let bestAsk = D.floorToStep(mid + half, tick);
    if (bestAsk < mid + half) bestAsk += tick;
    if (bestAsk <= bestBid) bestAsk = bestBid + tick;
    if (bestBid <= 0n) bestBid = tick;
    let step = D.floorToStep((mid * BigInt(Math.round(book.levelStepBps * 100))) / (BPS * 100n), tick);
    if (step < tick) step = tick;
    const n = Math.min(depth, book.levels);
    const bids: Level[] = [];
    const asks: Level[] = [];
    for (let i = 0; i < n; i++) {
      const bid = bestBid - step * BigInt(i);
      if (bid > 0n) bids.push({ price: bid, qty: book.levelQty });
      asks.push({ price: bestAsk + step * BigInt(i), qty: book.levelQty });
    }
    return { bids, asks };
  }

  function positionOf(symbol: string): PositionState {
    let p = positions.get(symbol);
    if (p === undefined) {
      p = { size: 0n, entry: 0n, updatedMs: 0 };
      positions.set(symbol, p);
    }
    return p;
  }

  function unrealized(m: MarketSpec, p: PositionState, nowMs: number): D.Fixed {
    return p.size === 0n ? 0n : D.mul(p.size, mark(m, nowMs) - p.entry);
  }

  function openOrderMargin(settle: string): D.Fixed {
    let im = 0n;
    for (const o of openByClientId.values()) {
      if (o.market.settle !== settle || o.reduceOnly || o.price === undefined) continue;
      im += D.mul(o.qty - o.filled, o.price) / BigInt(leverage);
    }
    return im;
  }

  function accountFor(settle: string, nowMs: number) {
    let upnl = 0n;
    let im = 0n;
    let mm = 0n;
    for (const m of markets) {
      if (m.settle !== settle) continue;
      const p = positions.get(m.symbol);
      if (p === undefined || p.size === 0n) continue;
      const notional = D.abs(D.mul(p.size, mark(m, nowMs)));
      upnl += unrealized(m, p, nowMs);
      im += notional / BigInt(leverage);
      mm += D.mul(notional, mmr);
    }
    const w = wallet.get(settle) ?? 0n;
    const orderIm = openOrderMargin(settle);
    const marginBalance = w + upnl;
    return { wallet: w, upnl, im: im + orderIm, positionIm: im, mm, marginBalance, available: D.max(0n, marginBalance - im - orderIm) };
  }

  function reject(reason: VenueRejection, message: string): { ok: false; reason: VenueRejection; message: string } {
    return { ok: false, reason, message };
  }

  function snapshotOrder(o: OrderState): Order {
    return {
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      symbol: o.market.symbol,
      side: o.side,
      type: o.type,
      timeInForce: o.timeInForce,
      reduceOnly: o.reduceOnly,
      ...(o.price !== undefined ? { price: D.format(o.price) } : {}),
      qty: D.format(o.qty),
      filledQty: D.format(o.filled),
      avgPrice: o.filled === 0n ? '0' : D.format(D.roundToStep(D.div(o.cumQuote, o.filled), D.parse(o.market.priceTick) / 100n || 1n)),
      cumQuote: D.format(o.cumQuote),
      status: o.status,
      createdMs: o.createdMs,
      updatedMs: o.updatedMs,
    };
  }

  function positionView(m: MarketSpec, p: PositionState, nowMs: number): Position {
    const px = mark(m, nowMs);
    const notional = D.mul(p.size, px);
    const liq = liquidationPrice(m, p, nowMs);
    return {
      symbol: m.symbol,
      size: D.format(p.size),
      entryPrice: D.format(p.entry),
      markPrice: D.format(px),
      unrealizedPnl: D.format(unrealized(m, p, nowMs)),
      notional: D.format(notional),
      initialMargin: D.format(D.abs(notional) / BigInt(leverage)),
      maintenanceMargin: D.format(D.mul(D.abs(notional), mmr)),
      liquidationPrice: D.format(liq),
      leverage,
      updatedMs: p.updatedMs,
    };
  }

  function liquidationPrice(m: MarketSpec, p: PositionState, nowMs: number): D.Fixed {
    if (p.size === 0n) return 0n;
    // Cross margin, one position: wallet + size·(P − entry) = |size|·P·mmr, solved for P.
    const w = accountFor(m.settle, nowMs).wallet;
    const denom = p.size > 0n ? D.mul(p.size, D.ONE - mmr) : D.mul(p.size, D.ONE + mmr);
    const liq = D.div(D.mul(p.size, p.entry) - w, denom);
    return liq > 0n ? D.roundToStep(liq, D.parse(m.priceTick)) : 0n;
  }

  /** Applies one fill to the account: position, entry, realized PnL, fee. */
  function applyFill(o: OrderState, price: D.Fixed, qty: D.Fixed, maker: boolean, nowMs: number): void {
    const m = o.market;
    const p = positionOf(m.symbol);
    const delta = o.side === 'buy' ? qty : -qty;
    let realized = 0n;
    if (p.size === 0n || D.sign(p.size) === D.sign(delta)) {
      const total = D.abs(p.size) + qty;
      p.entry = D.div(D.mul(D.abs(p.size), p.entry) + D.mul(qty, price), total);
    } else {
      const closing = D.min(qty, D.abs(p.size));
      realized = D.mul(D.mul(closing, price - p.entry), p.size > 0n ? D.ONE : -D.ONE);
      if (qty > D.abs(p.size)) p.entry = price;
    }
    p.size += delta;
    if (p.size === 0n) p.entry = 0n;
    p.updatedMs = nowMs;
    const quote = D.mul(qty, price);
    const fee = (quote * (maker ? feeMakerBps : feeTakerBps)) / (BPS * 100n);
    wallet.set(m.settle, (wallet.get(m.settle) ?? 0n) + realized - fee);
    o.filled += qty;
    o.cumQuote += quote;
    o.updatedMs = nowMs;
    const fill: Fill = {
      tradeId: String(nextTradeId++),
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      symbol: m.symbol,
      side: o.side,
      price: D.format(price),
      qty: D.format(qty),
      quoteQty: D.format(quote),
      fee: D.format(fee),
      feeAsset: m.settle,
      maker,
      realizedPnl: D.format(realized),
      timeMs: nowMs,
    };
    const list = fills.get(m.symbol) ?? [];
    list.push(fill);
    fills.set(m.symbol, list);
    emit({ type: 'fill', fill });
  }

  function finish(o: OrderState, status: Order['status'], nowMs: number): void {
    o.status = status;
    o.updatedMs = nowMs;
    if (status !== 'new' && status !== 'partiallyFilled') openByClientId.delete(o.clientOrderId);
  }

  /** Takes liquidity from the synthetic book up to qty (and the limit price, if any). */
  function take(o: OrderState, nowMs: number, dryRun: boolean): D.Fixed {
    const side = levels(o.market, nowMs, book.levels);
    const ladder = o.side === 'buy' ? side.asks : side.bids;
    let remaining = o.qty - o.filled;
    let taken = 0n;
    for (const level of ladder) {
      if (remaining === 0n) break;
      if (o.price !== undefined && (o.side === 'buy' ? level.price > o.price : level.price < o.price)) break;
      const q = D.min(remaining, level.qty);
      if (!dryRun) applyFill(o, level.price, q, false, nowMs);
      remaining -= q;
      taken += q;
    }
    return taken;
  }

  function wouldIncrease(m: MarketSpec, side: 'buy' | 'sell', qty: D.Fixed): D.Fixed {
    const size = positions.get(m.symbol)?.size ?? 0n;
    const after = size + (side === 'buy' ? qty : -qty);
    return D.max(0n, D.abs(after) - D.abs(size));
  }

  const engine: VenueEngine = {
    venueId: opts.venueId,
    markets,
    market: (symbolOrId) => bySymbolOrId.get(symbolOrId),

    placeOrder(req: PlaceOrderRequest): VenueResult<Order> {
      const m = bySymbolOrId.get(req.symbol);
      if (m === undefined) return reject('unknownSymbol', `unknown symbol ${req.symbol}`);
      if (openByClientId.has(req.clientOrderId)) return reject('duplicateClientOrderId', `client order id ${req.clientOrderId} is already used by an open order`);
      let qty: D.Fixed;
      let price: D.Fixed | undefined;
      try {
        qty = D.parse(req.qty);
        price = req.price !== undefined ? D.parse(req.price) : undefined;
      } catch {
        return reject('invalidQuantity', `quantity or price is not a decimal: ${req.qty} @ ${req.price}`);
      }
      const step = D.parse(m.qtyStep);
      if (qty <= 0n || !D.isMultiple(qty, step) || qty < D.parse(m.qtyMin) || qty > D.parse(m.qtyMax)) {
        return reject('invalidQuantity', `quantity ${req.qty} must be a multiple of ${m.qtyStep} between ${m.qtyMin} and ${m.qtyMax}`);
      }
      if (req.type === 'limit' && (price === undefined || price <= 0n || !D.isMultiple(price, D.parse(m.priceTick)))) {
        return reject('invalidPrice', `limit price ${req.price} must be a positive multiple of ${m.priceTick}`);
      }
      const reduceOnly = req.reduceOnly ?? false;
      const size = positions.get(m.symbol)?.size ?? 0n;
      if (reduceOnly) {
        const reduces = size !== 0n && (req.side === 'buy' ? size < 0n : size > 0n);
        if (!reduces || qty > D.abs(size)) return reject('reduceOnlyRejected', `reduce-only ${req.side} ${req.qty} does not reduce the position ${D.format(size)}`);
      }
      const ref = req.type === 'limit' && price !== undefined ? price : mark(m, req.nowMs);
      if (!reduceOnly && D.mul(qty, ref) < D.parse(m.notionalMin)) {
        return reject('notionalTooSmall', `order notional ${D.format(D.mul(qty, ref))} is below the minimum ${m.notionalMin}`);
      }
      const increase = wouldIncrease(m, req.side, qty);
      if (!reduceOnly && increase > 0n) {
        const acct = accountFor(m.settle, req.nowMs);
        const needed = D.mul(increase, ref) / BigInt(leverage);
        if (needed > acct.available) {
          return reject('insufficientMargin', `initial margin ${D.format(needed)} ${m.settle} needed, ${D.format(acct.available)} available`);
        }
      }
      const o: OrderState = {
        orderId: String(nextOrderId++),
        clientOrderId: req.clientOrderId,
        market: m,
        side: req.side,
        type: req.type,
        timeInForce: req.type === 'market' ? 'IOC' : (req.timeInForce ?? 'GTC'),
        reduceOnly,
        price: req.type === 'limit' ? price : undefined,
        qty,
        filled: 0n,
        cumQuote: 0n,
        status: 'new',
        createdMs: req.nowMs,
        updatedMs: req.nowMs,
      };
      if (o.timeInForce === 'GTX' && take(o, req.nowMs, true) > 0n) {
        return reject('postOnlyWouldTake', `post-only ${req.side} at ${req.price} would take liquidity`);
      }
      if (o.timeInForce === 'FOK' && take(o, req.nowMs, true) < qty) {
        orders.set(o.orderId, o);
        lastByClientId.set(o.clientOrderId, o);
        finish(o, 'expired', req.nowMs);
        emit({ type: 'order', order: snapshotOrder(o) });
        return { ok: true, value: snapshotOrder(o) };
      }
      orders.set(o.orderId, o);
      lastByClientId.set(o.clientOrderId, o);
      openByClientId.set(o.clientOrderId, o);
      const before = positions.get(m.symbol)?.size;
      if (o.timeInForce !== 'GTX') take(o, req.nowMs, false);
      if (o.filled === o.qty) finish(o, 'filled', req.nowMs);
      else if (o.timeInForce === 'IOC' || o.timeInForce === 'FOK') finish(o, o.filled > 0n ? 'expired' : 'expired', req.nowMs);
      else o.status = o.filled > 0n ? 'partiallyFilled' : 'new';
      emit({ type: 'order', order: snapshotOrder(o) });
      const p = positions.get(m.symbol);
      if (p !== undefined && p.size !== before) emit({ type: 'position', position: positionView(m, p, req.nowMs) });
      return { ok: true, value: snapshotOrder(o) };
    },

    cancelOrder(ref: OrderRef & { nowMs: number }): VenueResult<Order> {
      const o = find(ref);
      if (o === undefined) return reject('orderNotFound', 'order does not exist');
      if (o.status !== 'new' && o.status !== 'partiallyFilled') return reject('orderNotCancelable', `order ${o.orderId} is ${o.status}`);
      finish(o, 'canceled', ref.nowMs);
      emit({ type: 'order', order: snapshotOrder(o) });
      return { ok: true, value: snapshotOrder(o) };
    },

    getOrder(ref: OrderRef): Order | undefined {
      const o = find(ref);
      return o === undefined ? undefined : snapshotOrder(o);
    },

    openOrders(symbol?: string): Order[] {
      const m = symbol === undefined ? undefined : bySymbolOrId.get(symbol);
      return [...openByClientId.values()]
        .filter((o) => m === undefined || o.market === m)
        .sort((a, b) => Number(a.orderId) - Number(b.orderId))
        .map(snapshotOrder);
    },

    trades(symbol: string, q = {}): Fill[] {
      const m = bySymbolOrId.get(symbol);
      if (m === undefined) return [];
      let list = (fills.get(m.symbol) ?? []).filter((f) => (q.sinceMs === undefined || f.timeMs >= q.sinceMs) && (q.orderId === undefined || f.orderId === q.orderId));
      if (q.limit !== undefined && list.length > q.limit) list = list.slice(list.length - q.limit);
      return list.map((f) => ({ ...f }));
    },

    positions(nowMs: number): Position[] {
      return markets.map((m) => positionView(m, positions.get(m.symbol) ?? { size: 0n, entry: 0n, updatedMs: 0 }, nowMs));
    },

    balances(nowMs: number): AssetBalance[] {
      const assets = new Set([...wallet.keys(), ...markets.map((m) => m.settle)]);
      return [...assets].sort().map((asset) => {
        const a = accountFor(asset, nowMs);
        return {
          asset,
          wallet: D.format(a.wallet),
          unrealizedPnl: D.format(a.upnl),
          marginBalance: D.format(a.marginBalance),
          initialMargin: D.format(a.im),
          maintenanceMargin: D.format(a.mm),
          available: D.format(a.available),
          updatedMs: nowMs,
        };
      });
    },

    book(symbol: string, nowMs: number, depth: number): BookSnapshot {
      const m = bySymbolOrId.get(symbol);
      if (m === undefined) return { symbol, bids: [], asks: [], timeMs: nowMs };
      const l = levels(m, nowMs, depth);
      const fmt = (x: Level): [string, string] => [D.format(x.price), D.format(x.qty)];
      return { symbol: m.symbol, bids: l.bids.map(fmt), asks: l.asks.map(fmt), timeMs: nowMs };
    },

    ticker(symbol: string, nowMs: number): Ticker {
      const m = bySymbolOrId.get(symbol) ?? markets[0];
      if (m === undefined) throw new Error('venuechaos bug: ticker on an engine without markets');
      const l = levels(m, nowMs, 1);
      const samples: D.Fixed[] = [];
      for (let h = 24; h >= 0; h--) samples.push(mark(m, Math.max(0, nowMs - h * 3_600_000)));
      let volumeBase = 0n;
      let volumeQuote = 0n;
      for (const f of fills.get(m.symbol) ?? []) {
        if (f.timeMs > nowMs - 86_400_000) {
          volumeBase += D.parse(f.qty);
          volumeQuote += D.parse(f.quoteQty);
        }
      }
      const last = mark(m, nowMs);
      return {
        symbol: m.symbol,
        last: D.format(last),
        bid: D.format(l.bids[0]?.price ?? last),
        ask: D.format(l.asks[0]?.price ?? last),
        bidQty: D.format(l.bids[0]?.qty ?? 0n),
        askQty: D.format(l.asks[0]?.qty ?? 0n),
        open: D.format(samples[0] ?? last),
        high: D.format(samples.reduce(D.max, last)),
        low: D.format(samples.reduce(D.min, last)),
        volumeBase: D.format(volumeBase),
        volumeQuote: D.format(volumeQuote),
        timeMs: nowMs,
      };
    },

    tick(nowMs: number): void {
      for (const o of [...openByClientId.values()]) {
        if (o.price === undefined) continue;
        const mid = mark(o.market, nowMs);
        const crosses = o.side === 'buy' ? mid <= o.price : mid >= o.price;
        if (!crosses) continue;
        const before = positions.get(o.market.symbol)?.size;
        applyFill(o, o.price, o.qty - o.filled, true, nowMs);
        finish(o, 'filled', nowMs);
        emit({ type: 'order', order: snapshotOrder(o) });
        const p = positionOf(o.market.symbol);
        if (p.size !== before) emit({ type: 'position', position: positionView(o.market, p, nowMs) });
      }
      for (const m of markets) {
        const p = positions.get(m.symbol);
        if (p === undefined || p.size === 0n) continue;
        const acct = accountFor(m.settle, nowMs);
        if (acct.marginBalance >= acct.mm) continue;
        const px = mark(m, nowMs);
        const size = p.size;
        const realized = D.mul(size, px - p.entry);
        wallet.set(m.settle, (wallet.get(m.settle) ?? 0n) + realized);
        p.size = 0n;
        p.entry = 0n;
        p.updatedMs = nowMs;
        emit({ type: 'liquidation', symbol: m.symbol, size: D.format(size), price: D.format(px), timeMs: nowMs });
        emit({ type: 'position', position: positionView(m, p, nowMs) });
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

  function find(ref: OrderRef): OrderState | undefined {
    const m = bySymbolOrId.get(ref.symbol);
    const o = ref.orderId !== undefined ? orders.get(ref.orderId) : ref.clientOrderId !== undefined ? lastByClientId.get(ref.clientOrderId) : undefined;
    if (o === undefined || (m !== undefined && o.market !== m)) return undefined;
    return o;
  }

  return engine;
}
