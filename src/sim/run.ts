import ccxt from 'ccxt';
import { createBinanceUsdmDialect } from '../../mocks/binance/index.ts';
import { createBinanceSpotDialect } from '../../mocks/binance-spot/index.ts';
import { createBybitDialect } from '../../mocks/bybit/index.ts';
import { createKrakenDialect } from '../../mocks/kraken/index.ts';
import { createOkxDialect } from '../../mocks/okx/index.ts';
import type { DialectContext, DialectFactory } from '../../mocks/types.ts';
import { FaultSchedule, scaleRateLimits, ackLoss, clockSkew, errorRate, latency, maintenance, outage, rateLimit, readLag, staleData, type Fault } from '../faults/index.ts';
import { DOWN_PROBES_PER_MIN_DEFAULT, checkInvariants, type InvariantResult } from '../invariants/index.ts';
import { marketSpec, spotMarketSpec } from '../market/markets.ts';
import { createPricePath } from '../market/price-path.ts';
import { createTransport } from '../net/transport.ts';
import { pollOnceWhenRefilled } from './throttler.ts';
import type { Policy, PolicyAsset, PolicyContext, PolicyLimits, PolicyVenue } from '../redundancy/policy.ts';
import { formatPolicyLoadError, loadPolicy, type PolicyLoadError } from '../redundancy/load-policy.ts';
import type { Scenario } from '../scenario/index.ts';
import { assetPlans, baseOf, invariantAssetsOf } from '../scenario/markets.ts';
import { createVenueEngine } from '../venue/engine.ts';
import { createAccountHistory } from '../venue/history.ts';
import type { MarketSpec, VenueEngine, VenueEvent } from '../venue/types.ts';
import { drive } from './driver.ts';
import { takeOverProcessErrors } from './process-errors.ts';
import { watchRealIo } from './real-io.ts';
import { installNetworkGuard } from '../net/guard.ts';
import { createRng, type Rng } from './rng.ts';
import { Trace } from './trace.ts';
import { VIRTUAL_EPOCH_MS, resetVirtualClock, virtualClock, yieldRealTurn } from './virtual-clock.ts';

/**
 * One simulation run: scenario + seed in, result out. Deterministic: the same scenario and seed
 * give the same trace, byte for byte (wall time is reported but never recorded in the trace).
 */

export type Outcome = 'passed' | 'violated' | 'interrupted';

export interface RunResult {
  scenario: string;
  seed: number;
  outcome: Outcome;
  /** What the scenario says the reference engine should get. */
  expected: { outcome: 'passed' | 'violated'; invariant?: string };
  invariants: InvariantResult[];
  traceHash: string;
  simulatedMs: number;
  wallMs: number;
  /** Requests by venue and outcome (ok, http4xx, rateLimited, timeout, refused…). */
  requests: Record<string, Record<string, number>>;
  /** Requests a fault actually hit, by fault kind. */
  faultsInjected: Record<string, number>;
  /** Fault windows in the scenario, by kind. */
  faultsScheduled: Record<string, number>;
  policy: string;
  /** Set when the run was interrupted (budget) or the policy failed. */
  reason?: string;
  trace: Trace;
}

export interface RunOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Overrides the scenario's policy. */
  policy?: Policy;
  /** Where a scenario's relative policy path resolves (the scenario file's directory); default: the current directory. */
  policyDir?: string;
  /**
   * Fail the run as soon as the policy does real I/O (a file, a DNS lookup, a socket): it makes
   * the run machine-dependent. Default: on for every policy but the reference engine (the hook
   * runs on every promise: about +10 % wall time on scenarios/default.yaml, measured on Node 20).
   */
  watchRealIo?: boolean;
  /** Called once virtual time is about to start, with the run's trace (e.g. to send heartbeats). */
  onStart?: (run: { trace: Trace; startMs: number; policy: string }) => void;
}

