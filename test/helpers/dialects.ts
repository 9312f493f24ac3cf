import ccxt from 'ccxt';
import { faultExpectations as binanceUsdmFaultExpectations } from '../../mocks/binance/fault-expectations.ts';
import { faultExpectations as binanceSpotFaultExpectations } from '../../mocks/binance-spot/fault-expectations.ts';
import { faultExpectations as bybitFaultExpectations } from '../../mocks/bybit/fault-expectations.ts';
import { faultExpectations as krakenFaultExpectations } from '../../mocks/kraken/fault-expectations.ts';
import { faultExpectations as okxFaultExpectations } from '../../mocks/okx/fault-expectations.ts';
import type { CdnStatus, DialectFaultExpectations, FaultCase, FaultParamOverrides, ServerErrorVariant, UnifiedCall } from '../../mocks/binance/fault-expectations.ts';
import type { Dialect, DialectFactory } from '../../mocks/types.ts';
import { FaultSchedule, ackLoss, clockSkew, errorRate, latency, maintenance, outage, rateLimit, readLag, staleData, type Fault, type FaultKind } from '../../src/faults/index.ts';
import { SERVER_ERROR_VARIANTS } from '../../src/faults/outage.ts';
import type { AckLossFault, MaintenancePhase, RateLimitFault } from '../../src/faults/types.ts';
import { DEFAULT_MARKETS, DEFAULT_SPOT_MARKETS } from '../../src/market/markets.ts';
import { createTransport } from '../../src/net/transport.ts';
import { driveUntilSettled } from '../../src/sim/driver.ts';
import { createRng, type Rng } from '../../src/sim/rng.ts';
import { DIALECTS, credentialsFor, dialectContextFor, prewarmClient } from '../../src/sim/run.ts';
import { Trace } from '../../src/sim/trace.ts';
import { VIRTUAL_EPOCH_MS, resetVirtualClock, virtualClock } from '../../src/sim/virtual-clock.ts';
import { createVenueEngine } from '../../src/venue/engine.ts';
import type { MarketSpec, VenueEngineOptions } from '../../src/venue/types.ts';
import type { VenueHarness } from './venue-harness.ts';

/**
 * Every dialect the simulator knows (src/sim/run.ts `DIALECTS`), with what the dialect-generic
 * tests need to drive it: a symbol to trade, an order size, starting balances and its fault
 * expectation table. Adding a dialect = `mocks/<name>/` + its line in `DIALECTS` + one line in
 * `PROFILES` below; the fault matrix then covers it with no new test code (and fails, naming the
 * missing line, until the profile exists).
 */

export interface DialectTestProfile {
  /** Unified ccxt symbol the tests trade, e.g. 'BTC/USDT:USDT'. */
  symbol: string;
  /** A market order size the venue accepts (above min qty and min notional). */
  orderAmount: number;
  /** Starting wallet balances (decimal strings). */
  balances: Record<string, string>;
  /** Markets the venue lists (default: DEFAULT_MARKETS). */
  markets?: readonly MarketSpec[];
  /** Engine options the venue needs besides markets and balances (e.g. Kraken's `spotFeeAsset: 'quote'`). */
  engineOptions?: Pick<VenueEngineOptions, 'spotFeeAsset' | 'feeTakerBps' | 'feeMakerBps'>;
  /** Mid price the venue quotes. */
  price: number;
  faultExpectations: DialectFaultExpectations;
}

/** One line per dialect. */
const PROFILES: Readonly<Record<string, DialectTestProfile>> = {
  binance: { symbol: 'BTC/USDT', orderAmount: 0.01, balances: { USDT: '100000', BTC: '2' }, markets: DEFAULT_SPOT_MARKETS.filter((m) => m.quote === 'USDT'), engineOptions: { feeTakerBps: 10, feeMakerBps: 10 }, price: 60000, faultExpectations: binanceSpotFaultExpectations },
  binanceusdm: { symbol: 'BTC/USDT:USDT', orderAmount: 0.01, balances: { USDT: '100000' }, price: 60000, faultExpectations: binanceUsdmFaultExpectations },
  kraken: { symbol: 'BTC/USD', orderAmount: 0.01, balances: { USD: '100000', BTC: '2' }, markets: DEFAULT_SPOT_MARKETS.filter((m) => m.quote === 'USD'), engineOptions: { spotFeeAsset: 'quote' }, price: 60000, faultExpectations: krakenFaultExpectations },
  bybit: { symbol: 'BTC/USDT:USDT', orderAmount: 0.01, balances: { USDT: '100000' }, price: 60000, faultExpectations: bybitFaultExpectations },
  okx: { symbol: 'BTC/USDT:USDT', orderAmount: 1, balances: { USDT: '100000' }, price: 60000, faultExpectations: okxFaultExpectations },
};

