import { describe, expect, test } from 'vitest';
import type { Policy } from '../../src/redundancy/policy.ts';
import { loadPolicy } from '../../src/redundancy/load-policy.ts';
import { meetsExpectation } from '../../src/report/write.ts';
import { parseScenario, type Scenario } from '../../src/scenario/index.ts';
import { runScenario, type RunResult } from '../../src/sim/run.ts';

/**
 * The concentration, margin and recovery invariants on real runs, judged on the trace's ground
 * truth. Each story runs once within its limit and once past it: the caps are broken by a policy
 * that ignores them (the shipped no-failover example: everything on the primary), and kept by the
 * reference engine's router on the same run.
 */

const loadedNoFailover = await loadPolicy('src/redundancy/examples/no-failover.ts');
if (!loadedNoFailover.ok) throw new Error(`no-failover example does not load: ${JSON.stringify(loadedNoFailover.error)}`);
/** A fresh policy that hedges everything on the primary and knows no caps. */
const ignoresCaps = (): Policy => (loadedNoFailover as { create: () => Policy }).create();

/** The reference engine's decisions in the trace. */
const decisions = (result: RunResult): string[] => result.trace.events.filter((e) => e.type === 'decision').map((e) => String(e['message']));

function scenario(text: string): Scenario {
  const parsed = parseScenario(text, 'limits-and-phases.yaml');
  if (!parsed.ok) throw new Error(`test scenario does not load: ${JSON.stringify(parsed.errors)}`);
  return parsed.scenario;
}

const invariant = (result: RunResult, name: string) => {
  const found = result.invariants.find((i) => i.name === name);
  if (found === undefined) throw new Error(`no ${name} invariant in the run's result`);
  return found;
};

/** The primary starts with a 3 BTC short against 3 BTC of inventory, and takes a 3 BTC rise at +30 s too. */
const parkedOnPrimary = (grossBaseMaxPerVenue: number, expectation: string): string => `
name: parked-on-primary
seed: 7
durationSec: 120
market: { symbol: BTC/USDT:USDT, priceStart: 60000, volatilityAnnual: 0.5 }
venues:
  - { id: primary, dialect: binanceusdm, balances: { USDT: 250000 }, positions: [{ symbol: BTC/USDT:USDT, base: -3 }] }
  - { id: backup,  dialect: binanceusdm, balances: { USDT: 250000 } }
inventory:
  - { atSec: 0, base: 3 }
  - { atSec: 30, base: 3 }
limits: { netBaseMax: 0.5, hedgeWithinSec: 30, grossBaseMaxPerVenue: ${grossBaseMaxPerVenue} }
expect: ${expectation}
`;

/** Nothing held at the start; 3 BTC of inventory at once, 1 more at +30 s: one venue under a 2.5 cap cannot hold it all. */
const splitAcross = (grossBaseMaxPerVenue: number, expectation: string): string => `
name: split-across-venues
seed: 7
durationSec: 120
market: { symbol: BTC/USDT:USDT, priceStart: 60000, volatilityAnnual: 0.5 }
venues:
  - { id: primary, dialect: binanceusdm, balances: { USDT: 250000 } }
  - { id: backup,  dialect: bybit,       balances: { USDT: 250000 } }
inventory:
  - { atSec: 0, base: 3 }
  - { atSec: 30, base: 1 }
limits: { netBaseMax: 0.5, hedgeWithinSec: 30, grossBaseMaxPerVenue: ${grossBaseMaxPerVenue} }
expect: ${expectation}
`;

/** A 50 000 USDT primary takes a 3 BTC hedge, then 2 BTC more at +30 s: about 60 % of its margin balance in use. */
const smallWallet = (marginUsePctMax: number, expectation: string): string => `
name: margin-on-a-small-wallet
seed: 7
durationSec: 120
market: { symbol: BTC/USDT:USDT, priceStart: 60000, volatilityAnnual: 0.5 }
venues:
  - { id: primary, dialect: binanceusdm, balances: { USDT: 50000 } }
  - { id: backup,  dialect: binanceusdm, balances: { USDT: 250000 } }
inventory:
  - { atSec: 0, base: 3 }
  - { atSec: 30, base: 2 }
limits: { netBaseMax: 0.5, hedgeWithinSec: 30, marginUsePctMax: ${marginUsePctMax} }
expect: ${expectation}
`;

