import type { Policy, PolicyContext, PolicyVenue } from '../policy.ts';

/**
 * A small policy that passes the shipped default scenario: the example docs/policies.md walks
 * through. Each second it reads every venue's position (the venues' truth, not its own books),
 * hedges the net on the first venue that is not resting, and rests a venue after any error: for
 * the Retry-After it announced (plus a second), else 5 s. A position it cannot read keeps its
 * last known value, so an order whose answer was lost is counted once it is seen, never hedged
 * twice blind.
 *
 * Run it: npx venuechaos run scenarios/default.yaml --policy src/redundancy/examples/simple-failover.ts
 */
export default function createSimpleFailoverPolicy(): Policy {
  const positions = new Map<string, number>();
  const restingUntil = new Map<string, number>();

  async function readPosition(ctx: PolicyContext, venue: PolicyVenue): Promise<void> {
    const [position] = await venue.exchange.fetchPositions([venue.symbol]);
    const size = Number(position?.contracts ?? 0) * Number(position?.contractSize ?? 1);
    positions.set(venue.id, position?.side === 'short' ? -size : size);
  }

  function rest(ctx: PolicyContext, venue: PolicyVenue, error: unknown): void {
    // ccxt keeps the last response's headers; a 429 or ban says how long to wait.
    const retryAfterSec = Number(venue.exchange.last_response_headers?.['Retry-After'] ?? venue.exchange.last_response_headers?.['retry-after']);
    const restMs = Number.isFinite(retryAfterSec) && retryAfterSec > 0 ? (retryAfterSec + 1) * 1000 : 5000;
    restingUntil.set(venue.id, ctx.clock.now() + restMs);
    ctx.log(`${venue.id}: ${(error as Error).constructor.name}; resting it for ${restMs / 1000} s`, { venue: venue.id });
  }

  async function step(ctx: PolicyContext): Promise<void> {
    // Read every awake venue at once: one that hangs must not hold up the others.
    const awake = ctx.venues.filter((v) => ctx.clock.now() >= (restingUntil.get(v.id) ?? 0));
    await Promise.all(awake.map((venue) => readPosition(ctx, venue).catch((error: unknown) => rest(ctx, venue, error))));
    const net = ctx.inventoryBase() + [...positions.values()].reduce((a, b) => a + b, 0);
    if (Math.abs(net) <= ctx.limits.netBaseMax / 2) return;
    const target = ctx.venues.find((v) => ctx.clock.now() >= (restingUntil.get(v.id) ?? 0));
    if (target === undefined) return;
    const side = net > 0 ? 'sell' : 'buy';
    ctx.log(`hedging net ${net}: ${side} ${Math.abs(net)} on ${target.id}`, { venue: target.id });
    try {
      await target.exchange.createOrder(target.symbol, 'market', side, Math.abs(net));
      await readPosition(ctx, target);
    } catch (error) {
      // The order may have executed: the next reads will tell; never hedge again blind.
      rest(ctx, target, error);
    }
  }

  return {
    name: 'example-simple-failover',
    async start(ctx) {
      await Promise.all(ctx.venues.map((v) => v.exchange.loadMarkets()));
      void (async () => {
        while (!ctx.signal.aborted) {
          await step(ctx);
          await ctx.clock.sleep(1000);
        }
      })().catch(ctx.reportError);
    },
  };
}
