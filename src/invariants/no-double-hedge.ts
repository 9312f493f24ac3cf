import type { TraceEvent } from '../sim/trace.ts';
import { holdingsSteps, type HoldingsStep } from './holdings.ts';
import { AccountReads, reveals } from './lookups.ts';
import { atSec, result, type Invariant, type InvariantInput, type Violation } from './types.ts';
import { toUnits } from './units.ts';

/**
 * An order of unknown outcome is resolved before its quantity is hedged again, on ground truth.
 *
 * The fault: a venue executes an order placement and its acknowledgement is lost (`fault.ackLost`,
 * the ackLoss fault: the client sees a timeout or "status unknown"). The order is in the venue's
 * books; a policy that takes "no answer" for "not executed" and sends the hedge again has hedged
 * the same quantity twice. Precisely:
 *
 * - An *unknown order* opens at the `fault.ackLost` event, with the direction its `request` event
 *   states (`side`, recorded by the transport for every order placement) — if the venue took
 *   the order: its engine booked it (a `venue.order` between the request and the loss) and it
 *   did not end at once with nothing filled. A lost answer to a refusal (a maintenance phase, a
 *   margin check) leaves nothing to hedge twice.
 * - It is *resolved* by the first read on the lost order's venue that could reveal it: a request
 *   of the `account` group (fetchOrder, fetchOpenOrders, fetchMyTrades, fetchPositions,
 *   fetchBalance — every dialect's reads of orders, trades, positions and balances, and nothing
 *   else) that was sent after the ack was lost and answered `ok`, resolved when that answer
 *   reaches the policy (its `response` event). Under a readLag fault the read answers from the
 *   past: it reveals the order only if the moment it answers from (when the venue saw it, less
 *   the lag) is at or after the moment the order executed. A read sent before the ack was lost,
 *   one that failed, one on another venue, or a status or market-data request resolves nothing.
 * - A *violation* is an order placement (a `request` with `orderCount` > 0) in the same
 *   direction, on any venue — the lost order's or another — sent while an unknown order in that
 *   direction is open, that trades the lost quantity again: the venue booked more than the
 *   exposure left in that direction on ground truth (which counts the lost fill), by at least half
 *   the lost fill (`tradesLostQuantityAgain`). The other leg of a split hedge, or a hedge of a new
 *   client trade, fits in what is left and is not counted; neither is a placement in the other
 *   direction (the desk's exposure changed sides).
 *
 * Strict on purpose: a policy that gives up waiting and hedges elsewhere "assuming it did not
 * execute" breaks it every time an ack-lost order was taken by the venue. A placement whose
 * request states no direction is not counted (the venue rejects it). The violation names the
 * placement, the lost order (and what it filled, from the venue engine's order events) and how
 * long it had been unresolved.
 */
export const noDoubleHedgeInvariant: Invariant = {
  name: 'noDoubleHedge',
  description: 'no order placement in the direction of an order whose ack was lost, before a read on its venue could reveal it',
  check(input: InvariantInput) {
    const reads = new AccountReads();
    const open: Unknown[] = [];
    const violations: Violation[] = [];
    const trace = input.trace.filter((e) => e.tMs <= input.durationMs);
    const steps = holdingsSteps({ trace, ...(input.baseAsset !== undefined ? { baseAsset: input.baseAsset } : {}) });
    for (const [i, event] of trace.entries()) {
      const read = reads.observe(event);
      const reqId = typeof event['reqId'] === 'number' ? event['reqId'] : undefined;
      if (read !== undefined) {
        for (const u of [...open]) if (reveals(read, { venue: u.venue, afterSeq: u.lostAtSeq, atMs: u.lostAtMs })) open.splice(open.indexOf(u), 1);
      } else if (event.type === 'request' && reqId !== undefined) {
        if (Number(event['orderCount'] ?? 0) > 0 && (event['side'] === 'buy' || event['side'] === 'sell')) {
          const lost = open.find((u) => u.side === event['side']);
          if (lost !== undefined && tradesLostQuantityAgain(event, i, lost, trace, steps)) violations.push(violationOf(event, lost, trace));
        }
      } else if (event.type === 'fault.ackLost' && reqId !== undefined) {
        const placed = reads.request(reqId);
        const side = placed?.['side'];
        if (placed === undefined || (side !== 'buy' && side !== 'sell')) continue;
        const unknown: Unknown = { venue: String(event.venue), side, reqId, lostAtMs: event.tMs, lostAtSeq: event.seq, index: i, endpoint: String(placed['endpoint']) };
        // Only an order the venue took can be hedged twice: a lost answer to a refusal (a
        // maintenance phase, a margin check — Bybit refuses with HTTP 200, so not by status)
        // booked nothing, and neither did one that ended at once with nothing filled.
        const order = lostOrder(unknown, trace);
        if (order === undefined || ((order.status === 'rejected' || order.status === 'expired' || order.status === 'canceled') && Number(order.filledQty) === 0)) continue;
        open.push(unknown);
      }
    }
    return result('noDoubleHedge', violations);
  },
};

