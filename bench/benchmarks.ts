import ccxt from 'ccxt';
import fc from 'fast-check';
import { HttpResponse, getResponse, http, type RequestHandler } from 'msw';
import { createBinanceUsdmDialect } from '../mocks/binance/index.ts';
import { FaultSchedule, ackLoss, clockSkew, errorRate, latency, maintenance, outage, rateLimit, readLag, staleData, type Fault } from '../src/faults/index.ts';
import { DEFAULT_MARKETS, DEFAULT_SPOT_MARKETS } from '../src/market/markets.ts';
import { candidateArbitrary, candidateScenario, fuzz, type FuzzSearchOptions } from '../src/fuzz/index.ts';
import { createTransport } from '../src/net/transport.ts';
import { createReferencePolicy } from '../src/redundancy/reference.ts';
import { loadScenarioFile } from '../src/scenario/index.ts';
import { createRng } from '../src/sim/rng.ts';
import { DIALECTS, credentialsFor, dialectContextFor, prewarmClient, runScenario } from '../src/sim/run.ts';
import { Trace } from '../src/sim/trace.ts';
import { VIRTUAL_EPOCH_MS, resetVirtualClock, virtualClock } from '../src/sim/virtual-clock.ts';
import { createVenueEngine } from '../src/venue/engine.ts';

/**
 * Benchmarks report; they never fail. Each compares the testbed with a baseline measured in the
 * same process, in the same run:
 *
 * 1. request cost — ccxt `binanceusdm` through the testbed transport (fault layer + MSW dialect +
 *    venue engine) vs ccxt with a no-op fetch that returns a ready Response (ccxt's own floor).
 *    Goal at this stage: ≤ 2×.
 * 2. simulation speed — simulated time / wall time for scenarios/default.yaml. Goal: ≥ 500×.
 * 3. property throughput — runs per minute of the default fuzz property vs the same candidates
 *    run without their faults.
 */

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

/**
 * Virtual time between two timed requests, outside the timing: the venues enforce their real rate
 * limits (Binance: 2400 weight per minute), so a client firing back-to-back at one virtual instant
 * would be refused with 429s and the bench would time error paths. 250 ms keeps a weight-5 call
 * (fetchBalance) at 1200 weight per minute.
 */
const SPACING_MS = 250;

async function timeRequests(label: string, fn: () => Promise<unknown>, n: number): Promise<{ label: string; medianUs: number; p90Us: number }> {
  const clock = virtualClock();
  const space = (): void => clock.setSystemTime(Date.now() + SPACING_MS);
  for (let i = 0; i < Math.min(200, n); i++) {
    space();
    await fn(); // warm-up: JIT, caches
  }
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    space();
    const t0 = performance.now();
    await fn();
    samples.push((performance.now() - t0) * 1000);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { label, medianUs: median(samples), p90Us: sorted[Math.floor(sorted.length * 0.9)] ?? NaN };
}

