import type { Policy, PolicyContext } from '../policy.ts';

/**
 * A deliberately naive policy, shipped as an example of what venuechaos catches: it polls its
 * positions every second and hedges on the first venue that answers — and when a venue answers
 * 429 it just keeps going, ignoring Retry-After. When the primary's budget shrinks in a spike
 * (scenarios/rate-limit-storm-in-a-spike.yaml, +590 s) the venue sees requests inside the window it
 * asked the client to wait — the `retryAfter` invariant names the moment — and escalates to an IP
 * ban (`noBan`), which then keeps the desk from hedging there at all.
 *
 * Run it: npx venuechaos run scenarios/rate-limit-storm-in-a-spike.yaml --policy src/redundancy/examples/ignores-retry-after.ts
 */
export default function createIgnoresRetryAfterPolicy(): Policy {
  let hedged = 0;
  return {
    name: 'example-ignores-retry-after',
    async start(ctx: PolicyContext) {
      await Promise.all(ctx.venues.map((v) => v.exchange.loadMarkets()));
      void (async () => {
        while (!ctx.signal.aborted) {
          for (const venue of ctx.venues) {
            try {
              // The mistake on show: polling on, whatever the venue said about waiting.
              await venue.exchange.fetchPositions([venue.symbol]);
            } catch (error) {
              ctx.log(`${venue.id}: ${(error as Error).constructor.name} while polling; carrying on`);
              continue;
            }
            const net = ctx.inventoryBase() + hedged;
            if (Math.abs(net) < 0.001) break;
            const side = net > 0 ? 'sell' : 'buy';
            try {
              const order = await venue.exchange.createOrder(venue.symbol, 'market', side, Math.abs(net));
              hedged += (side === 'buy' ? 1 : -1) * Number(order.filled ?? order.amount ?? 0);
              ctx.log(`hedged ${side} ${Math.abs(net)} on ${venue.id}`);
              break;
            } catch (error) {
              ctx.log(`${venue.id}: ${(error as Error).constructor.name} on createOrder; trying the next venue`);
            }
          }
          await ctx.clock.sleep(1000);
        }
      })().catch(ctx.reportError);
    },
  };
}