/** The scenario's policy module could not be loaded (see `error`; the CLI checks this before running). */
export class PolicyLoadFailure extends Error {
  constructor(readonly error: PolicyLoadError) {
    super(formatPolicyLoadError(error));
    this.name = 'PolicyLoadFailure';
  }
}

/** Dialects by scenario name. A new dialect is one line here. */
/** Who pays spot fees in what, per dialect (the engine default is the received asset, as on Binance). */
const SPOT_FEE_ASSET: Readonly<Record<string, 'received' | 'quote'>> = { kraken: 'quote' };

export const DIALECTS: Readonly<Record<string, DialectFactory>> = {
  binanceusdm: createBinanceUsdmDialect,
  binance: createBinanceSpotDialect,
  bybit: createBybitDialect,
  kraken: createKrakenDialect,
  okx: createOkxDialect,
};

/** Occurrences a single fault process may produce: a limit on the loop, far above any real scenario. */
export const FAULT_PROCESS_OCCURRENCES_MAX = 10_000;

/**
 * The scenario's faults as absolute windows. A fault with `process` expands into its seeded
 * occurrences. Its stream is named by what the fault is (venue, kind, start), not by its position
 * in the list, so adding or reordering faults never moves another fault's occurrences.
 */
export function faultsFromScenario(scenario: Scenario, startMs: number, rng: Rng = createRng(scenario.seed)): Fault[] {
  const runEndMs = startMs + scenario.durationSec * 1000;
  const seen = new Map<string, number>();
  return scenario.faults.flatMap((f, i) => {
    const id = `f${i}-${f.kind}-${f.venue}`;
    const spanStartMs = startMs + f.atSec * 1000;
    if (f.process === undefined) return [faultFrom(f, { venue: f.venue, startMs: spanStartMs, durationMs: f.durationSec * 1000, id })];
    const key = `${f.venue}/${f.kind}/${f.atSec}`;
    const nth = seen.get(key) ?? 0;
    seen.set(key, nth + 1);
    const stream = rng.fork(`faults/${key}/${nth}`);
    const spanEndMs = spanStartMs + f.durationSec * 1000;
    const meanGapMs = 3_600_000 / f.process.ratePerHour;
    const out: Fault[] = [];
    let t = spanStartMs;
    for (let k = 0; k < FAULT_PROCESS_OCCURRENCES_MAX; k++) {
      t += -Math.log(1 - stream.next()) * meanGapMs;
      if (t >= spanEndMs) break;
      const durMs = (f.process.durationSecMin + stream.next() * (f.process.durationSecMax - f.process.durationSecMin)) * 1000;
      const at = Math.round(t);
      // The span bounds the process: an occurrence ends by the span's end (so with phases, by the chaos phase's).
      out.push(faultFrom(f, { venue: f.venue, startMs: at, durationMs: Math.max(1, Math.min(Math.round(durMs), Math.min(spanEndMs, runEndMs) - at)), id: `${id}-${k}` }));
    }
    return out;
  });
}

/** Client trades a single inventory flow may produce: a limit on the loop, far above any real scenario. */
export const INVENTORY_FLOW_TRADES_MAX = 100_000;

/**
 * The scenario's inventory as steps in time order (ms since the run's start, base units): steps
 * as written, and every `flow` expanded into its seeded client trades. A flow's stream is named by
 * its start and its place among flows starting then, so adding a step never moves a flow's trades.
 */