export interface DialectEntry {
  /** Scenario dialect name (key of `DIALECTS`). */
  name: string;
  factory: DialectFactory;
  /** The ccxt exchange id whose client speaks it (read off a probe instance). */
  ccxtId: string;
  /** Undefined when the dialect has no line in `PROFILES` yet (the matrix reports it). */
  profile: DialectTestProfile | undefined;
}

export const DIALECT_REGISTRY: readonly DialectEntry[] = Object.entries(DIALECTS).map(([name, factory]) => ({
  name,
  factory,
  ccxtId: probeDialect(factory).ccxtId,
  profile: PROFILES[name],
}));

function probeDialect(factory: DialectFactory): Dialect {
  const engine = createVenueEngine({ venueId: 'probe', markets: [...DEFAULT_MARKETS], balances: {}, midPrice: () => 1 });
  return factory({
    engine,
    hostname: 'probe.venuechaos.test',
    now: () => 0,
    venueClockMs: () => 0,
    credentials: credentialsFor('probe'),
    systemStatus: () => 'normal',
    announcedMaintenance: () => [],
    tradingPhase: () => 'normal',
    marketDataTimeMs: () => 0,
    accountView: () => engine,
  });
}

// ---------------------------------------------------------------------------------------------
// A venue harness for any dialect (generalizes test/helpers/venue-harness.ts).

export interface DialectHarness extends VenueHarness {
  venue: string;
  dialect: Dialect;
  /** Drives virtual time forward to `ms` (absolute epoch ms); no-op if already there. */
  advanceTo(ms: number): Promise<void>;
}

export interface DialectHarnessOptions {
  faults?: Fault[];
  venue?: string;
  latencyMs?: number;
  loadMarkets?: boolean;
  /**
   * Every draw of the venue's fault stream returns this value (forces the fault layer's choice
   * among variants, e.g. which 5xx body or CDN status). Default: the seeded stream of seed 1.
   */
  pinRandom?: number;
}

export async function createDialectHarness(entry: DialectEntry, opts: DialectHarnessOptions = {}): Promise<DialectHarness> {
  const profile = entry.profile;
  if (profile === undefined) throw new Error(`dialect ${entry.name} has no test profile: add its line to PROFILES in test/helpers/dialects.ts`);
  const venue = opts.venue ?? 'primary';
  resetVirtualClock(VIRTUAL_EPOCH_MS);
  const clock = virtualClock();
  const now = (): number => Date.now();
  const faults = new FaultSchedule(opts.faults ?? []);
  const engine = createVenueEngine({
    venueId: venue,
    markets: [...(profile.markets ?? DEFAULT_MARKETS)],
    balances: { ...profile.balances },
    ...profile.engineOptions,
    midPrice: () => profile.price,
  });
  const dialect = entry.factory(dialectContextFor({ venueId: venue, engine, faults, now }));
  const trace = new Trace({ startMs: VIRTUAL_EPOCH_MS, now });
  const rng = opts.pinRandom === undefined ? createRng(1) : pinnedRng(opts.pinRandom);
  const transport = createTransport({ venues: [{ id: venue, dialect, latencyMs: opts.latencyMs ?? 0 }], faults, trace, now, rng });
  const ExchangeClass = (ccxt as unknown as Record<string, new (config: object) => any>)[dialect.ccxtId];
  if (ExchangeClass === undefined) throw new Error(`ccxt has no exchange ${dialect.ccxtId}`);
  const exchange = new ExchangeClass({ ...credentialsFor(venue), enableRateLimit: false, timeout: 10_000, fetchImplementation: transport.fetch });
  dialect.configureClient(exchange);
  await prewarmClient(exchange);
  const call = <T>(fn: () => Promise<T>): Promise<T> =>
    driveUntilSettled(fn(), { clock, busy: () => transport.inFlight() > 0, activity: () => trace.events.length });
  const advanceTo = async (ms: number): Promise<void> => {
    const waitMs = ms - Date.now();
    if (waitMs > 0) await call(() => new Promise<void>((resolve) => setTimeout(resolve, waitMs)));
  };
  if (opts.loadMarkets !== false) await call(() => exchange.loadMarkets());
  return { exchange, engine, trace, transport, faults, startMs: VIRTUAL_EPOCH_MS, call, venue, dialect, advanceTo };
}

