import { classifyError } from '../../../src/redundancy/errors.ts';
import type { Policy, PolicyContext, PolicyVenue } from '../../../src/redundancy/policy.ts';

/**
 * Canary: prices its hedges from the venue's own ticker and never asks how old that price is.
 *
 * To cap slippage it hedges with IOC limit orders at the ticker's last price ± 50 bps — a common
 * desk habit (a market order in a thin book can fill anywhere), and a guard wide enough that a
 * fresh price always fills. An IOC that expires unfilled
 * is not an error, so it neither fails over nor doubts the price: "the market ran away, it will
 * come back", and it tries again next second at what the ticker says — the same price. When the
 * venue's market data freezes (`staleData`: a stuck cache keeps answering 200 with the old
 * snapshot) and the true price moves away, every IOC misses although the venue would take the
 * hedge at the real price: exposure stays over the limit → `exposure`.
 *
 * Otherwise careful, so the search can only catch this mistake: on an error it fails over to the
 * next venue and rests the failed one (for its Retry-After when it gave one), and after an order
 * error it reads that venue's position before hedging again, so a lost acknowledgement is counted
 * rather than hedged twice. It keeps its positions from its own fills between those reads: it
 * costs requests only when it hedges.
 */
const SLIPPAGE_BPS_MAX = 50;
const REST_MS_DEFAULT = 5000;

export default function createTrustsStalePricePolicy(): Policy {
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
    const qty = Math.abs(net);
    try {
      // The mistake on show: the ticker carries its own timestamp, and it is never looked at.
      const ticker = await target.exchange.fetchTicker(target.symbol);
      const last = Number(ticker.last);
      const price = side === 'sell' ? last * (1 - SLIPPAGE_BPS_MAX / 10_000) : last * (1 + SLIPPAGE_BPS_MAX / 10_000);
      const order = await target.exchange.createOrder(target.symbol, 'limit', side, qty, price, { timeInForce: 'IOC' });
      const filled = Number(order.filled ?? 0);
      positions.set(target.id, (positions.get(target.id) ?? 0) + (side === 'buy' ? filled : -filled));
      if (filled < qty) ctx.log(`${target.id}: IOC ${side} ${qty} at ${price} filled ${filled}; the price will come back, trying again next second`, { venue: target.id });
    } catch (error) {
      // The order may have executed: read the venue's truth before hedging again (never inside a Retry-After).
      const meaning = classifyError(error);
      if (meaning !== 'rateLimited' && meaning !== 'banned') await readPosition(target).catch(() => undefined);
      rest(ctx, target, error);
    }
  }

  return {
    name: 'canary-trusts-stale-price',
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
