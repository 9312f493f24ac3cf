import type { Policy, PolicyContext } from '../policy.ts';

/**
 * A deliberately naive policy, shipped as an example of what venuechaos catches: it hedges only
 * on the primary (the first venue) and, when the primary fails, simply tries again next second.
 * With no outage it keeps the desk hedged; when the primary goes dark (scenarios/default.yaml)
 * exposure stays over the limit while the backup could have taken the hedge, and the `exposure`
 * invariant names the moment.
 *
 * Run it: npx venuechaos run scenarios/default.yaml --policy src/redundancy/examples/no-failover.ts
 */
export default function createNoFailoverPolicy(): Policy {
  let hedged = 0;
  return {
    name: 'example-no-failover',
    async start(ctx: PolicyContext) {
      const primary = ctx.venues[0]!;
      await primary.exchange.loadMarkets();
      void (async () => {
        while (!ctx.signal.aborted) {
          const net = ctx.inventoryBase() + hedged;
          if (Math.abs(net) >= 0.001) {
            const side = net > 0 ? 'sell' : 'buy';
            try {
              const order = await primary.exchange.createOrder(primary.symbol, 'market', side, Math.abs(net));
              hedged += (side === 'buy' ? 1 : -1) * Number(order.filled ?? order.amount ?? 0);
              ctx.log(`hedged ${side} ${Math.abs(net)} on ${primary.id}`);
            } catch (error) {
              // The mistake on show: no other venue is ever tried.
              ctx.log(`${primary.id} failed (${(error as Error).constructor.name}); trying the same venue again in 1 s`);
            }
          }
          await ctx.clock.sleep(1000);
        }
      })().catch(ctx.reportError);
    },
  };
}