/** An Rng whose every stream returns `value` (the transport forks one stream per venue). */
function pinnedRng(value: number): Rng {
  const rng: Rng = {
    name: `pinned:${value}`,
    next: () => value,
    int: (min, max) => min + Math.floor(value * (max - min + 1)),
    normal: () => 0,
    fork: () => rng,
  };
  return rng;
}

/** Makes one unified call the way the dialect-generic tests do. */
export function unifiedCall(exchange: any, call: UnifiedCall, profile: DialectTestProfile): Promise<unknown> {
  switch (call) {
    case 'fetchTime':
      return exchange.fetchTime();
    case 'fetchStatus':
      return exchange.fetchStatus();
    case 'fetchTicker':
      return exchange.fetchTicker(profile.symbol);
    case 'fetchOrderBook':
      return exchange.fetchOrderBook(profile.symbol);
    case 'fetchBalance':
      return exchange.fetchBalance();
    case 'fetchPositions':
      return exchange.fetchPositions([profile.symbol]);
    case 'fetchOpenOrders':
      return exchange.fetchOpenOrders(profile.symbol);
    case 'createOrder':
      return exchange.createOrder(profile.symbol, 'market', 'buy', profile.orderAmount);
  }
}

// ---------------------------------------------------------------------------------------------
// The fault cases: how to inject each one and what the transport must record. Dialect-independent.

export const DEFAULT_FAULT_PARAMS: Required<FaultParamOverrides> = {
  retryAfterSec: 10,
  banSec: 120,
  ignoredMax: 2,
  skewMs: 60_000,
  latencyMs: 500,
};

export interface FaultWindowSpec {
  venue: string;
  startMs: number;
  durationMs: number;
  id: string;
}

export interface FaultCaseDef {
  build(w: FaultWindowSpec, p: Required<FaultParamOverrides>): Fault;
  /**
   * Pins every draw of the venue's fault stream to this value, so the fault layer picks a known
   * variant (it draws `floor(r · n)` from its list). `status` is the HTTP status that pick must give.
   */
  pin?: { random: number; status: number };
  /** `action` of the `fault.fired` event the in-window request records; undefined: none (the status channel answers). */
  action?: string;
  /** A `fault.ackLost` event with this mode is recorded too. */
  ackLost?: AckLossFault['mode'];
  /** Requests inside the window, back to back; every one fails and the last is checked. Default 1. */
  attempts?(fault: Fault): number;
  /** The venue acts on the request although the client sees an error (an order placement fills). */
  venueActs?: boolean;
  /** The consequence outlives the window (an IP ban): right after the window the call still fails the same way. */
  outlivesWindow?: boolean;
  /** The call succeeds but takes longer in virtual time. */
  slower?: boolean;
  /** The call succeeds with data as of the window's start (the result's `timestamp`). */
  stale?: boolean;
  /** How far into the window the checked call is made (default 0: at its start). */
  insideOffsetMs?: number;
}

/** The value that makes `floor(r · n)` pick index `index` of `n`. */
const pick = (index: number, n: number): number => (index + 0.5) / n;

const serverError = (build: FaultCaseDef['build'], variant: ServerErrorVariant): FaultCaseDef => {
  const index = SERVER_ERROR_VARIANTS.findIndex((v) => v.variant === variant);
  const status = SERVER_ERROR_VARIANTS[index]?.status ?? Number.NaN;
  return { build, pin: { random: pick(index, SERVER_ERROR_VARIANTS.length), status }, action: 'serverError' };
};
const outage5xx = (variant: ServerErrorVariant): FaultCaseDef => serverError((w) => outage({ ...w, mode: 'http5xx' }), variant);
// Probability 1: the first draw (< probability) always fails, the second picks the variant.
const errorRate5xx = (variant: ServerErrorVariant): FaultCaseDef => serverError((w) => errorRate({ ...w, probability: 1 }), variant);