export function inventoryFromScenario(scenario: Scenario, rng: Rng = createRng(scenario.seed)): { atMs: number; base: number; asset: string }[] {
  const out: { atMs: number; base: number; asset: string; order: number }[] = [];
  const seen = new Map<number, number>();
  const firstCoin = assetPlans(scenario)[0]?.asset ?? '';
  scenario.inventory.forEach((entry, order) => {
    const startMs = Math.round(entry.atSec * 1000);
    const asset = entry.asset ?? firstCoin;
    if (entry.flow === undefined) {
      out.push({ atMs: startMs, base: entry.base ?? 0, asset, order });
      return;
    }
    const nth = seen.get(entry.atSec) ?? 0;
    seen.set(entry.atSec, nth + 1);
    const stream = rng.fork(`inventory/flow/${entry.atSec}/${nth}`);
    const endMs = Math.min(startMs + entry.flow.durationSec * 1000, scenario.durationSec * 1000);
    const meanGapMs = 3_600_000 / entry.flow.ratePerHour;
    let t = startMs;
    for (let k = 0; k < INVENTORY_FLOW_TRADES_MAX; k++) {
      t += -Math.log(1 - stream.next()) * meanGapMs;
      if (t >= endMs) break;
      const sign = stream.next() * 100 < entry.flow.buyPct ? 1 : -1;
      // Sizes in (0, baseMax], rounded to 1e-8 base (a satoshi) so traces stay readable.
      const size = Math.max(1e-8, Math.round((1 - stream.next()) * entry.flow.baseMax * 1e8) / 1e8);
      out.push({ atMs: Math.round(t), base: sign * size, asset, order });
    }
  });
  return out.sort((a, b) => a.atMs - b.atMs || a.order - b.order).map(({ atMs, base, asset }) => ({ atMs, base, asset }));
}

function faultFrom(f: Scenario['faults'][number], base: { venue: string; startMs: number; durationMs: number; id: string }): Fault {
  switch (f.kind) {
    case 'outage':
      return outage({ ...base, mode: f.mode, scope: f.scope, probability: f.probability });
    case 'rateLimit':
      return rateLimit({ ...base, retryAfterSec: f.retryAfterSec, banSec: f.banSec, budgetPct: f.budgetPct, ignoredMax: f.ignoredMax, probability: f.probability });
    case 'maintenance':
      return maintenance({ ...base, announcedAheadSec: f.announcedAheadSec, phase: f.phase, probability: f.probability });
    case 'latency':
      return latency({ ...base, latencyMsMedian: f.latencyMsMedian, latencyMsP99: f.latencyMsP99, probability: f.probability });
    case 'ackLoss':
      return ackLoss({ ...base, probability: f.probability, mode: f.mode });
    case 'errorRate':
      return errorRate({ ...base, probability: f.probability });
    case 'clockSkew':
      return clockSkew({ ...base, skewMs: f.skewMs });
    case 'staleData':
      return staleData(base);
    case 'readLag':
      return readLag({ ...base, lagSec: f.lagSec });
  }
}