async function requestCost(n: number): Promise<void> {
  resetVirtualClock(VIRTUAL_EPOCH_MS);
  const now = (): number => Date.now();
  const engine = createVenueEngine({ venueId: 'bench', markets: [...DEFAULT_MARKETS], balances: { USDT: '1000000' }, midPrice: () => 60000 });
  const dialect = createBinanceUsdmDialect(dialectContextFor({ venueId: 'bench', engine, faults: new FaultSchedule([]), now }));
  const trace = new Trace({ startMs: VIRTUAL_EPOCH_MS, now });
  const transport = createTransport({ venues: [{ id: 'bench', dialect, latencyMs: 0 }], faults: new FaultSchedule([]), trace, now, rng: createRng(1) });

  const wired = new ccxt.binanceusdm({ ...credentialsFor('bench'), enableRateLimit: false, fetchImplementation: transport.fetch });
  dialect.configureClient(wired);
  await prewarmClient(wired);
  await wired.loadMarkets();
  const serverTime = JSON.stringify({ serverTime: VIRTUAL_EPOCH_MS });
  const floor = new ccxt.binanceusdm({
    enableRateLimit: false,
    fetchImplementation: async () => new Response(serverTime, { status: 200, headers: { 'Content-Type': 'application/json' } }),
  });

  const timeUrl = 'https://fapi.bench.venuechaos.test/fapi/v1/time';
  const rows = [
    await timeRequests('ccxt fetchTime, no-op fetch (floor)', () => floor.fetchTime(), n),
    await timeRequests('  part: MSW getResponse alone (no ccxt)', () => getResponse(dialect.handlers as RequestHandler[], new Request(timeUrl)), n),
    await timeRequests('ccxt fetchTime, through venuechaos', () => wired.fetchTime(), n),
    await timeRequests('ccxt fetchBalance (signed), through venuechaos', () => wired.fetchBalance(), Math.floor(n / 2)),
  ];
  const base = rows[0]?.medianUs ?? NaN;
  console.log(`\nrequest cost (median of ${n}, µs; enableRateLimit off)`);
  console.log('  ' + 'case'.padEnd(50) + 'median'.padStart(9) + 'p90'.padStart(9) + '  vs floor');
  for (const r of rows) {
    console.log('  ' + r.label.padEnd(50) + r.medianUs.toFixed(0).padStart(9) + r.p90Us.toFixed(0).padStart(9) + `  ${(r.medianUs / base).toFixed(2)}×`);
  }
  const ratio = (rows[2]?.medianUs ?? NaN) / base;
  console.log(`  goal ≤ 2× for fetchTime: ${ratio <= 2 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}×)`);
  // Trace is kept so the transport does its real work; drop it now.
  void trace;
  await inactiveFaultCost(n);
}

/** Every fault kind scheduled on the venue, none active yet (windows a year away). */
function inactiveFaults(venue: string): Fault[] {
  const w = { venue, startMs: VIRTUAL_EPOCH_MS + 365 * 86_400_000, durationMs: 60_000 };
  return [
    outage({ ...w, mode: 'timeout' }),
    rateLimit({ ...w, retryAfterSec: 10, banSec: 120 }),
    rateLimit({ ...w, budgetPct: 10 }),
    maintenance({ ...w, phase: 'cancelOnly' }),
    latency({ ...w, latencyMsMedian: 100, latencyMsP99: 1000 }),
    ackLoss({ ...w }),
    errorRate({ ...w, probability: 0.5 }),
    clockSkew({ ...w, skewMs: 20_000 }),
    staleData(w),
    readLag({ ...w, lagSec: 30 }),
  ];
}

/**
 * Issue 3: no fault kind slows the no-fault path. The same signed request through a transport
 * with no faults and through one with every kind scheduled but inactive, alternated in blocks so
 * drift hits both alike. Goal: within 10 %.
 */
async function inactiveFaultCost(n: number): Promise<void> {
  const now = (): number => Date.now();
  const clientFor = async (venueId: string, faults: FaultSchedule) => {
    const engine = createVenueEngine({ venueId, markets: [...DEFAULT_MARKETS], balances: { USDT: '1000000' }, midPrice: () => 60000 });
    const dialect = createBinanceUsdmDialect(dialectContextFor({ venueId, engine, faults, now }));
    const trace = new Trace({ startMs: VIRTUAL_EPOCH_MS, now });
    const transport = createTransport({ venues: [{ id: venueId, dialect, latencyMs: 0 }], faults, trace, now, rng: createRng(1) });
    const exchange = new ccxt.binanceusdm({ ...credentialsFor(venueId), enableRateLimit: false, fetchImplementation: transport.fetch });
    dialect.configureClient(exchange);
    await prewarmClient(exchange);
    await exchange.loadMarkets();
    return exchange;
  };
  const none = await clientFor('bench-a', new FaultSchedule([]));
  const all = await clientFor('bench-b', new FaultSchedule(inactiveFaults('bench-b')));
  const blocks = 4;
  const per = Math.max(50, Math.floor(n / blocks));
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < blocks; i++) {
    a.push((await timeRequests('none', () => none.fetchBalance(), per)).medianUs);
    b.push((await timeRequests('all', () => all.fetchBalance(), per)).medianUs);
  }
  const ma = median(a);
  const mb = median(b);
  console.log(`
fault layer cost on the no-fault path (fetchBalance, median of ${blocks} alternating blocks of ${per}, µs)`);
  console.log(`  no faults scheduled                                ${ma.toFixed(0).padStart(6)}`);
  console.log(`  every kind scheduled, none active                  ${mb.toFixed(0).padStart(6)}  ${((mb / ma - 1) * 100).toFixed(1)} %`);
  console.log(`  goal within 10 %: ${mb <= ma * 1.1 ? 'met' : 'NOT met'}`);
}

