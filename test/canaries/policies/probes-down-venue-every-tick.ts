import type { Policy, PolicyContext } from '../../../src/redundancy/policy.ts';

/**
 * Canary: fails over correctly, but checks whether a failed venue is back by asking it every
 * tick (every second), whatever it said about waiting. Against an outage that is only wasteful;
 * against a venue that answered 429 with a Retry-After it is traffic inside the window it asked
 * for: `retryAfter` (and, kept up, a ban: `noBan`).
 */
export default function createProbesDownVenuePolicy(): Policy {
  let hedged = 0;
  const failed = new Set<string>();
  return {
    name: 'canary-probes-down-venue-every-tick',
    async start(ctx: PolicyContext) {
      await Promise.all(ctx.venues.map((v) => v.exchange.loadMarkets().catch(() => undefined)));
      void (async () => {
        while (!ctx.signal.aborted) {
          // The mistake on show: a probe per tick to every venue marked failed.
          for (const venue of ctx.venues.filter((v) => failed.has(v.id))) {
            try {
              await venue.exchange.fetchPositions([venue.symbol]);
              failed.delete(venue.id);
            } catch {
              // still down
            }
          }
          const net = ctx.inventoryBase() + hedged;
          const venue = ctx.venues.find((v) => !failed.has(v.id));
          if (Math.abs(net) >= 0.001 && venue !== undefined) {
            const side = net > 0 ? 'sell' : 'buy';
            try {
              const order = await venue.exchange.createOrder(venue.symbol, 'market', side, Math.abs(net));
              hedged += (side === 'buy' ? 1 : -1) * Number(order.filled ?? order.amount ?? 0);
            } catch {
              failed.add(venue.id);
            }
          }
          await ctx.clock.sleep(1000);
        }
      })().catch(ctx.reportError);
    },
  };
}