export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  // A user policy module is imported now (real I/O), before virtual time starts.
  let policy = options.policy;
  if (policy === undefined) {
    const loaded = await loadPolicy(scenario.policy, options.policyDir);
    if (!loaded.ok) throw new PolicyLoadFailure(loaded.error);
    policy = loaded.create();
  }
  const seed = options.seed ?? scenario.seed;
  const wallStart = performance.now();
  const clock = virtualClock();
  const startMs = VIRTUAL_EPOCH_MS;
  resetVirtualClock(startMs);
  const now = (): number => Date.now();
  const rng = createRng(seed);

  // ccxt draws client order ids and nonces from Math.random: give it a seeded stream for the run.
  const originalRandom = Math.random;
  const ccxtRandom = rng.fork('ccxt');
  Math.random = () => ccxtRandom.next();

  const trace = new Trace({ startMs, now });
  const durationMs = scenario.durationSec * 1000;
  // One coin per market, each with its own price path. The first market's stream keeps the name
  // it had when a run had one market, so a single-market run's prices never change.
  const plans = assetPlans(scenario);
  const coins = plans.map((p) => p.asset);
  const multi = plans.length > 1;
  const paths = new Map(
    plans.map((plan, i) => [
      plan.asset,
      createPricePath({
        priceStart: plan.market.priceStart,
        volatilityAnnual: plan.market.volatilityAnnual,
        driftAnnual: plan.market.driftAnnual,
        startMs,
        rng: rng.fork(i === 0 ? 'market' : `market:${plan.asset}`),
        jumps: plan.market.jumps.map((j) => ({ atMs: startMs + j.atSec * 1000, pct: j.pct })),
        gaps: plan.market.gaps.map((g) => ({ atMs: startMs + g.atSec * 1000, durationMs: g.durationSec * 1000, pct: g.pct })),
      }),
    ]),
  );
  const priceOf = (symbol: string, ms: number): number => {
    const path = paths.get(baseOf(symbol));
    if (path === undefined) throw new Error(`venuechaos bug: no price path for ${symbol}`);
    return path.priceAt(ms);
  };
  const faults = new FaultSchedule(faultsFromScenario(scenario, startMs, rng));
  const baseAsset = coins[0] ?? '';
  const specOf = (symbol: string): MarketSpec => {
    const spec = marketSpec(symbol) ?? spotMarketSpec(symbol);
    if (spec === undefined) throw new Error(`venuechaos bug: scenario validation let through unknown symbol ${symbol}`);
    return spec;
  };
  for (const plan of plans) specOf(plan.market.symbol);

  const engines: VenueEngine[] = [];
  /** Per venue, the instrument of each coin there, in coin order (the first coin's first). */
  const venueSpecs = new Map<string, MarketSpec[]>();
  const transportVenues = scenario.venues.map((v) => {
    // Every venue trades every coin, each with its own instrument there.
    const specs = plans.map((plan) => specOf(plan.symbolOn.get(v.id)!));
    const spec = specs[0]!;
    venueSpecs.set(v.id, specs);
    const engine = createVenueEngine({
      venueId: v.id,
      markets: specs,
      ...(spec.kind === 'spot' ? { spotFeeAsset: SPOT_FEE_ASSET[v.dialect] ?? 'received' } : {}),
      balances: Object.fromEntries(Object.entries(v.balances).map(([asset, amount]) => [asset, String(amount)])),
      positions: v.positions.map((p) => ({ symbol: p.symbol, size: String(p.base) })),
      feeTakerBps: v.feeTakerBps,
      feeMakerBps: v.feeMakerBps,
      leverage: v.leverage,
      // The venue's own mid: the market's, shifted by its basis; quoted with its own spread.
      midPrice: v.basisBps === 0 ? priceOf : (symbol, ms) => priceOf(symbol, ms) * (1 + v.basisBps / 10_000),
      book: { spreadBps: v.spreadBps },
    });
    engine.onEvent((event) => recordVenueEvent(trace, v.id, event, multi));
    engines.push(engine);
    const factory = DIALECTS[v.dialect];
    if (factory === undefined) throw new Error(`venuechaos bug: no dialect ${v.dialect}`);
    const served = factory(dialectContextFor({ venueId: v.id, engine, faults, now }));
    // The account's rate-limit tier scales the dialect's published budgets.
    const dialect = v.rateLimitTierPct === 100 ? served : { ...served, limits: scaleRateLimits(served.limits, v.rateLimitTierPct) };
    return { id: v.id, dialect, latencyMs: v.latencyMs };
  });
  for (const engine of engines) {
    for (const p of engine.positions(startMs)) {
      if (p.size !== '0') trace.record('venue.position', { venue: engine.venueId, symbol: p.symbol, size: p.size, entryPrice: p.entryPrice });
    }
    // Coins held on a venue are exposure too (a spot holding the desk may sell to cut it).
    for (const b of engine.balances(startMs)) {
      if (coins.includes(b.asset) && b.wallet !== '0') trace.record('venue.balance', { venue: engine.venueId, asset: b.asset, wallet: b.wallet, locked: b.locked });
    }
  }
  const transport = createTransport({ venues: transportVenues, faults, trace, now, rng, ...(multi ? { coins } : {}) });

  const policyVenues: PolicyVenue[] = transportVenues.map((v) => {
    const ExchangeClass = (ccxt as unknown as Record<string, new (config: object) => any>)[v.dialect.ccxtId];
    if (ExchangeClass === undefined) throw new Error(`venuechaos bug: ccxt has no exchange ${v.dialect.ccxtId}`);
    const exchange = new ExchangeClass({
      ...credentialsFor(v.id),
      fetchImplementation: transport.fetch,
      timeout: 10_000,
    });
    v.dialect.configureClient(exchange);
    // ccxt's rate limiter polls every 1 ms while it waits: one virtual timer per ms (throttler.ts).
    pollOnceWhenRefilled(exchange);
    const spec = venueSpecs.get(v.id)![0]!;
    return { id: v.id, dialect: v.dialect.name, exchange, symbol: spec.symbol, kind: spec.kind };
  });

  // ccxt's first request on an instance dynamically imports optional proxy modules: real I/O the
  // driver cannot see. Do it now, before virtual time starts moving, so it never overlaps a jump.
  await Promise.all(policyVenues.map((v) => prewarmClient(v.exchange)));

  // Scenario timeline: faults start/end, inventory steps, venue engine ticks.
  for (const fault of faults.faults) {
    const detail = { venue: fault.venue, faultId: fault.id, kind: fault.kind, ...(fault.kind === 'outage' ? { mode: fault.mode } : {}) };
    setTimeout(() => trace.record('fault.start', detail), fault.startMs - startMs);
    setTimeout(() => trace.record('fault.end', detail), fault.endMs - startMs);
  }
  // Set from here on by anything that means the policy is broken; the first one wins.
  let policyFailure: string | undefined;
  const policyName = policy.name;
  function policyFailed(what: string, error: unknown, detail?: string): void {
    if (policyFailure !== undefined) return;
    const stack = detail ?? (error instanceof Error ? (error.stack ?? error.message) : String(error));
    policyFailure = `policy "${policyName}" ${what} at virtual +${((now() - startMs) / 1000).toFixed(3)} s: ${stack}`;
    trace.record('policy.error', { what, message: error instanceof Error ? error.message : String(error) });
  }
  // The desk's inventory per coin. With several coins an inventory event names its coin.
  const inventory = new Map(coins.map((c) => [c, 0]));
  const applyInventory = (asset: string, deltaBase: number): void => {
    const inventoryBase = Math.round(((inventory.get(asset) ?? 0) + deltaBase) * 1e12) / 1e12;
    inventory.set(asset, inventoryBase);
    trace.record('inventory', { ...(multi ? { asset } : {}), deltaBase, inventoryBase });
    try {
      policy.onInventoryChange?.({ asset, deltaBase, inventoryBase, timeMs: now() });
    } catch (error) {
      policyFailed('onInventoryChange threw', error);
    }
  };
  for (const step of inventoryFromScenario(scenario, rng)) {
    if (step.atMs === 0) applyInventory(step.asset, step.base);
    else setTimeout(() => applyInventory(step.asset, step.base), step.atMs);
  }
  const engineTick = setInterval(() => {
    for (const engine of engines) engine.tick(now());
  }, 1000);

  // The policy runs alongside the driver: starting it needs virtual time (requests have latency).
  const abort = new AbortController();
  const reportError = (error: unknown): void => policyFailed('reported an error', error);
  const limitsOf = (plan: (typeof plans)[number]): PolicyLimits => ({
    netBaseMax: plan.netBaseMax,
    hedgeWithinSec: scenario.limits.hedgeWithinSec,
    ...(plan.grossBaseMaxPerVenue !== undefined ? { grossBaseMaxPerVenue: plan.grossBaseMaxPerVenue } : {}),
    ...(scenario.limits.marginUsePctMax !== undefined ? { marginUsePctMax: scenario.limits.marginUsePctMax } : {}),
    downProbesPerMinMax: scenario.limits.downProbesPerMinMax ?? DOWN_PROBES_PER_MIN_DEFAULT,
  });
  const assets: PolicyAsset[] = plans.map((plan, i) => ({
    asset: plan.asset,
    symbol: plan.market.symbol,
    venueSymbols: Object.fromEntries(scenario.venues.map((v) => [v.id, venueSpecs.get(v.id)![i]!.symbol])),
    limits: limitsOf(plan),
    inventoryBase: () => inventory.get(plan.asset) ?? 0,
  }));
  const ctx: PolicyContext = {
    symbol: plans[0]!.market.symbol,
    assets,
    venues: policyVenues,
    limits: assets[0]!.limits,
    clock: { now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
    inventoryBase: assets[0]!.inventoryBase,
    log: (message, data) => trace.record('decision', { message, ...(data ?? {}) }),
    signal: abort.signal,
    reportError,
  };
  // The policy's view of the desk, for the reconciled invariant: at the recovery deadline (with
  // phases) and at the end of the run. Asked from a timer like any other scenario event.
  const recordView = (at: 'deadline' | 'end'): void => {
    if (policy.view === undefined) return;
    try {
      const view = policy.view();
      const byAsset = multi && view.byAsset !== undefined ? { byAsset: Object.fromEntries(Object.entries(view.byAsset).map(([coin, v]) => [coin, { netBase: v.netBase, byVenue: { ...v.byVenue } }])) } : {};
      trace.record('policy.view', { at, netBase: view.netBase, byVenue: { ...view.byVenue }, ...byAsset });
    } catch (error) {
      policyFailed('view() threw', error);
    }
  };
  if (scenario.phases !== undefined) {
    const deadlineMs = Math.round((scenario.phases.chaosUntilSec + scenario.phases.convergeWithinSec) * 1000);
    if (deadlineMs <= durationMs) setTimeout(() => recordView('deadline'), deadlineMs);
  }
  trace.record('run.start', { scenario: scenario.name, seed, policy: policy.name, venues: scenario.venues.map((v) => v.id) });
  // From here until the policy is stopped, an error nobody caught is the policy's (src/sim/process-errors.ts).
  const restoreProcessErrors = takeOverProcessErrors((kind, error) =>
    policyFailed(kind === 'unhandledRejection' ? 'left a promise rejection unhandled (a missing await or .catch?)' : 'threw from a callback nobody catches (uncaughtException)', error),
  );
  const stopWatchingIo = (options.watchRealIo ?? policy.name !== 'reference') ? watchIo(policyFailed) : () => undefined;
  options.onStart?.({ trace, startMs, policy: policy.name });
  void Promise.resolve()
    .then(() => policy.start(ctx))
    .catch((error: unknown) => policyFailed('start() failed', error));

  let driven;
  try {
    driven = await drive({
      clock,
      untilMs: startMs + durationMs,
      busy: () => transport.inFlight() > 0,
      activity: () => trace.events.length,
      eventsMax: scenario.eventsMax,
      stop: () => policyFailure,
      // Every virtual timer but the scenario's own few is set by the policy or by ccxt on its behalf.
      onTimerError: (error) => policyFailed('threw from a timer callback', error),
      probe: () => probeRunaway(trace),
    });
    if (driven.kind === 'runaway') {
      policyFailed(
        'never let virtual time advance',
        new Error(driven.reason),
        `${driven.reason}. Wait with \`await ctx.clock.sleep(ms)\`, never with a loop over setImmediate, real I/O or unawaited work.\n${driven.seen !== undefined ? `last seen at:\n${driven.seen}` : 'stack unavailable (the loop recorded nothing and set no timer while watched)'}`,
      );
    }
  } finally {
    abort.abort();
    clearInterval(engineTick);
    try {
      await Promise.race([Promise.resolve().then(() => policy.stop?.()), yieldRealTurn().then(yieldRealTurn)]);
    } catch (error) {
      policyFailed('stop() failed', error);
    }
    stopWatchingIo();
    restoreProcessErrors();
    Math.random = originalRandom;
  }
  const simulatedMs = now() - startMs;
  recordView('end');
  trace.record('run.end', { result: driven.kind });
  resetVirtualClock(startMs);

  const invariants = checkInvariants({
    trace: trace.events,
    faults,
    startMs,
    durationMs: simulatedMs,
    venues: scenario.venues.map((v) => v.id),
    limits: scenario.limits,
    phases: scenario.phases,
    ...invariantAssetsOf(scenario),
  });
  if (policyFailure !== undefined) {
    invariants.push({ name: 'policyHealthy', passed: false, firstViolation: { tMs: simulatedMs, message: policyFailure }, numViolations: 1 });
  }
  const violated = invariants.some((i) => !i.passed);
  const outcome: Outcome = driven.kind === 'interrupted' ? 'interrupted' : violated ? 'violated' : 'passed';

  const faultsScheduled: Record<string, number> = {};
  for (const f of faults.faults) faultsScheduled[f.kind] = (faultsScheduled[f.kind] ?? 0) + 1;

  return {
    scenario: scenario.name,
    seed,
    outcome,
    expected: scenario.expect,
    invariants,
    traceHash: trace.hash(),
    simulatedMs,
    wallMs: Math.round(performance.now() - wallStart),
    requests: transport.counts,
    faultsInjected: { ...transport.faultsFired },
    faultsScheduled,
    policy: policy.name,
    ...(driven.kind === 'interrupted' ? { reason: driven.reason } : policyFailure !== undefined ? { reason: policyFailure } : {}),
    trace,
  };
}

