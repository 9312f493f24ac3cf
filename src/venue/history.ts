import type { AssetBalance, Fill, Order, OrderRef, Position, VenueEngine } from './types.ts';

/**
 * The account reads a venue serves: positions, balances, orders, trades. A dialect reads through
 * an `AccountView` so a venue can answer from the past — eventual consistency after a write
 * (the readLag fault) — without the engine itself knowing about faults.
 */
export type AccountView = Pick<VenueEngine, 'positions' | 'balances' | 'openOrders' | 'getOrder' | 'trades'>;

export interface AccountHistory {
  /** The account as it was at `asOfMs` (positions, balances, orders and trades no newer than that). */
  asOf(asOfMs: number): AccountView;
}

interface Stamped<T> {
  tMs: number;
  value: T;
}

/**
 * Records every ground-truth change of an engine (its events) so that reads can be answered as of
 * an earlier time. Subscribe before the venue trades: what happened before is the starting state.
 *
 * Balances are snapshotted whole at each change: on a `position` event (perp fills) and on a
 * `balance` event (spot fills, and spot orders reserving or releasing funds), so a lagging read
 * sees spot holdings and their `locked` part as they were. Several changes at one instant keep
 * one snapshot, the last.
 */
export function createAccountHistory(engine: VenueEngine, startMs: number): AccountHistory {
  const orders = new Map<string, Array<Stamped<Order>>>();
  const positions = new Map<string, Array<Stamped<Position>>>();
  const balances: Array<Stamped<AssetBalance[]>> = [{ tMs: -Infinity, value: engine.balances(startMs) }];
  for (const p of engine.positions(startMs)) positions.set(p.symbol, [{ tMs: -Infinity, value: p }]);
  const snapshotBalances = (tMs: number): void => {
    const value = engine.balances(tMs);
    const last = balances[balances.length - 1];
    if (last !== undefined && last.tMs === tMs) last.value = value;
    else balances.push({ tMs, value });
  };

  engine.onEvent((event) => {
    switch (event.type) {
      case 'order': {
        const list = orders.get(event.order.orderId) ?? [];
        list.push({ tMs: event.order.updatedMs, value: event.order });
        orders.set(event.order.orderId, list);
        return;
      }
      case 'position': {
        const list = positions.get(event.position.symbol) ?? [];
        list.push({ tMs: event.position.updatedMs, value: event.position });
        positions.set(event.position.symbol, list);
        snapshotBalances(event.position.updatedMs);
        return;
      }
      case 'balance':
        snapshotBalances(event.balance.updatedMs);
        return;
      default:
        return;
    }
  });

  const latest = <T>(list: ReadonlyArray<Stamped<T>> | undefined, asOfMs: number): T | undefined => {
    if (list === undefined) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const entry = list[i];
      if (entry !== undefined && entry.tMs <= asOfMs) return entry.value;
    }
    return undefined;
  };

  const ordersAsOf = (asOfMs: number): Order[] => {
    const out: Order[] = [];
    for (const list of orders.values()) {
      const o = latest(list, asOfMs);
      if (o !== undefined) out.push(o);
    }
    return out.sort((a, b) => Number(a.orderId) - Number(b.orderId));
  };

  return {
    asOf(asOfMs: number): AccountView {
      return {
        positions: (nowMs) => engine.positions(nowMs).map((p) => latest(positions.get(p.symbol), asOfMs) ?? { ...p, size: '0', entryPrice: '0', unrealizedPnl: '0', notional: '0', initialMargin: '0', maintenanceMargin: '0', liquidationPrice: '0' }),
        balances: () => latest(balances, asOfMs) ?? [],
        openOrders: (symbol) => ordersAsOf(asOfMs).filter((o) => (o.status === 'new' || o.status === 'partiallyFilled') && (symbol === undefined || o.symbol === symbol || engine.market(symbol)?.symbol === o.symbol)),
        getOrder: (ref: OrderRef) => {
          if (ref.orderId !== undefined) return latest(orders.get(ref.orderId), asOfMs);
          // By client order id: the newest order with it that the lagging view already knows.
          const known = ordersAsOf(asOfMs).filter((o) => o.clientOrderId === ref.clientOrderId);
          return known.at(-1);
        },
        trades: (symbol, opts = {}) => {
          const { limit, ...rest } = opts;
          const known = engine.trades(symbol, rest).filter((f: Fill) => f.timeMs <= asOfMs);
          if (limit === undefined || known.length <= limit) return known;
          return rest.sinceMs !== undefined ? known.slice(0, limit) : known.slice(known.length - limit);
        },
      };
    },
  };
}
