import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { FAULT_KINDS, loadScenarioFile, parseScenario, scenarioJsonSchema, type Scenario } from '../../../src/scenario/index.ts';
import { EXAMPLE_YAML, replaceOnce } from './fixtures.ts';
import { marketsOf } from '../../../src/scenario/markets.ts';

function ok(text: string, file = 'example.yaml'): Scenario {
  const result = parseScenario(text, file);
  if (!result.ok) throw new Error(`expected a valid scenario, got ${JSON.stringify(result.errors, null, 2)}`);
  return result.scenario;
}

describe('loading a valid scenario', () => {
  test('loads the example and fills in every default', () => {
    expect(ok(EXAMPLE_YAML)).toEqual({
      name: 'primary-outage',
      description: 'The primary venue goes dark for ten minutes while the desk is hedged there.',
      seed: 42,
      durationSec: 3600,
      market: { symbol: 'BTC/USDT:USDT', priceStart: 60000, volatilityAnnual: 0.8, driftAnnual: 0, jumps: [], gaps: [] },
      venues: [
        { id: 'primary', dialect: 'binanceusdm', balances: { USDT: 250000 }, positions: [], feeTakerBps: 4, feeMakerBps: 2, leverage: 10, latencyMs: 5, basisBps: 0, spreadBps: 1, rateLimitTierPct: 100 },
        { id: 'backup', dialect: 'binanceusdm', balances: { USDT: 250000 }, positions: [], feeTakerBps: 4, feeMakerBps: 2, leverage: 10, latencyMs: 5, basisBps: 0, spreadBps: 1, rateLimitTierPct: 100 },
      ],
      inventory: [
        { atSec: 0, base: 5 },
        { atSec: 1200, base: -2 },
      ],
      limits: { netBaseMax: 0.5, hedgeWithinSec: 30 },
      faults: [
        { venue: 'primary', kind: 'outage', atSec: 600, durationSec: 600, mode: 'timeout', scope: 'all', probability: 1 },
        { venue: 'backup', kind: 'rateLimit', atSec: 700, durationSec: 120, retryAfterSec: 10, probability: 1 },
      ],
      policy: 'reference',
      expect: { outcome: 'passed' },
      eventsMax: 2_000_000,
    });
  });

  test('fills in defaults for a minimal scenario, and leaves sources out when absent', () => {
    const s = ok(`name: tiny\nseed: 0\ndurationSec: 60\nmarket: { priceStart: 100 }\nvenues: [{ id: a, dialect: binanceusdm }]\nlimits: { netBaseMax: 1, hedgeWithinSec: 5 }\n`);
    expect(s.market).toEqual({ symbol: 'BTC/USDT:USDT', priceStart: 100, volatilityAnnual: 0.5, driftAnnual: 0, jumps: [], gaps: [] });
    expect(s.venues[0]?.balances).toEqual({ USDT: 100_000 });
    expect(s).toMatchObject({ description: '', inventory: [], faults: [], policy: 'reference', expect: { outcome: 'passed' }, eventsMax: 2_000_000 });
    expect('sources' in s).toBe(false);
  });

  test('gives each scenario its own default objects', () => {
    const text = `name: tiny\nseed: 0\ndurationSec: 60\nmarket: { priceStart: 100 }\nvenues: [{ id: a, dialect: binanceusdm }]\nlimits: { netBaseMax: 1, hedgeWithinSec: 5 }\n`;
    const a = ok(text);
    a.venues[0]!.balances['USDT'] = 1;
    expect(ok(text).venues[0]?.balances).toEqual({ USDT: 100_000 });
  });

  test('converts duration strings in every *Sec field to seconds', () => {
    const text = EXAMPLE_YAML.replace('durationSec: 3600', 'durationSec: 1h')
      .replace('atSec: 1200', 'atSec: 20m')
      .replace('hedgeWithinSec: 30', 'hedgeWithinSec: 30s')
      .replace('atSec: 600, durationSec: 600', 'atSec: 10m, durationSec: "600s"')
      .replace('retryAfterSec: 10', 'retryAfterSec: 500ms, banSec: 1h30m')
      .replace('priceStart: 60000,', 'priceStart: 60000, jumps: [{ atSec: 59m59s, pct: -5 }],');
    const s = ok(text);
    expect(s.durationSec).toBe(3600);
    expect(s.inventory[1]?.atSec).toBe(1200);
    expect(s.limits.hedgeWithinSec).toBe(30);
    expect(s.faults[0]).toMatchObject({ atSec: 600, durationSec: 600 });
    expect(s.faults[1]).toMatchObject({ retryAfterSec: 0.5, banSec: 5400 });
    expect(marketsOf(s.market)[0]!.jumps).toEqual([{ atSec: 3599, pct: -5 }]);
  });

  test('accepts maintenance faults and policy module paths', () => {
    const text = replaceOnce(EXAMPLE_YAML, 'policy: reference', 'policy: ./policies/mine.ts') + 'expect: { outcome: violated, invariant: exposure }\n';
    const s = ok(text.replace('kind: rateLimit, atSec: 700, durationSec: 120, retryAfterSec: 10', 'kind: maintenance, atSec: 3000, durationSec: 600, announcedAheadSec: 1h'));
    expect(s.policy).toBe('./policies/mine.ts');
    expect(s.expect).toEqual({ outcome: 'violated', invariant: 'exposure' });
    expect(s.faults[1]).toEqual({ venue: 'backup', kind: 'maintenance', atSec: 3000, durationSec: 600, announcedAheadSec: 3600, phase: 'full', probability: 1 });
  });

  test('reads JSON with the same rules as YAML', () => {
    const yamlScenario = ok(EXAMPLE_YAML);
    const json = JSON.stringify({ ...yamlScenario, durationSec: '1h' }, null, 2);
    expect(ok(json, 'example.json')).toEqual(yamlScenario);
  });

  test('loads every shipped scenario file', async () => {
    for (const file of ['scenarios/default.yaml', 'scenarios/flaky-backups.yaml', 'scenarios/maintenance-window.yaml']) {
      const result = await loadScenarioFile(file);
      expect(result.ok ? [] : result.errors).toEqual([]);
    }
  });

  test('reads a file from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'venuechaos-scenario-'));
    const file = join(dir, 'x.yaml');
    writeFileSync(file, EXAMPLE_YAML);
    const result = await loadScenarioFile(file);
    expect(result.ok && result.scenario.name).toBe('primary-outage');
  });

  test('a loaded scenario written back out loads to the same value', () => {
    const s = ok(EXAMPLE_YAML);
    expect(ok(stringify(s))).toEqual(s);
  });
});

