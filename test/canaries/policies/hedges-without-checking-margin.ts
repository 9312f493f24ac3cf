import { classifyError } from '../../../src/redundancy/errors.ts';
import type { Policy, PolicyContext, PolicyVenue } from '../../../src/redundancy/policy.ts';

/**
 * Canary: puts the whole hedge on one venue without looking at that venue's margin.
 *
 * It hedges on the first venue in the scenario's order that is not resting, and fails over
 * correctly — but "the first venue that answers" is the only question it asks. The desk's venues
 * are not funded alike: the primary holds most of the collateral, a smaller account sits next in
 * line. During a primary outage the whole hedge lands on that small account; the venue accepts it
 * (its free margin covers the initial margin) and its margin use jumps past the desk's
 * `marginUsePctMax`, the headroom kept against liquidation on the next move → `marginUse`. A
 * venue with room (the third) was right there: splitting by free margin, as the reference's
 * router does, keeps every venue within the limit.
 *
 * Otherwise careful, so the search can only catch this mistake: it rests a failed venue (for its
 * Retry-After when it gave one), and after an order error reads that venue's position before
 * hedging again, so a lost acknowledgement is counted rather than hedged twice. A refusal
 * (insufficient margin) rests the venue like any error: the next one takes the hedge.
 */
const REST_MS_DEFAULT = 5000;

export default function createHedgesWithoutCheckingMarginPolicy(): Policy {
  const positions = new Map<string, number>();
  const restingUntil = new Map<string, number>();

  async function readPosition(venue: PolicyVenue): Promise<void> {
    const [position] = await venue.exchange.fetchPositions([venue.symbol]);
    const size = Number(position?.contracts ?? 0) * Number(position?.contractSize ?? 1);
    positions.set(venue.id, position?.side === 'short' ? -size : size);
  }

  function rest(ctx: PolicyContext, venue: PolicyVenue, error: unknown): void {
    const retryAfterSec = Number(venue.exchange.last_response_headers?.['Retry-After'] ?? venue.exchange.last_response_headers?.['retry-after']);
    const restMs = Number.isFinite(retryAfterSec) && retryAfterSec > 0 ? (retryAfterSec + 1) * 1000 : REST_MS_DEFAULT;
    restingUntil.set(venue.id, ctx.clock.now() + restMs);
    ctx.log(`${venue.id}: ${(error as Error).constructor.name}; resting it for ${restMs / 1000} s`, { venue: venue.id });
  }

  async function step(ctx: PolicyContext): Promise<void> {
    const net = ctx.inventoryBase() + [...positions.values()].reduce((a, b) => a + b, 0);
    if (Math.abs(net) <= ctx.limits.netBaseMax / 2) return;
    const target = ctx.venues.find((v) => ctx.clock.now() >= (restingUntil.get(v.id) ?? 0));
    if (target === undefined) return;
    const side = net > 0 ? 'sell' : 'buy';
    try {
      // The mistake on show: no balance read, no margin estimate — the whole net, here.
      const order = await target.exchange.createOrder(target.symbol, 'market', side, Math.abs(net));
      const filled = Number(order.filled ?? order.amount ?? 0);
      positions.set(target.id, (positions.get(target.id) ?? 0) + (side === 'buy' ? filled : -filled));
      ctx.log(`hedged ${side} ${filled} on ${target.id}`, { venue: target.id });
    } catch (error) {
      // The order may have executed: read the venue's truth before hedging again (never inside a Retry-After).
      const meaning = classifyError(error);
      if (meaning !== 'rateLimited' && meaning !== 'banned') await readPosition(target).catch(() => undefined);
      rest(ctx, target, error);
    }
  }

  return {
    name: 'canary-hedges-without-checking-margin',
    async start(ctx: PolicyContext) {
      await Promise.all(ctx.venues.map((v) => v.exchange.loadMarkets().catch(() => undefined)));
      void (async () => {
        while (!ctx.signal.aborted) {
          await step(ctx);
          await ctx.clock.sleep(1000);
        }
      })().catch(ctx.reportError);
    },
  };
}