/**
 * Watches for real I/O while a user policy runs: async_hooks for files, DNS and sockets, and the
 * network guard for connections and lookups it blocked (those never get as far as a resource).
 */
function watchIo(policyFailed: (what: string, error: unknown, detail?: string) => void): () => void {
  const report = (what: string, at: string | undefined, stack: string): void =>
    policyFailed(
      'did real I/O',
      new Error(what),
      `${what}${at !== undefined ? ` at ${at}` : ''}: runs are not deterministic. Do I/O before the run (in the module or its factory), never inside it.\n${stack}`,
    );
  const stopHook = watchRealIo((io) => report(io.what, io.at, io.stack));
  const stopGuard = installNetworkGuard().onBlocked((attempt) => report(`${attempt.route === 'dns' ? 'a DNS lookup of' : 'a connection to'} ${attempt.host}${attempt.port !== undefined ? `:${attempt.port}` : ''} (blocked by the network guard, via ${attempt.route})`, undefined, attempt.stack ?? ''));
  return () => {
    stopHook();
    stopGuard();
  };
}

/**
 * Catches who keeps a runaway process busy: the stack at the next trace event or virtual timer
 * set, whichever comes first, with the testbed's own frames left out. Armed only once the driver
 * has seen a runaway, so it costs nothing in a healthy run.
 */
