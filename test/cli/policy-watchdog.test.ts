import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

/**
 * `venuechaos run` executes each run in a worker thread with a watchdog: a policy that blocks the
 * thread for good (a synchronous loop, a microtask loop) ends as a policy failure with the virtual
 * time, its last decision and where it was stuck, and the report is still written. Spawned as a
 * user runs it.
 */

function venuechaos(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/venuechaos.mjs', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The watchdog's timeout in these tests: short so they are quick, long enough that a loaded CI
 * machine starving the worker of CPU for a couple of seconds (ccxt's first market parse) is not
 * taken for a stuck policy — at 2 s that happened on a 2-core runner.
 */
const WATCHDOG_SEC = '4';

const tmp = mkdtempSync(join(tmpdir(), 'venuechaos-watchdog-'));
// A TypeScript policy next to a package.json that says ESM, as in a user's project.
writeFileSync(join(tmp, 'package.json'), '{ "type": "module" }\n');
writeFileSync(
  join(tmp, 'small.yaml'),
  `name: watchdog
seed: 5
durationSec: 60
market: { symbol: BTC/USDT:USDT, priceStart: 60000 }
venues:
  - { id: primary, dialect: binanceusdm }
  - { id: backup, dialect: binanceusdm }
inventory:
  - { atSec: 0, base: 1 }
  - { atSec: 40, base: 0.7 }
limits: { netBaseMax: 0.5, hedgeWithinSec: 30 }
faults:
  - { venue: primary, kind: outage, atSec: 30, durationSec: 20, mode: timeout }
`,
);
writeFileSync(
  join(tmp, 'loops.mjs'),
  `export default function createPolicy() {
  return {
    name: 'loops-forever',
    start(ctx) {
      ctx.log('hedging 1 BTC on primary');
      setTimeout(() => {
        ctx.log('rebalancing');
        let x = 0;
        for (;;) x += 1;
      }, 20_000);
    },
  };
}
`,
);
writeFileSync(
  join(tmp, 'microtask-loop.ts'),
  `export default function createPolicy() {
  return {
    name: 'microtask-loop',
    start(ctx: { log(message: string): void }) {
      setTimeout(async () => {
        ctx.log('waiting for the book');
        while (true) await Promise.resolve();
      }, 7_000);
    },
  };
}
`,
);

writeFileSync(
  join(tmp, 'exits.mjs'),
  `export default () => ({ name: 'exits', start(ctx) { setTimeout(() => { ctx.log('giving up'); process.exit(7); }, 3000); } });
`,
);

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('venuechaos run: the policy watchdog', () => {
  test('a policy stuck in a synchronous loop is ended after --policy-timeout-sec, as a policy failure with the virtual time, its last decision and the line; the report is written; exit 1', () => {
    const dir = join(tmp, 'loops');
    const r = venuechaos(['run', join(tmp, 'small.yaml'), '--policy', join(tmp, 'loops.mjs'), '--policy-timeout-sec', WATCHDOG_SEC, '--report-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/outcome: VIOLATED/);
    expect(r.stdout).toMatch(/reason: policy "loops-forever" stopped answering at virtual \+20\.000 s: no heartbeat from the run for 4 s of wall time \(--policy-timeout-sec 4\), so the watchdog ended it\..*Last decision: \+20\.000 s "rebalancing"\./);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.outcome).toBe('violated');
    expect(summary.simulatedMs).toBe(20_000);
    expect(summary.invariants).toEqual([expect.objectContaining({ name: 'policyHealthy', passed: false, firstViolation: { tMs: 20_000, message: summary.reason } })]);
    expect(summary.reason).toMatch(/where it was stuck:\n\s+at .*loops\.mjs:9:\d+\)/);
    // The trace up to the moment it stuck, and a hash that is the hash of that file.
    const ndjson = readFileSync(join(dir, 'trace.ndjson'), 'utf8');
    expect(ndjson.trim().split('\n').map((line) => JSON.parse(line).type)).toContain('decision');
    expect(ndjson.trim().split('\n').length).toBe(summary.traceEvents);
    expect(sha256(ndjson)).toBe(summary.traceHash);
  });

  test('a TypeScript policy in a microtask loop (never yields a real turn) is caught the same way, with its source line', () => {
    const dir = join(tmp, 'microtask');
    const r = venuechaos(['run', join(tmp, 'small.yaml'), '--policy', join(tmp, 'microtask-loop.ts'), '--policy-timeout-sec', WATCHDOG_SEC, '--report-dir', dir, '--json']);
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout);
    expect(summary.reason).toMatch(/^policy "microtask-loop" stopped answering at virtual \+7\.000 s: .*Last decision: \+7\.000 s "waiting for the book"\.\nwhere it was stuck:\n\s+at .*microtask-loop\.ts:7:\d+\)/);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).reason).toBe(summary.reason);
  });

  test('a run gives the same trace in the worker and in-process (--policy-timeout-sec 0)', () => {
    const hashes = ['10', '0'].map((timeout) => {
      const dir = join(tmp, `same-${timeout}`);
      const r = venuechaos(['run', join(tmp, 'small.yaml'), '--policy-timeout-sec', timeout, '--report-dir', dir, '--json']);
      expect(r.stderr).toBe('');
      const summary = JSON.parse(r.stdout);
      expect(summary.faultsInjected.outage).toBeGreaterThan(0);
      expect(sha256(readFileSync(join(dir, 'trace.ndjson'), 'utf8'))).toBe(summary.traceHash);
      return { hash: summary.traceHash as string, outcome: summary.outcome as string, code: r.code };
    });
    expect(hashes[0]).toEqual(hashes[1]);
  });

  test('a policy that calls process.exit() ends only its run, as a policy failure naming the moment; the report is written', () => {
    const dir = join(tmp, 'exits');
    const r = venuechaos(['run', join(tmp, 'small.yaml'), '--policy', join(tmp, 'exits.mjs'), '--report-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/reason: policy "exits" ended the run's thread at virtual \+3\.000 s \(exit code 7; process\.exit\(\) in a policy\?\)\. Last decision: \+3\.000 s "giving up"\./);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).outcome).toBe('violated');
  });

  test('a bad --policy-timeout-sec is a usage error (exit 2)', () => {
    const r = venuechaos(['run', join(tmp, 'small.yaml'), '--policy-timeout-sec', '-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--policy-timeout-sec expects seconds from 0/);
  });
});