async function simulationSpeed(file: string, runs: number): Promise<void> {
  const loaded = await loadScenarioFile(file);
  if (!loaded.ok) throw new Error(`bench: ${file} does not load`);
  console.log(`\nsimulation speed: ${file} (${loaded.scenario.durationSec} s simulated, ${runs} runs)`);
  const speeds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const result = await runScenario(loaded.scenario);
    const wallMs = performance.now() - t0;
    speeds.push(result.simulatedMs / wallMs);
    console.log(`  run ${i + 1}: ${result.outcome}, ${Math.round(wallMs)} ms wall, ${Math.round(result.simulatedMs / wallMs)}× real time, ${result.trace.events.length} events`);
  }
  const m = median(speeds);
  console.log(`  median ${Math.round(m)}× real time (baseline: 1× = real time); goal ≥ 500×: ${m >= 500 ? 'met' : 'NOT met'}`);
}

/**
 * Issue 4: routing cost stays flat as endpoints are added. Each dialect serves dozens of routes
 * behind one MSW handler per host with an internal Map; its cost to route a request is compared
 * with a one-route MSW handler in the same run (the floor for "a request through MSW").
 */
async function routingCost(n: number): Promise<void> {
  const now = (): number => Date.now();
  const single = [http.get('https://single.venuechaos.test/time', () => HttpResponse.json({ serverTime: 0 }))];
  const rows: Array<{ label: string; medianUs: number }> = [];
  rows.push(await timeRequests('one route, one handler (baseline)', () => getResponse(single, new Request('https://single.venuechaos.test/time')), n));
  const paths: Record<string, string[]> = {
    binanceusdm: ['fapi./fapi/v1/time', 'fapi./fapi/v1/ticker/24hr?symbol=BTCUSDT'],
    bybit: ['api./v5/market/time', 'api./v5/market/tickers?category=linear&symbol=BTCUSDT'],
    okx: ['www./api/v5/public/time', 'www./api/v5/market/ticker?instId=BTC-USDT-SWAP'],
    binance: ['api./api/v3/time', 'api./api/v3/ticker/24hr?symbol=BTCUSDT'],
    kraken: ['api./0/public/Time', 'api./0/public/Ticker?pair=XXBTZUSD'],
  };
  for (const [name, factory] of Object.entries(DIALECTS)) {
    const spot = name === 'binance' || name === 'kraken';
    const markets = spot ? DEFAULT_SPOT_MARKETS.filter((m) => (name === 'kraken' ? m.quote === 'USD' : m.quote === 'USDT')) : [...DEFAULT_MARKETS];
    const engine = createVenueEngine({ venueId: 'route', markets, balances: { USDT: '1000' }, midPrice: () => 60000 });
    const dialect = factory(dialectContextFor({ venueId: 'route', engine, faults: new FaultSchedule([]), now }));
    for (const p of paths[name] ?? []) {
      const dot = p.indexOf('.');
      const url = `https://${p.slice(0, dot)}.route.venuechaos.test${p.slice(dot + 1)}`;
      rows.push(await timeRequests(`${name} ${p.slice(dot + 1).split('?')[0]}`, () => getResponse(dialect.handlers as RequestHandler[], new Request(url)), n));
    }
  }
  const base = rows[0]?.medianUs ?? NaN;
  console.log(`\nrouting cost: MSW getResponse per dialect (median of ${n}, µs) vs one route`);
  for (const r of rows) console.log('  ' + r.label.padEnd(50) + r.medianUs.toFixed(0).padStart(9) + `  ${(r.medianUs / base).toFixed(2)}×`);
}

/**
 * Issue 7: property throughput. The default property — what `venuechaos fuzz` runs with no
 * options: candidates over scenarios/default.yaml without its faults, runs of 60–600 s, at most
 * one venue down at a time, the reference policy — timed three ways on the same seed:
 *
 * - `fuzz()` itself: candidate drawing, the YAML round trip, the runs, the invariant checks;
 * - the same candidates (fc.sample on the seed: the draws fc.check makes) run in a plain loop;
 * - the same candidates with their faults removed (baseline): same lengths, inventory and jumps.
 *
 * The first over the last is the cost of faults plus search; simulated seconds are shown so a
 * difference in run lengths would be visible.
 */