/** The CDN statuses in the order src/faults/outage.ts draws them (not exported there; the status assertion catches a change). */
const CDN_STATUSES: readonly CdnStatus[] = [502, 503, 504];
const outageCdn = (status: CdnStatus): FaultCaseDef => ({
  build: (w) => outage({ ...w, mode: 'cdn' }),
  pin: { random: pick(CDN_STATUSES.indexOf(status), CDN_STATUSES.length), status },
  action: 'serverError',
});

const maintenancePhase = (phase: MaintenancePhase): FaultCaseDef => ({ build: (w) => maintenance({ ...w, phase }), action: 'maintenance' });

export const FAULT_CASES: Readonly<Record<FaultCase, FaultCaseDef>> = {
  'outage.refused': { build: (w) => outage({ ...w, mode: 'refused' }), action: 'refuse' },
  'outage.reset': { build: (w) => outage({ ...w, mode: 'reset' }), action: 'reset' },
  'outage.timeout': { build: (w) => outage({ ...w, mode: 'timeout' }), action: 'hang' },
  'outage.http5xx.json': outage5xx('json'),
  'outage.http5xx.html': outage5xx('html'),
  'outage.http5xx.empty': outage5xx('empty'),
  'outage.cdn.502': outageCdn(502),
  'outage.cdn.503': outageCdn(503),
  'outage.cdn.504': outageCdn(504),
  'rateLimit.429': {
    build: (w, p) => rateLimit({ ...w, retryAfterSec: p.retryAfterSec, banSec: p.banSec, ignoredMax: p.ignoredMax }),
    action: 'rateLimited',
  },
  'rateLimit.ban': {
    build: (w, p) => rateLimit({ ...w, retryAfterSec: p.retryAfterSec, banSec: p.banSec, ignoredMax: p.ignoredMax }),
    action: 'banned',
    // The first 429 sets Retry-After; `ignoredMax` requests inside it are tolerated; the next is banned.
    attempts: (f) => ((f as RateLimitFault).ignoredMax ?? 2) + 2,
    outlivesWindow: true,
  },
  'maintenance.full': maintenancePhase('full'),
  'maintenance.cancelOnly': maintenancePhase('cancelOnly'),
  'maintenance.postOnly': maintenancePhase('postOnly'),
  'maintenance.reduceOnly': maintenancePhase('reduceOnly'),
  // The status channel answers normally (no fault event); what it says is the expectation.
  'maintenance.status': { build: (w) => maintenance({ ...w, phase: 'full' }) },
  latency: { build: (w, p) => latency({ ...w, latencyMsMedian: p.latencyMs, latencyMsP99: p.latencyMs }), action: 'latency', slower: true },
  'ackLoss.timeout': { build: (w) => ackLoss({ ...w, probability: 1, mode: 'timeout' }), action: 'ackLoss', ackLost: 'timeout', venueActs: true },
  'ackLoss.unknownStatus': { build: (w) => ackLoss({ ...w, probability: 1, mode: 'unknownStatus' }), action: 'ackLoss', ackLost: 'unknownStatus', venueActs: true },
  'errorRate.json': errorRate5xx('json'),
  'errorRate.html': errorRate5xx('html'),
  'errorRate.empty': errorRate5xx('empty'),
  'clockSkew.venueAhead': { build: (w, p) => clockSkew({ ...w, skewMs: Math.abs(p.skewMs) }), action: 'clockSkew' },
  'clockSkew.venueBehind': { build: (w, p) => clockSkew({ ...w, skewMs: -Math.abs(p.skewMs) }), action: 'clockSkew' },
  // Called 10 s into the window, so the snapshot (window start) and now differ.
  staleData: { build: (w) => staleData(w), action: 'staleData', stale: true, insideOffsetMs: 10_000 },
  readLag: { build: (w) => readLag({ ...w, lagSec: 30 }), action: 'readLag' },
};

// Compile-time: every fault kind the fault layer defines has at least one case.
type KindOf<C extends string> = C extends `${infer K}.${string}` ? K : C;
type UncoveredKinds = Exclude<FaultKind, KindOf<FaultCase>>;
export const EVERY_FAULT_KIND_HAS_A_CASE: [UncoveredKinds] extends [never] ? true : UncoveredKinds = true;
