import { classifyError } from '../../../src/redundancy/errors.ts';
import type { Policy, PolicyContext, PolicyVenue } from '../../../src/redundancy/policy.ts';

/**
 * Canary: fails over correctly, but a venue that failed is struck off for good.
 *
 * It keeps a pool of venues, health-checks each one in the pool every 5 s (a position read: the
 * desk's truth there) and drops one that does not answer; it hedges on the first venue left in
 * the scenario's order. What it never does is put a venue back: "the primary is broken, we are on
 * the backup now" — failing back is a manual step on the desk's runbook, and nobody runs it at
 * 3 a.m. Once the second venue has a bad moment too, the pool is empty although the first came
 * back long ago, and the clients' next trades stay unhedged while a venue could take them
 * → `exposure`.
 *
 * Otherwise careful, so the search can only catch this mistake: after an order error it reads the
 * venue's position before deciding (a lost acknowledgement is counted, not hedged twice; a venue
 * that answers the read and shows the fill stays in the pool), and it never sends anything to a
 * venue inside a Retry-After (a 429 drops the venue at once).
 */
const HEALTH_CHECK_MS = 5000;

export default function createForgetsToFailBackPolicy(): Policy {
  const positions = new Map<string, number>();
  const struckOff = new Set<string>();
  let strandedLogged = false;
  let nextHealthCheckMs = 0;

  async function readPosition(venue: PolicyVenue): Promise<void> {
    const [position] = await venue.exchange.fetchPositions([venue.symbol]);
    const size = Number(position?.contracts ?? 0) * Number(position?.contractSize ?? 1);
    positions.set(venue.id, position?.side === 'short' ? -size : size);
  }

  function strikeOff(ctx: PolicyContext, venue: PolicyVenue, error: unknown): void {
    // The mistake on show: nothing ever takes a venue off this list again.
    struckOff.add(venue.id);
    ctx.log(`${venue.id}: ${(error as Error).constructor.name}; struck off, failing over`, { venue: venue.id });
  }

  async function step(ctx: PolicyContext): Promise<void> {
    // The health check: every venue still in the pool must answer (its position is the desk's truth there).
    const pool = ctx.venues.filter((v) => !struckOff.has(v.id));
    if (ctx.clock.now() >= nextHealthCheckMs) {
      nextHealthCheckMs = ctx.clock.now() + HEALTH_CHECK_MS;
      await Promise.all(pool.map((venue) => readPosition(venue).catch((error: unknown) => strikeOff(ctx, venue, error))));
    }
    const active = ctx.venues.find((v) => !struckOff.has(v.id));
    if (active === undefined) {
      if (!strandedLogged) ctx.log('every venue is struck off: nowhere left to hedge');
      strandedLogged = true;
      return;
    }
    const net = ctx.inventoryBase() + [...positions.values()].reduce((a, b) => a + b, 0);
    if (Math.abs(net) <= ctx.limits.netBaseMax / 2) return;
    const side = net > 0 ? 'sell' : 'buy';
    try {
      const order = await active.exchange.createOrder(active.symbol, 'market', side, Math.abs(net));
      const filled = Number(order.filled ?? order.amount ?? 0);
      positions.set(active.id, (positions.get(active.id) ?? 0) + (side === 'buy' ? filled : -filled));
    } catch (error) {
      const meaning = classifyError(error);
      if (meaning === 'rateLimited' || meaning === 'banned') return strikeOff(ctx, active, error);
      // The order may have executed: the venue's own answer decides, and a venue that answers stays.
      const before = positions.get(active.id) ?? 0;
      try {
        await readPosition(active);
      } catch {
        return strikeOff(ctx, active, error);
      }
      if (positions.get(active.id) === before) strikeOff(ctx, active, error);
    }
  }

  return {
    name: 'canary-forgets-to-fail-back',
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