async function propertyThroughput(runs: number): Promise<void> {
  const loaded = await loadScenarioFile('scenarios/default.yaml');
  if (!loaded.ok) throw new Error('bench: scenarios/default.yaml does not load');
  const base = { ...loaded.scenario, faults: [] };
  const search: FuzzSearchOptions = { durationSecMax: 600, maxConcurrentDown: 1 };
  const seed = 1;
  const candidates = fc.sample(candidateArbitrary(base, search), { seed, numRuns: runs });

  const loop = async (withFaults: boolean): Promise<{ wallMs: number; simulatedMs: number; fired: number }> => {
    let simulatedMs = 0;
    let fired = 0;
    const t0 = performance.now();
    for (const c of candidates) {
      const { scenario } = candidateScenario(base, withFaults ? c : { ...c, faults: [] });
      const result = await runScenario(scenario, { policy: createReferencePolicy() });
      simulatedMs += result.simulatedMs;
      if (Object.values(result.faultsInjected).some((n) => n > 0)) fired += 1;
    }
    return { wallMs: performance.now() - t0, simulatedMs, fired };
  };

  // Warm-up (JIT, ccxt's per-class caches) so the first timed case is not charged for it.
  for (const c of candidates.slice(0, 2)) await runScenario(candidateScenario(base, c).scenario, { policy: createReferencePolicy() });
  const baseline = await loop(false);
  const faulted = await loop(true);
  const t0 = performance.now();
  const report = await fuzz({ base, policy: () => createReferencePolicy(), runs, seed, search, shrinkRunsMax: 0 });
  const fuzzWallMs = performance.now() - t0;
  const fuzzRuns = report.outcome === 'passed' ? report.runs : report.searchRuns + report.shrinkRuns;

  const perMin = (n: number, wallMs: number): number => (n * 60_000) / wallMs;
  const simulatedSec = Math.round(faulted.simulatedMs / 1000);
  console.log(`\nproperty throughput: default fuzz property (scenarios/default.yaml without faults, 60–600 s runs, maxConcurrentDown 1, reference), ${runs} candidates, seed ${seed}`);
  console.log('  ' + 'case'.padEnd(50) + 'runs/min'.padStart(9) + 'wall s'.padStart(9) + 'sim s'.padStart(9) + '  vs baseline');
  const rows: Array<[string, number, number, number | undefined]> = [
    ['same candidates, faults removed (baseline)', runs, baseline.wallMs, Math.round(baseline.simulatedMs / 1000)],
    ['same candidates with their faults, plain loop', runs, faulted.wallMs, simulatedSec],
    // Simulated time of fuzz's own runs is not reported by it; when it passed they are these candidates.
    ['fuzz() (search: draw, YAML round trip, run, check)', fuzzRuns, fuzzWallMs, report.outcome === 'passed' ? simulatedSec : undefined],
  ];
  const baseRate = perMin(runs, baseline.wallMs);
  for (const [label, n, wallMs, sim] of rows) {
    const rate = perMin(n, wallMs);
    console.log('  ' + label.padEnd(50) + rate.toFixed(0).padStart(9) + (wallMs / 1000).toFixed(2).padStart(9) + (sim === undefined ? '–' : String(sim)).padStart(9) + `  ${(baseRate / rate).toFixed(2)}× the time`);
  }
  console.log(`  faults hit requests in ${faulted.fired} of ${runs} runs; fuzz: ${report.outcome}${report.outcome === 'violated' ? ` (${report.invariant} at run ${report.searchRuns}; its runs counted without shrinking)` : ''}`);
}

export async function runBenchmarks(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  console.log(`venuechaos bench · node ${process.version} · ${quick ? 'quick' : 'full'}`);
  await requestCost(quick ? 300 : 3000);
  await routingCost(quick ? 300 : 2000);
  await simulationSpeed('scenarios/default.yaml', quick ? 1 : 3);
  await propertyThroughput(quick ? 10 : 50);
}