/**
 * Both venues refuse every connection from +100 s to +400 s (the chaos phase); 2 BTC of inventory
 * arrives inside it. Once the faults lift the reference engine's probes find the venues and it
 * hedges. Each venue is 250 ms away: a request that reaches one after the lift answers 125 ms
 * later and the order it leads to reaches the venue 125 ms after that, so no hedge can land
 * before +400.250 s, whatever the engine does.
 */
const darkThenRecover = (convergeWithinSec: number, expectation: string): string => `
name: dark-then-recover
seed: 11
durationSec: 600
market: { symbol: BTC/USDT:USDT, priceStart: 60000, volatilityAnnual: 0.5 }
venues:
  - { id: primary, dialect: binanceusdm, balances: { USDT: 250000 }, latencyMs: 250 }
  - { id: backup,  dialect: binanceusdm, balances: { USDT: 250000 }, latencyMs: 250 }
inventory:
  - { atSec: 0, base: 2 }
  - { atSec: 200, base: 2 }
limits: { netBaseMax: 0.5, hedgeWithinSec: 90 }
faults:
  - { venue: primary, kind: outage, atSec: 100, durationSec: 300, mode: refused }
  - { venue: backup,  kind: outage, atSec: 100, durationSec: 300, mode: refused }
phases: { chaosUntilSec: 400, convergeWithinSec: ${convergeWithinSec} }
expect: ${expectation}
`;

const PASSED = '{ outcome: passed }';
const violated = (name: string): string => `{ outcome: violated, invariant: ${name} }`;

describe('grossPerVenue on a real run', () => {
  test('fires at the start when a venue starts with a position larger than the cap, naming the venue and the excess', async () => {
    const result = await runScenario(scenario(parkedOnPrimary(2.5, violated('grossPerVenue'))), { policy: ignoresCaps() });
    expect(result.outcome).toBe('violated');
    expect(meetsExpectation(result)).toBe(true);
    const gross = invariant(result, 'grossPerVenue');
    expect(gross.firstViolation).toMatchObject({ tMs: 0, venue: 'primary', excess: 0.5 });
    // The policy knows nothing of the position it starts with and hedges on the primary only: the stretch peaks later.
    expect(gross.firstViolation?.message).toMatch(/^primary: held 3 base \(position -3\) at \+0\.000 s, over grossBaseMaxPerVenue 2\.5 by 0\.5; at most \d+ base at \+\d+\.\d{3} s; still over when the run ended$/);
  });

  test('fires when a policy that ignores the cap puts the whole hedge on the primary', async () => {
    const result = await runScenario(scenario(splitAcross(2.5, violated('grossPerVenue'))), { policy: ignoresCaps() });
    expect(result.outcome).toBe('violated');
    expect(meetsExpectation(result)).toBe(true);
    const gross = invariant(result, 'grossPerVenue');
    expect(gross.firstViolation).toMatchObject({ venue: 'primary', excess: 0.5 });
    expect(gross.firstViolation?.message).toMatch(/^primary: held 3 base \(position -3\) at \+0\.\d{3} s, over grossBaseMaxPerVenue 2\.5 by 0\.5; at most 4 base at \+30\.\d{3} s; still over when the run ended$/);
    expect(invariant(result, 'exposure').passed).toBe(true);
  });

  test('the reference engine splits the hedge across two venues at the cap; grossPerVenue and exposure hold on ground truth', async () => {
    const result = await runScenario(scenario(splitAcross(2.5, PASSED)));
    expect(result.outcome).toBe('passed');
    expect(invariant(result, 'grossPerVenue')).toMatchObject({ passed: true, numViolations: 0 });
    expect(invariant(result, 'exposure')).toMatchObject({ passed: true, numViolations: 0 });
    const said = decisions(result);
    expect(said).toContain('hedging net 3 BTC: splitting 3: 2.5 on primary (gross cap 2.5), 0.5 on backup');
    expect(said.some((m) => /^hedging net 1 BTC: placing 1: 1 on backup/.test(m) || /^hedging net 1 BTC: sell 1 on backup \(primary primary is healthy, without room for more\)$/.test(m))).toBe(true);
    const orders = result.trace.events.filter((e) => e.type === 'decision' && /^hedging net [\d.]+ BTC: (sell|buy) /.test(String(e['message'])));
    expect(orders.map((e) => [e.venue, e['amount']])).toEqual([['primary', 2.5], ['backup', 0.5], ['backup', 1]]);
  });

  test('passes the same run when the cap covers what the primary holds', async () => {
    const result = await runScenario(scenario(parkedOnPrimary(6, PASSED)));
    expect(result.outcome).toBe('passed');
    expect(invariant(result, 'grossPerVenue')).toMatchObject({ passed: true, numViolations: 0 });
    expect(invariant(result, 'grossPerVenue').note).toBeUndefined();
  });
});

