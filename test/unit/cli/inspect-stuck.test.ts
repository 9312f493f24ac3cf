import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, test } from 'vitest';
import { inspectStuck, isThread } from '../../../src/cli/run-in-worker.ts';

/**
 * The watchdog reads where a stuck worker is through the inspector (src/cli/run-in-worker.ts).
 * Two ways that went wrong in CI, each about half the time on a loaded 2-core machine, so each
 * is tried several times here: it attached to another thread (the inspector's `workerId` is not
 * the thread id), and a pause request that landed in Node's promise-hook code never paused.
 */

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

const spawn = (code: string): Worker => {
  const w = new Worker(code, { eval: true });
  workers.push(w);
  return w;
};

// A microtask loop with promise hooks on, as a run's I/O watch installs them.
const STUCK = `const hooks = require('node:async_hooks'); hooks.createHook({ init() {} }).enable(); globalThis.turns = 0;
require('node:worker_threads').parentPort.postMessage('looping');
(async function stuck() { while (true) { globalThis.turns += 1; await Promise.resolve(); } })();`;

describe('inspectStuck: the stack of a stuck worker', () => {
  test('names the stuck thread among idle ones, and pauses it in its own code every time', async () => {
    for (let attempt = 0; attempt < 6; attempt++) {
      // Idle threads made before and after it: their inspector ids and thread ids interleave with its own.
      spawn('setInterval(() => {}, 1000);');
      const stuck = spawn(STUCK);
      spawn('setInterval(() => {}, 1000);');
      await new Promise((resolve) => stuck.once('message', resolve));
      const seen = await inspectStuck(stuck, 5_000, 'typeof globalThis.turns');
      // The loop is the stuck code (the pause may land in its init hook, which it calls).
      expect(seen?.stack, `attempt ${attempt}`).toMatch(/^\s+at stuck \(\[worker eval\]:3:\d+\)$/m);
      // An expression is evaluated in the paused thread (only it has the loop's counter).
      expect(seen?.evaluated).toBe('number');
      await Promise.all(workers.splice(0).map((w) => w.terminate()));
    }
  });

  test('a pause skips blackboxed scripts: a loop that spends most of its time in a hook file is shown in its own frame', async () => {
    // The async hook in its own file, made slow so most pauses would land in it (as in the
    // run's I/O watch, src/sim/real-io.ts, which the watchdog blackboxes).
    const dir = mkdtempSync(join(tmpdir(), 'venuechaos-inspect-'));
    const hookFile = join(dir, 'hook.cjs');
    writeFileSync(hookFile, `require('node:async_hooks').createHook({ init() { let x = 0; for (let i = 0; i < 2000; i++) x += i; globalThis.sink = x; } }).enable();\n`);
    const hookUrl = pathToFileURL(hookFile).href.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (let attempt = 0; attempt < 6; attempt++) {
      const stuck = spawn(`require(${JSON.stringify(hookFile)});
require('node:worker_threads').parentPort.postMessage('looping');
(async function stuck() { while (true) await Promise.resolve(); })();`);
      await new Promise((resolve) => stuck.once('message', resolve));
      const seen = await inspectStuck(stuck, 5_000, '1', ['^node:', `^${hookUrl}`]);
      expect(seen?.stack?.split('\n')[0], `attempt ${attempt}`).toMatch(/^\s+at stuck \(\[worker eval\]:3:\d+\)$/);
      await Promise.all(workers.splice(0).map((w) => w.terminate()));
    }
  });

  test('an inspector target is matched on the thread id in its title', () => {
    expect(isThread('[worker 2]', 2)).toBe(true);
    expect(isThread('[worker 2] run-worker', 2)).toBe(true);
    expect(isThread('[worker 12]', 2)).toBe(false);
    expect(isThread('[worker 2]', 12)).toBe(false);
    expect(isThread('[worker 1]', 2)).toBe(false);
  });
});