describe('loading a file that is not there', () => {
  test('returns VC_SCENARIO_FILE with a hint instead of throwing', async () => {
    const result = await loadScenarioFile('scenarios/does-not-exist.yaml');
    expect(result).toEqual({
      ok: false,
      errors: [expect.objectContaining({ code: 'VC_SCENARIO_FILE', file: 'scenarios/does-not-exist.yaml', message: 'no such file', hint: expect.stringContaining('scenarios/') })],
    });
  });

  test('reports a directory as not a scenario file', async () => {
    const result = await loadScenarioFile('scenarios');
    expect(result.ok ? undefined : result.errors[0]?.code).toBe('VC_SCENARIO_FILE');
  });
});

describe('scenarioJsonSchema', () => {
  test('describes the input: strict objects, durations as number or string, fault kinds', () => {
    const schema = scenarioJsonSchema() as { type: string; additionalProperties: boolean; else: { required: string[] }; properties: Record<string, any> };
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.else.required).toEqual(expect.arrayContaining(['name', 'seed', 'durationSec', 'market', 'venues', 'limits']));
    expect(schema.properties['durationSec']).toEqual({ type: ['number', 'string'], description: expect.stringMatching(/^a duration: seconds as a number, or a string/) });
    const kinds = (schema.properties['faults'].items.oneOf as Array<{ properties: { kind: { const: string } } }>).map((o) => o.properties.kind.const);
    expect(kinds).toEqual([...FAULT_KINDS]);
    expect(kinds).toContain('outage');
  });
});
