import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

/** The CLI, spawned as a user runs it: `node bin/venuechaos.mjs …`. */
function venuechaos(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/venuechaos.mjs', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'venuechaos-cli-'));

describe('venuechaos run', () => {
  test('runs the default scenario to a summary, writes summary.json and trace.ndjson, exits 0; a second process gives the same trace hash', () => {
    const dirs = [join(tmp, 'a'), join(tmp, 'b')];
    const hashes = dirs.map((dir) => {
      const r = venuechaos(['run', 'scenarios/default.yaml', '--report-dir', dir]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/outcome: PASSED/);
      expect(r.stdout).toMatch(/replay: npx venuechaos run scenarios\/default.yaml --seed 42/);
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
      for (const key of ['scenario', 'seed', 'outcome', 'invariants', 'traceHash', 'simulatedMs', 'wallMs', 'requests', 'faultsInjected']) {
        expect(summary).toHaveProperty(key);
      }
      expect(summary.outcome).toBe('passed');
      expect(summary.invariants.map((i: { name: string }) => i.name)).toEqual(['exposure', 'retryAfter', 'noBan', 'grossPerVenue', 'marginUse', 'converged', 'noLiquidation', 'noDoubleHedge', 'probeBudget', 'reconciled']);
      expect(summary.faultsInjected.outage).toBeGreaterThan(0);
      expect(summary.faultsInjected.rateLimit).toBeGreaterThan(0);
      const lines = readFileSync(join(dir, 'trace.ndjson'), 'utf8').trim().split('\n');
      expect(lines.length).toBe(summary.traceEvents);
      return summary.traceHash as string;
    });
    expect(hashes[0]).toBe(hashes[1]);
  });

  test('--seed changes the run and is echoed in the replay command', () => {
    const r = venuechaos(['run', 'scenarios/default.yaml', '--seed', '7', '--report-dir', join(tmp, 'seed7'), '--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.seed).toBe(7);
    expect(summary.replay).toContain('--seed 7');
  });

  test('a run that exhausts its eventsMax budget is interrupted (exit 3), never a silent pass', () => {
    const file = join(tmp, 'budget.yaml');
    writeFileSync(file, base() + 'eventsMax: 50\n');
    const r = venuechaos(['run', file, '--report-dir', join(tmp, 'budget'), '--json']);
    expect(r.code).toBe(3);
    const summary = JSON.parse(r.stdout);
    expect(summary.outcome).toBe('interrupted');
    expect(summary.reason).toMatch(/eventsMax \(50\)/);
    expect(summary.simulatedMs).toBeLessThan(600_000);
  });

  test('a bad --seed is a usage error (exit 2)', () => {
    const r = venuechaos(['run', 'scenarios/default.yaml', '--seed', 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--seed expects an integer/);
  });
});

describe('malformed scenarios exit 2 with file, line, column and the field — no stack trace', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['bad YAML', 'name: x\nseed: [1, 2\n', /bad-yaml\.yaml:\d+:\d+/],
    [
      'an unknown fault kind',
      base().replace('kind: outage', 'kind: ratelimit'),
      /unknown-fault-kind\.yaml:\d+:\d+.*faults\[0\]\.kind[\s\S]*rateLimit/,
    ],
    ['a negative duration', base().replace('durationSec: 60, mode', 'durationSec: -60, mode'), /negative-duration\.yaml:\d+:\d+.*faults\[0\]\.durationSec/],
    ['an unknown venue in a fault', base().replace('venue: primary, kind', 'venue: nowhere, kind'), /unknown-venue-in-a-fault\.yaml:\d+:\d+.*faults\[0\]\.venue/],
  ];
  test.each(cases)('%s', (label, text, pattern) => {
    const file = join(tmp, `${label.replace(/^(an?|the) /, '').replace(/ /g, '-').toLowerCase()}.yaml`);
    writeFileSync(file, text);
    const r = venuechaos(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
  });
});

describe('venuechaos validate', () => {
  test('accepts every shipped scenario', () => {
    const r = venuechaos(['validate', 'scenarios/default.yaml', 'scenarios/maintenance-window.yaml', 'scenarios/flaky-backups.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

function base(): string {
  return `name: broken
seed: 1
durationSec: 600
market: { symbol: BTC/USDT:USDT, priceStart: 60000 }
venues:
  - { id: primary, dialect: binanceusdm }
  - { id: backup, dialect: binanceusdm }
inventory:
  - { atSec: 0, base: 1 }
limits: { netBaseMax: 0.5, hedgeWithinSec: 30 }
faults:
  - { venue: primary, kind: outage, atSec: 10, durationSec: 60, mode: timeout }
`;
}

describe('venuechaos schema', () => {
  test('prints the JSON Schema, and --out writes the same document to a file', () => {
    const printed = venuechaos(['schema']);
    expect(printed.code).toBe(0);
    const schema = JSON.parse(printed.stdout) as { title: string; $schema: string; properties: Record<string, unknown> };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('venuechaos scenario');
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['venues', 'faults', 'limits']));
    const out = join(tmp, 'schema.json');
    const written = venuechaos(['schema', '--out', out]);
    expect([written.code, written.stdout.trim()]).toEqual([0, `wrote ${out}`]);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(schema);
  });
});
