import type { TraceEvent } from '../sim/trace.ts';

/** A read of orders, trades, positions or balances that answered: what it could reveal. */
export interface AnsweredRead {
  venue: string;
  /** Trace seq of its request: it can reveal only what happened before it was sent. */
  sentSeq: number;
  /** Under a readLag fault, the moment the venue answered from (when it saw the read, less the lag). */
  answersFromMs: number | undefined;
}

/**
 * The trace's requests and the reads that answered, as the invariants about orders of unknown
 * outcome judge them (`noDoubleHedge`, and `exposure`'s allowance for such orders): an order is
 * resolved by a request of the `account` group (fetchOrder, fetchOpenOrders, fetchMyTrades,
 * fetchPositions, fetchBalance — every dialect's reads of orders, trades, positions and
 * balances, and nothing else) on its venue, sent after the order's outcome became unknown and
 * answered `ok`, when that answer reaches the policy; under readLag only if it answers from a
 * moment at or after the order. Feed it every trace event in order.
 */
export class AccountReads {
  private readonly requests = new Map<number, TraceEvent>();
  private readonly lags = new Map<number, { seenMs: number; lagMs: number }>();

  /** Records `e`; returns the read an `ok` answer to an `account` request completes, else undefined. */
  observe(e: TraceEvent): AnsweredRead | undefined {
    const reqId = typeof e['reqId'] === 'number' ? e['reqId'] : undefined;
    if (reqId === undefined) return undefined;
    if (e.type === 'request') {
      this.requests.set(reqId, e);
    } else if (e.type === 'fault.fired' && e['action'] === 'readLag') {
      this.lags.set(reqId, { seenMs: e.tMs, lagMs: Number(e['lagMs'] ?? 0) });
    } else if (e.type === 'response' && e['outcome'] === 'ok') {
      const read = this.requests.get(reqId);
      if (read === undefined || read['group'] !== 'account') return undefined;
      const lag = this.lags.get(reqId);
      return { venue: String(e.venue), sentSeq: read.seq, answersFromMs: lag === undefined ? undefined : lag.seenMs - lag.lagMs };
    }
    return undefined;
  }

  /** The request event of `reqId`, once observed. */
  request(reqId: number): TraceEvent | undefined {
    return this.requests.get(reqId);
  }
}

/** Whether `read` could reveal an order on `order.venue` whose outcome became unknown at trace seq `afterSeq`, virtual `atMs`. */
export function reveals(read: AnsweredRead, order: { venue: string; afterSeq: number; atMs: number }): boolean {
  return read.venue === order.venue && read.sentSeq >= order.afterSeq && (read.answersFromMs === undefined || read.answersFromMs >= order.atMs);
}
