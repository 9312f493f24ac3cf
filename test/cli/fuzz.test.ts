import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FUZZ_KINDS_DEFAULT } from '../../src/fuzz/index.ts';

/**
 * `venuechaos fuzz`, spawned as a user runs it: the search prints progress, finds and shrinks a
 * violation, writes a minimal scenario file and the one-line replay command — and that command,
 * run in a fresh process, breaks the same invariant at the same moment. The same seed writes the
 * same file.
 */

function venuechaos(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/venuechaos.mjs', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'venuechaos-fuzz-'));
const CANARY = 'src/redundancy/examples/rehedge-on-timeout.ts';

describe('venuechaos fuzz', () => {
  test('finds a canary\'s violation, writes a minimal scenario, and its replay command breaks the same invariant from a fresh process; the same seed writes the same file', () => {
    const texts = ['a', 'b'].map((name) => {
      const out = join(tmp, name);
      const r = venuechaos(['fuzz', '--policy', CANARY, '--runs', '40', '--seed', '1', '--out', out, '--progress-every', '5']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^fuzz scenarios\/default\.yaml with policy src\/redundancy\/examples\/rehedge-on-timeout\.ts: up to 40 runs/);
      expect(r.stdout).toMatch(/^ {2}search {2}5\/40 runs, no violation \(\d+ runs\/min\)$/m);
      expect(r.stdout).toMatch(/^ {2}found {3}\w+ breaks at run \d+ with \d+ fault\(s\) over \d+ s; shrinking$/m);
      const files = readdirSync(out);
      expect(files).toHaveLength(1);
      const wrote = r.stdout.match(/^ {2}wrote {2}(.+)$/m)?.[1];
      expect(wrote).toBe(join(out, files[0]!));
      return { stdout: r.stdout, text: readFileSync(join(out, files[0]!), 'utf8') };
    });
    // Byte for byte, but for the folder the replay comment names.
    expect(texts[1]!.text.replaceAll(join(tmp, 'b'), join(tmp, 'a'))).toBe(texts[0]!.text);

    const { stdout, text } = texts[0]!;
    const [, invariant, atSec] = stdout.match(/^VIOLATED (\w+) at \+(\d+\.\d{3}) s: /m) ?? [];
    expect(invariant).toBeDefined();
    const shrunk = stdout.match(/to (\d+) fault\(s\) over (\d+) s$/m);
    expect(Number(shrunk?.[1])).toBeLessThanOrEqual(2);
    expect(text).toContain(`expect: { outcome: violated, invariant: ${invariant} }`);

    // The printed replay command, run as printed (npx venuechaos → the same bin) in a new process.
    const replay = stdout.match(/^ {2}replay: npx venuechaos (.+)$/m)?.[1];
    expect(replay).toBe(`run ${join(tmp, 'a', readdirSync(join(tmp, 'a'))[0]!)} --policy ${CANARY}`);
    const r = venuechaos([...replay!.split(' '), '--report-dir', join(tmp, 'replay'), '--json']);
    const summary = JSON.parse(r.stdout);
    const broken = summary.invariants.find((i: { name: string }) => i.name === invariant);
    expect(broken.passed).toBe(false);
    expect((broken.firstViolation.tMs / 1000).toFixed(3)).toBe(atSec);
    // Exit 1 (violated), and the file says what it shows: the replay meets its expectation.
    expect(r.code).toBe(1);
    expect(summary.meetsExpectation).toBe(true);
    expect(Object.values(summary.faultsInjected as Record<string, number>).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  test('--help names the kinds the search draws by default, as the search has them', () => {
    const r = venuechaos(['fuzz', '--help']);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(`(default ${FUZZ_KINDS_DEFAULT.join(',')};`);
  });

  test('the reference engine: no violation in the runs asked for, exit 0', () => {
    const r = venuechaos(['fuzz', '--runs', '8', '--seed', '3', '--out', join(tmp, 'ref'), '--duration-sec-max', '120']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^no violation in 8 runs \(seed 3\)/m);
    expect(r.code).toBe(0);
  });

  test('a base that does not load, a matrix base, or a bad flag is a usage error (exit 2) with the reason', () => {
    writeFileSync(join(tmp, 'broken.yaml'), 'name: broken\ndurationSec: ten minutes\nvenues: []\n');
    const broken = venuechaos(['fuzz', '--scenario', join(tmp, 'broken.yaml')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.yaml:2:\d+/);
    expect(broken.stderr).not.toMatch(/\n\s+at /);

    const matrix = venuechaos(['fuzz', '--scenario', 'scenarios/outage-length-sweep.yaml']);
    expect(matrix.code).toBe(2);
    expect(matrix.stderr).toMatch(/is a matrix of \d+ runs; fuzz needs one base scenario/);

    const kinds = venuechaos(['fuzz', '--kinds', 'outage,ratelimit']);
    expect(kinds.code).toBe(2);
    expect(kinds.stderr).toMatch(/unknown fault kind "ratelimit" \(did you mean "rateLimit"\?\)/);

    const invariant = venuechaos(['fuzz', '--invariant', 'exposur']);
    expect(invariant.code).toBe(2);
    expect(invariant.stderr).toMatch(/unknown invariant "exposur" \(did you mean "exposure"\?\)/);

    const runs = venuechaos(['fuzz', '--runs', '0']);
    expect(runs.code).toBe(2);
    expect(runs.stderr).toMatch(/--runs expects a whole number from 1 to 1000000, found "0"/);
  });
});