function probeRunaway(trace: Trace): { seen(): string | undefined; done(): void } {
  let seen: string | undefined;
  const capture = (): void => {
    if (seen !== undefined) return;
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder, capture);
    const frames = (holder.stack ?? '').split('\n').slice(1).filter((line) => !/[\\/]src[\\/]sim[\\/]|node:internal|node_modules[\\/]@sinonjs/.test(line));
    seen = frames.slice(0, 8).join('\n') || undefined;
  };
  const stopTrace = trace.onEvent(() => capture());
  const faked = globalThis.setTimeout;
  const watched = function setTimeout(this: unknown, ...args: Parameters<typeof globalThis.setTimeout>) {
    capture();
    return faked.apply(this, args);
  } as typeof globalThis.setTimeout;
  globalThis.setTimeout = watched;
  return {
    seen: () => seen,
    done: () => {
      stopTrace();
      if (globalThis.setTimeout === watched) globalThis.setTimeout = faked;
    },
  };
}

/**
 * Finishes the real-time setup ccxt does lazily on an instance's first request (optional proxy
 * modules), so that it cannot happen while the driver is advancing virtual time.
 */
export async function prewarmClient(exchange: object): Promise<void> {
  await (exchange as { loadProxyModules?: () => Promise<unknown> }).loadProxyModules?.();
}

