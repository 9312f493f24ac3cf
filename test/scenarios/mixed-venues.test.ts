import { describe, expect, test } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/index.ts';
import { DIALECTS, runScenario } from '../../src/sim/run.ts';

/**
 * scenarios/mixed-venues.yaml tells a story the shipped-scenario test cannot check on its own:
 * one venue of every dialect, and with the primary dark, OKX in a 429 storm and Bybit cancel-only,
 * the exposure rise is cut by selling coins on the Kraken spot venue (its ground-truth balance).
 */
describe('mixed venues: one of each dialect, coins sold on spot when the perps cannot hedge', () => {
  test('every dialect answers, and Kraken sells BTC inside the window', async () => {
    const loaded = await loadScenarioFile('scenarios/mixed-venues.yaml');
    if (!loaded.ok) throw new Error('mixed-venues.yaml does not load');
    const scenario = loaded.scenario;
    expect(new Set(scenario.venues.map((v) => v.dialect))).toEqual(new Set(Object.keys(DIALECTS)));

    const result = await runScenario(scenario);
    expect(result.outcome).toBe('passed');
    for (const v of scenario.venues) expect(result.requests[v.id]?.['ok'] ?? 0, `${v.id} (${v.dialect}) answered`).toBeGreaterThan(0);

    const krakenBtc = result.trace.events.filter((e) => e.type === 'venue.balance' && e.venue === 'kraken-spot' && e['asset'] === 'BTC');
    const before = krakenBtc.filter((e) => e.tMs < 700_000).at(-1);
    const after = krakenBtc.filter((e) => e.tMs >= 700_000 && e.tMs < 745_000).at(-1);
    expect(Number(before?.['wallet'])).toBe(1.5);
    // The 1 BTC rise at +700 s, with every perp venue impaired, is hedged by selling coins on Kraken.
    expect(Number(after?.['wallet'])).toBeCloseTo(0.5, 8);
    const hedges = result.trace.events.filter((e) => e.type === 'decision' && String(e['message']).startsWith('hedging') && e.tMs >= 700_000 && e.tMs < 745_000);
    expect(hedges.map((e) => e.venue)).toContain('kraken-spot');
  });
});