describe('marginUse on a real run', () => {
  test('fires when a policy that ignores the cap puts more of a small wallet in margin than marginUsePctMax, from the engine\'s margin samples', async () => {
    const result = await runScenario(scenario(smallWallet(50, violated('marginUse'))), { policy: ignoresCaps() });
    expect(result.outcome).toBe('violated');
    expect(meetsExpectation(result)).toBe(true);
    expect(result.trace.events.filter((e) => e.type === 'venue.margin' && e.venue === 'primary').length).toBeGreaterThan(0);
    const margin = invariant(result, 'marginUse');
    expect(margin.firstViolation?.venue).toBe('primary');
    expect(margin.firstViolation?.tMs).toBeGreaterThan(30_000);
    expect(margin.firstViolation?.excess).toBeGreaterThan(9);
    expect(margin.firstViolation?.message).toMatch(/^primary: initial margin [\d.]+ USDT was 60\.\d+% of margin balance [\d.]+ USDT at \+30\.\d{3} s, over marginUsePctMax 50% by 10\.\d+ points/);
  });

  test('the reference engine keeps margin use within marginUsePctMax, putting what the primary has no room for on the backup', async () => {
    const result = await runScenario(scenario(smallWallet(50, PASSED)));
    expect(result.outcome).toBe('passed');
    expect(invariant(result, 'marginUse')).toMatchObject({ passed: true, numViolations: 0 });
    expect(invariant(result, 'exposure')).toMatchObject({ passed: true, numViolations: 0 });
    expect(decisions(result).some((m) => /^hedging net 2 BTC: splitting 2: [\d.]+ on primary \(margin use cap 50%\), [\d.]+ on backup$/.test(m))).toBe(true);
  });

  test('passes the same run with room to spare', async () => {
    const result = await runScenario(scenario(smallWallet(80, PASSED)));
    expect(result.outcome).toBe('passed');
    expect(invariant(result, 'marginUse')).toMatchObject({ passed: true, numViolations: 0 });
  });
});

describe('converged on a real run: an outage covering the chaos phase, then recovery', () => {
  test('passes when the reference engine hedges within convergeWithinSec of the faults lifting', async () => {
    const result = await runScenario(scenario(darkThenRecover(120, PASSED)));
    expect(result.faultsInjected['outage'] ?? 0).toBeGreaterThan(0);
    expect(result.outcome).toBe('passed');
    expect(invariant(result, 'converged')).toMatchObject({ passed: true, numViolations: 0 });
    expect(invariant(result, 'converged').note).toBeUndefined();
  });

  test('fails when convergeWithinSec is shorter than a round trip to a venue, saying how late the hedge came', async () => {
    const result = await runScenario(scenario(darkThenRecover(0.2, violated('converged'))));
    expect(result.faultsInjected['outage'] ?? 0).toBeGreaterThan(0);
    expect(result.outcome).toBe('violated');
    expect(meetsExpectation(result)).toBe(true);
    // Only liveness broke: every breach was within the allowances of the safety checks.
    expect(result.invariants.filter((i) => !i.passed).map((i) => i.name)).toEqual(['converged']);
    const converged = invariant(result, 'converged');
    expect(converged.firstViolation).toMatchObject({ tMs: 400_200, excess: 1.5 });
    expect(converged.firstViolation?.message).toMatch(
      /^not hedged by the recovery deadline \+400\.200 s \(chaosUntilSec 400 \+ convergeWithinSec 0\.2\): net exposure 2 base \(inventory 4; primary position -2\), over netBaseMax 0\.5 by 1\.5; within the limit again at \+4\d\d\.\d{3} s, \d+\.\d{3} s late$/,
    );
  });
});