/**
 * The context a dialect serves one venue with, wired to the fault schedule: the one place that
 * says which clock, status, trading phase and market-data time a venue sees. Runs, test harnesses
 * and benchmarks all build it here, so a new field cannot be wired in one and forgotten in another.
 */
export function dialectContextFor(opts: { venueId: string; engine: VenueEngine; faults: FaultSchedule; now: () => number }): DialectContext {
  const { venueId, engine, faults, now } = opts;
  // Recorded from the start so a readLag window can answer from before it opened.
  const history = faults.faults.some((f) => f.venue === venueId && f.kind === 'readLag') ? createAccountHistory(engine, now()) : undefined;
  return {
    accountView: () => {
      const lagMs = faults.readLagMs(venueId, now());
      return lagMs > 0 && history !== undefined ? history.asOf(now() - lagMs) : engine;
    },
    engine,
    hostname: `${venueId}.venuechaos.test`,
    // Engine time is true time; the venue's own clock carries any scripted skew.
    now,
    venueClockMs: () => now() + faults.clockSkewMs(venueId, now()),
    credentials: credentialsFor(venueId),
    systemStatus: () => faults.systemStatus(venueId, now()),
    announcedMaintenance: () => faults.announcedMaintenance(venueId, now()),
    tradingPhase: () => faults.tradingPhase(venueId, now()),
    marketDataTimeMs: () => faults.marketDataTimeMs(venueId, now()),
  };
}

