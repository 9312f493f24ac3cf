import type { Policy, PolicyContext } from '../policy.ts';

/**
 * A deliberately naive policy, shipped as an example of what venuechaos catches: it fails over
 * on any error — but it treats a timeout as "the order did not happen" and hedges the same
 * quantity again. When acknowledgements are lost while the orders really execute
 * (scenarios/lost-acks-in-a-crash.yaml), every lost ack is a second hedge: the desk ends up
 * over-hedged, believing it is flat, and the `exposure` invariant names the moment.
 *
 * Run it: npx venuechaos run scenarios/lost-acks-in-a-crash.yaml --policy src/redundancy/examples/rehedge-on-timeout.ts
 */
export default function createRehedgeOnTimeoutPolicy(): Policy {
  let hedged = 0;
  return {
    name: 'example-rehedge-on-timeout',
    async start(ctx: PolicyContext) {
      await Promise.all(ctx.venues.map((v) => v.exchange.loadMarkets()));
      void (async () => {
        let preferred = 0;
        while (!ctx.signal.aborted) {
          const net = ctx.inventoryBase() + hedged;
          if (Math.abs(net) >= 0.001) {
            const venue = ctx.venues[preferred % ctx.venues.length]!;
            const side = net > 0 ? 'sell' : 'buy';
            try {
              const order = await venue.exchange.createOrder(venue.symbol, 'market', side, Math.abs(net));
              hedged += (side === 'buy' ? 1 : -1) * Number(order.filled ?? order.amount ?? 0);
              ctx.log(`hedged ${side} ${Math.abs(net)} on ${venue.id}`);
            } catch (error) {
              // The mistake on show: a timed-out order may well have executed; it is never looked up.
              ctx.log(`${venue.id} failed (${(error as Error).constructor.name}); assuming nothing executed, hedging again on the next venue`);
              preferred += 1;
            }
          }
          await ctx.clock.sleep(1000);
        }
      })().catch(ctx.reportError);
    },
  };
}