/**
 * Whether a placement made while `lost` is unresolved trades its quantity again, on ground truth:
 * the placement (as the venue booked it) is larger than the exposure left in its direction — the
 * desk's true net just before it, which already counts the lost order's fill — by at least half
 * the lost order's filled quantity. A placement for the rest of a split hedge, or for a new client
 * trade, fits in what is left and is not a double hedge; one that never reached the venue cannot
 * be. (Half, not any excess: sizes are rounded to each venue's step.)
 */
function tradesLostQuantityAgain(placement: TraceEvent, index: number, lost: Unknown, trace: readonly TraceEvent[], steps: readonly HoldingsStep[]): boolean {
  let booked: TraceEvent | undefined;
  for (let j = index + 1; j < trace.length; j++) {
    const e = trace[j]!;
    if (e.type === 'response' && e['reqId'] === placement['reqId']) break;
    if (e.type === 'venue.order' && e.venue === placement.venue && e['side'] === placement['side']) {
      booked = e;
      break;
    }
  }
  if (booked === undefined) return false;
  const lostOrderNow = lostOrder(lost, trace);
  const lostFilled = toUnits(lostOrderNow?.filledQty ?? '0');
  const before = steps.filter((s) => s.tMs <= placement.tMs).at(-1);
  const net = before?.net ?? 0n;
  const left = placement['side'] === 'sell' ? (net > 0n ? net : 0n) : net < 0n ? -net : 0n;
  const excess = toUnits(String(booked['qty'])) - left;
  return excess > 0n && 2n * excess >= lostFilled;
}

interface Unknown {
  venue: string;
  side: 'buy' | 'sell';
  reqId: number;
  lostAtMs: number;
  lostAtSeq: number;
  /** Index of the `fault.ackLost` event in the trace. */
  index: number;
  endpoint: string;
}

function violationOf(placement: TraceEvent, lost: Unknown, trace: readonly TraceEvent[]): Violation {
  const order = lostOrder(lost, trace);
  const what = order === undefined ? '' : ` (${order.side} ${order.qty}, ${order.status === 'filled' ? 'filled' : `${order.status} with ${order.filledQty} filled`})`;
  return {
    tMs: placement.tMs,
    venue: placement.venue,
    ...(order !== undefined ? { excess: Number(order.filledQty) } : {}),
    message:
      `${placement.venue}: ${lost.side} order placed at ${atSec(placement.tMs)} (${String(placement['endpoint'])}) while the ${lost.side} order on ${lost.venue} ` +
      `whose acknowledgement was lost at ${atSec(lost.lostAtMs)}${what} was unresolved for ${((placement.tMs - lost.lostAtMs) / 1000).toFixed(3)} s: ` +
      `no read of orders, trades, positions or balances on ${lost.venue} sent after the loss had answered yet, so its quantity may be hedged twice`,
  };
}

/**
 * The lost order as the venue engine booked it: its last `venue.order` event on the venue in the
 * direction of the lost request, between that request and the lost ack (the engine acts while the
 * transport waits for the mock's answer). For the message only.
 */
function lostOrder(lost: Unknown, trace: readonly TraceEvent[]): { side: string; qty: string; filledQty: string; status: string } | undefined {
  for (let i = lost.index - 1; i >= 0; i--) {
    const e = trace[i];
    if (e === undefined) break;
    if (e.type === 'request' && e['reqId'] === lost.reqId) return undefined;
    if (e.type === 'venue.order' && e.venue === lost.venue && e['side'] === lost.side) {
      return { side: String(e['side']), qty: String(e['qty']), filledQty: String(e['filledQty']), status: String(e['status']) };
    }
  }
  return undefined;
}