/** Deterministic per-venue API credentials (the mock checks signatures against them). */
export function credentialsFor(venueId: string): { apiKey: string; secret: string } {
  return { apiKey: `vc-${venueId}-key`, secret: `vc-${venueId}-secret` };
}

function recordVenueEvent(trace: Trace, venue: string, event: VenueEvent, withSymbol: boolean): void {
  switch (event.type) {
    case 'order': {
      const o = event.order;
      trace.record('venue.order', {
        venue,
        // With several coins, which one (the invariants judge each coin on its own).
        ...(withSymbol ? { symbol: o.symbol } : {}),
        orderId: o.orderId,
        clientOrderId: o.clientOrderId,
        status: o.status,
        side: o.side,
        orderType: o.type,
        qty: o.qty,
        filledQty: o.filledQty,
        reduceOnly: o.reduceOnly,
      });
      return;
    }
    case 'fill': {
      const f = event.fill;
      trace.record('venue.fill', { venue, ...(withSymbol ? { symbol: f.symbol } : {}), tradeId: f.tradeId, orderId: f.orderId, side: f.side, qty: f.qty, price: f.price, fee: f.fee });
      return;
    }
    case 'position':
      trace.record('venue.position', { venue, symbol: event.position.symbol, size: event.position.size, entryPrice: event.position.entryPrice });
      return;
    case 'liquidation':
      trace.record('venue.liquidation', { venue, symbol: event.symbol, size: event.size, price: event.price });
      return;
    case 'balance':
      // Spot activity: coins held count in exposure (the invariant reads the base asset's wallet).
      trace.record('venue.balance', { venue, asset: event.balance.asset, wallet: event.balance.wallet, locked: event.balance.locked });
      return;
    case 'margin': {
      // Perp margin samples: the marginUse invariant reads initial margin against margin balance.
      const b = event.balance;
      trace.record('venue.margin', { venue, asset: b.asset, wallet: b.wallet, marginBalance: b.marginBalance, initialMargin: b.initialMargin, maintenanceMargin: b.maintenanceMargin });
      return;
    }
  }
}
