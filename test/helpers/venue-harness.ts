import ccxt from 'ccxt';
import { createBinanceUsdmDialect } from '../../mocks/binance/index.ts';
import { FaultSchedule, type Fault } from '../../src/faults/index.ts';
import { DEFAULT_MARKETS } from '../../src/market/markets.ts';
import { createTransport, type Transport } from '../../src/net/transport.ts';
import { driveUntilSettled } from '../../src/sim/driver.ts';
import { createRng } from '../../src/sim/rng.ts';
import { credentialsFor, dialectContextFor, prewarmClient } from '../../src/sim/run.ts';
import { Trace } from '../../src/sim/trace.ts';
import { VIRTUAL_EPOCH_MS, resetVirtualClock, virtualClock } from '../../src/sim/virtual-clock.ts';
import { createVenueEngine } from '../../src/venue/engine.ts';
import type { VenueEngine } from '../../src/venue/types.ts';

/**
 * One Binance USDⓈ-M venue behind the real transport, fault layer and MSW dialect, with a real
 * ccxt `binanceusdm` client wired to it. `call` drives virtual time until the call settles.
 */
export interface VenueHarness {
  exchange: any;
  engine: VenueEngine;
  trace: Trace;
  transport: Transport;
  faults: FaultSchedule;
  startMs: number;
  call<T = any>(fn: () => Promise<T>): Promise<T>;
}

export async function createVenueHarness(
  opts: { faults?: Fault[]; latencyMs?: number; venue?: string; price?: number; priceAt?: (ms: number) => number; loadMarkets?: boolean } = {},
): Promise<VenueHarness> {
  const venue = opts.venue ?? 'primary';
  resetVirtualClock(VIRTUAL_EPOCH_MS);
  const clock = virtualClock();
  const now = (): number => Date.now();
  const faults = new FaultSchedule(opts.faults ?? []);
  const engine = createVenueEngine({ venueId: venue, markets: [...DEFAULT_MARKETS], balances: { USDT: '100000' }, midPrice: (_symbol, ms) => opts.priceAt?.(ms) ?? opts.price ?? 60000 });
  const dialect = createBinanceUsdmDialect(dialectContextFor({ venueId: venue, engine, faults, now }));
  const trace = new Trace({ startMs: VIRTUAL_EPOCH_MS, now });
  const transport = createTransport({ venues: [{ id: venue, dialect, latencyMs: opts.latencyMs ?? 0 }], faults, trace, now, rng: createRng(1) });
  const exchange = new ccxt.binanceusdm({ ...credentialsFor(venue), enableRateLimit: false, fetchImplementation: transport.fetch });
  dialect.configureClient(exchange);
  await prewarmClient(exchange);
  const call = <T>(fn: () => Promise<T>): Promise<T> =>
    driveUntilSettled(fn(), { clock, busy: () => transport.inFlight() > 0, activity: () => trace.events.length });
  if (opts.loadMarkets !== false) await call(() => exchange.loadMarkets());
  return { exchange, engine, trace, transport, faults, startMs: VIRTUAL_EPOCH_MS, call };
}

// Shared with the compliance suite: one definition of how a test reads an error's class chain.
export { classChain, rejectionOf } from '../compliance/harness.ts';
