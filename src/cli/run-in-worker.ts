import { createHash } from 'node:crypto';
import { SourceMap } from 'node:module';
import { Worker } from 'node:worker_threads';
import { meetsExpectation, type Summary } from '../report/write.ts';
import type { Scenario } from '../scenario/index.ts';
import { realClearTimeout, realSetTimeout } from '../sim/virtual-clock.ts';
import { RUN_SNAPSHOT_SYMBOL, type Heartbeat, type RunRequest, type RunSnapshot, type WorkerMessage } from './run-worker-protocol.ts';

/**
 * The CLI's watchdog: each run executes in a worker thread that sends heartbeats while its event
 * loop is free (src/cli/run-worker.ts). A policy that blocks the thread — a synchronous loop, or a
 * microtask loop such as `while (true) await Promise.resolve()` — cannot be caught from inside
 * (no turn ever comes), but from here it can: when no heartbeat arrives for `policyTimeoutSec` of
 * wall time, the parent pauses the worker through the inspector to read where it is stuck, ends
 * it, and reports a policy failure with the virtual time of the last heartbeat and the policy's
 * last logged decision. The report (summary + the trace received so far) is written as any other.
 *
 * A worker is reused for the next run of a matrix while its runs end cleanly; after a policy
 * failure it is ended (it may still hold the policy's loops and timers) and the next run gets a
 * fresh one. The worker sets up its thread exactly as the CLI does (src/cli/setup-process.mjs),
 * so a run gives the same trace, byte for byte, in a worker and in-process.
 */

export interface WorkerRunOutcome {
  summary: Summary;
  /** The trace as NDJSON (what trace.ndjson holds). */
  ndjson: string;
}

export interface RunWorkerOptions {
  /** Wall seconds without a heartbeat before the watchdog ends the run. */
  policyTimeoutSec: number;
  /** Wall ms the worker may take to start (tsx, ccxt) before its first heartbeat. */
  startupMsMax?: number;
}

/** Pauses the watchdog may try to land in a stuck policy's own code rather than in Node's (see inspectStuck). */
const PAUSES_MAX = 20;

/**
 * Code a pause skips to land in the stuck policy's own: Node's, and the async hook a run's I/O
 * watch adds to every promise (src/sim/real-io.ts) — a microtask loop spends much of its time in
 * both, and a pause there printed venuechaos's hook as where the policy was stuck.
 */
export const BLACKBOX_PATTERNS = ['^node:', `^${new URL('../sim/real-io.ts', import.meta.url).href.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`];

/** Wall ms between requests to pause a stuck worker, until one lands (see inspectStuck). */
const PAUSE_RETRY_MS = 250;

/** Wall ms the watchdog gives the inspector to pause a stuck worker and read its stack. */
export const STACK_CAPTURE_MS_MAX = 10_000;

export class RunWorker {
  #worker: Worker | undefined;
  readonly #options: RunWorkerOptions;

  constructor(options: RunWorkerOptions) {
    this.#options = options;
  }

  /** Runs one run in the worker (starting one if needed). Rejects only for a venuechaos bug. */
  async run(request: RunRequest, scenario: Scenario): Promise<WorkerRunOutcome> {
    const worker = (this.#worker ??= new Worker(new URL('./run-worker-entry.mjs', import.meta.url)));
    const wallStart = performance.now();
    const chunks: string[] = [];
    let last: Heartbeat | undefined;
    let lastBeatAt = performance.now();
    let firstBeat = false;
    const timeoutMs = this.#options.policyTimeoutSec * 1000;
    const startupMs = this.#options.startupMsMax ?? 120_000;

    const ended = await new Promise<
      | { kind: 'done'; summary: Summary; ndjson: string; policyFailed: boolean }
      | { kind: 'stuck' | 'exited'; exitCode?: number }
      | { kind: 'crashed'; error: string }
    >((resolve) => {
      let watchdog: ReturnType<typeof setTimeout> | undefined;
      const finish = (value: Parameters<typeof resolve>[0]): void => {
        if (watchdog !== undefined) realClearTimeout(watchdog);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        resolve(value);
      };
      const onMessage = (message: WorkerMessage): void => {
        if (message.type === 'heartbeat') {
          firstBeat = true;
          lastBeatAt = performance.now();
          last = message;
          if (message.ndjson !== '') chunks.push(message.ndjson);
        } else if (message.type === 'done') {
          chunks.push(message.ndjson);
          finish({ kind: 'done', summary: message.summary, ndjson: chunks.join(''), policyFailed: message.policyFailed });
        } else {
          finish({ kind: 'crashed', error: message.error });
        }
      };
      const onError = (error: Error): void => finish({ kind: 'crashed', error: error.stack ?? error.message });
      const onExit = (exitCode: number): void => finish({ kind: 'exited', exitCode });
      // The parent's own timers are virtual (the clock is installed in every venuechaos thread): watch on real ones.
      const check = (): void => {
        const silentMs = performance.now() - lastBeatAt;
        if (silentMs > (firstBeat ? timeoutMs : startupMs)) finish({ kind: 'stuck' });
        else watchdog = realSetTimeout(check, 100);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      watchdog = realSetTimeout(check, 100);
      worker.postMessage(request);
    });

    if (ended.kind === 'done') {
      if (ended.policyFailed) await this.close();
      return { summary: ended.summary, ndjson: ended.ndjson };
    }
    if (ended.kind === 'crashed') {
      await this.close();
      throw new Error(`the run worker crashed:\n${ended.error}`);
    }
    let stack: string | undefined;
    if (ended.kind === 'stuck') {
      const paused = await inspectStuck(worker, STACK_CAPTURE_MS_MAX, `globalThis[Symbol.for(${JSON.stringify(RUN_SNAPSHOT_SYMBOL)})]?.()`).catch(() => undefined);
      stack = paused?.stack;
      // The paused thread's own account is fresher than its last heartbeat (which may predate the run).
      const snapshot = parseSnapshot(paused?.evaluated);
      if (snapshot !== undefined) {
        chunks.push(snapshot.ndjson);
        last = { type: 'heartbeat', ...snapshot };
      }
    }
    await this.close();
    const ndjson = chunks.join('');
    const reason = ended.kind === 'stuck' ? stuckReason(last, this.#options.policyTimeoutSec, stack) : exitedReason(last, ended.exitCode);
    return { summary: failureSummary({ request, scenario, last, ndjson, reason, wallMs: Math.round(performance.now() - wallStart) }), ndjson };
  }

  /** Ends the worker, if any. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }
}

function at(last: Heartbeat | undefined): string {
  return last?.virtualMs === undefined ? 'while its module loaded (before virtual time started)' : `at virtual +${(last.virtualMs / 1000).toFixed(3)} s`;
}

function lastDecision(last: Heartbeat | undefined): string {
  const d = last?.lastDecision;
  return d === undefined ? 'none logged' : `+${(d.tMs / 1000).toFixed(3)} s ${JSON.stringify(d.message)}`;
}

function stuckReason(last: Heartbeat | undefined, timeoutSec: number, stack: string | undefined): string {
  return (
    `policy "${last?.policy ?? '?'}" stopped answering ${at(last)}: no heartbeat from the run for ${timeoutSec} s of wall time (--policy-timeout-sec ${timeoutSec}), so the watchdog ended it. ` +
    `A synchronous loop (for (;;) {}) or a microtask loop (while (true) await Promise.resolve()) blocks the thread, and virtual time cannot advance. ` +
    `Last decision: ${lastDecision(last)}.\n` +
    (stack !== undefined ? `where it was stuck:\n${stack}` : 'stack unavailable for a synchronous loop (the inspector could not pause the thread); run with --policy-timeout-sec 0 under node --inspect and pause it in a debugger to see it.')
  );
}

function exitedReason(last: Heartbeat | undefined, exitCode: number | undefined): string {
  return `policy "${last?.policy ?? '?'}" ended the run's thread ${at(last)} (exit code ${exitCode ?? '?'}; process.exit() in a policy?). Last decision: ${lastDecision(last)}.`;
}

/** The summary of a run the watchdog ended: only `policyHealthy` is known; the trace is what arrived. */
function failureSummary(opts: { request: RunRequest; scenario: Scenario; last: Heartbeat | undefined; ndjson: string; reason: string; wallMs: number }): Summary {
  const { request, scenario, last, ndjson, reason } = opts;
  const simulatedMs = last?.virtualMs ?? 0;
  const invariants = [{ name: 'policyHealthy', passed: false, firstViolation: { tMs: simulatedMs, message: reason }, numViolations: 1, note: 'the run did not finish: no other invariant was checked' }];
  const outcome = 'violated' as const;
  return {
    scenario: scenario.name,
    seed: request.seed ?? scenario.seed,
    outcome,
    expected: scenario.expect,
    meetsExpectation: meetsExpectation({ outcome, expected: scenario.expect, invariants }),
    invariants,
    traceHash: createHash('sha256').update(ndjson).digest('hex'),
    simulatedMs,
    wallMs: opts.wallMs,
    requests: {},
    faultsInjected: {},
    faultsScheduled: {},
    policy: last?.policy ?? request.policySpec,
    traceEvents: ndjson === '' ? 0 : ndjson.split('\n').length - 1,
    reason,
    replay: request.replay,
  };
}

interface ScriptInfo {
  url: string;
  sourceMapURL?: string;
  map?: SourceMap | null;
}

interface CallFrame {
  functionName: string;
  location: { scriptId: string; lineNumber: number; columnNumber: number };
}

function parseSnapshot(text: string | undefined): RunSnapshot | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as RunSnapshot;
  } catch {
    return undefined;
  }
}

/**
 * Pauses a worker whose thread is busy, reads its call stack and evaluates `expression` there,
 * through the parent's inspector session (the `NodeWorker` domain: a message to a busy thread is
 * delivered by an interrupt, so this works on a synchronous loop and on a microtask loop —
 * checked on Node 20). Frames are source-mapped where the script carries an inline map (tsx's
 * TypeScript). A pause skips code whose script URL matches a `blackbox` pattern (Node's, the
 * run's I/O watch), and so does the printed stack. Undefined if it cannot within `msMax`.
 */
export async function inspectStuck(worker: Worker, msMax: number, expression: string, blackbox: readonly string[] = BLACKBOX_PATTERNS): Promise<{ stack?: string; evaluated?: string } | undefined> {
  let inspector: typeof import('node:inspector');
  try {
    inspector = await import('node:inspector');
  } catch {
    return undefined; // a Node built without the inspector
  }
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  const scripts = new Map<string, ScriptInfo>();
  const skipping = blackbox.map((pattern) => new RegExp(pattern));
  const skip = (url: string): boolean => skipping.some((r) => r.test(url));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let sessionId: string | undefined;
  try {
    return await new Promise<{ stack?: string; evaluated?: string } | undefined>((resolve, reject) => {
      timer = realSetTimeout(() => resolve(undefined), msMax);
      let nextId = 0;
      let pauses = 0;
      const pending = new Map<number, (reply: unknown) => void>();
      const send = (method: string, params: object = {}): Promise<unknown> =>
        post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id: ++nextId, method, params }) });
      // A pause request can be lost: with promise hooks on (a run's I/O watch), a microtask loop
      // spends its time in Node's blackboxed async_hooks code, and a pause that lands there may
      // never reach the loop's own code (about 1 in 3 on a bare worker with an init hook). Ask
      // again until one lands.
      let paused = false;
      const pause = (): void => {
        paused = false;
        if (retry !== undefined) realClearTimeout(retry);
        const ask = (): void => {
          if (paused) return;
          send('Debugger.pause').catch(reject);
          retry = realSetTimeout(ask, PAUSE_RETRY_MS);
        };
        ask();
      };
      session.on('NodeWorker.receivedMessageFromWorker', (m: { params: { message: string } }) => {
        const msg = JSON.parse(m.params.message) as { method?: string; params?: any };
        if (msg.method === 'Debugger.scriptParsed') {
          scripts.set(msg.params.scriptId, { url: msg.params.url, ...(msg.params.sourceMapURL ? { sourceMapURL: msg.params.sourceMapURL } : {}) });
        } else if (msg.method === 'Debugger.paused') {
          paused = true;
          // The awaiting async functions count too (a microtask loop is often paused between its turns).
          const asyncFrames: CallFrame[] = ((msg.params.asyncStackTrace?.callFrames ?? []) as Array<{ functionName: string; scriptId: string; lineNumber: number; columnNumber: number }>).map((f) => ({
            functionName: `async ${f.functionName || '<anonymous>'}`,
            location: { scriptId: f.scriptId, lineNumber: f.lineNumber, columnNumber: f.columnNumber },
          }));
          const frames = [...(msg.params.callFrames as CallFrame[]), ...asyncFrames];
          // Paused inside Node between two turns of a microtask loop (e.g. in the async hook a run's
          // I/O watch adds to every promise), only Node's frames show: resume and pause again, a few
          // times, to land in the policy's own code; failing that, print Node's frames.
          const own = formatFrames(frames, scripts, { skip });
          // V8 does not always honour the blackbox for a pause request: one that lands in a
          // blackboxed script (the I/O watch's hook) is tried again too.
          const topUrl = scripts.get(frames[0]?.location.scriptId ?? '')?.url ?? '';
          if ((own === '' || skip(topUrl)) && pauses < PAUSES_MAX) {
            pauses += 1;
            send('Debugger.resume').then(pause, reject);
            return;
          }
          const stack = own || formatFrames(frames, scripts, { keepInternal: true });
          const evaluateId = nextId + 1;
          pending.set(evaluateId, (reply) => {
            const value = (reply as { result?: { result?: { value?: unknown } } }).result?.result?.value;
            resolve({ ...(stack !== '' ? { stack } : {}), ...(typeof value === 'string' ? { evaluated: value } : {}) });
          });
          send('Runtime.evaluate', { expression, returnByValue: true }).catch(() => resolve(stack !== '' ? { stack } : {}));
        } else if (typeof (msg as { id?: unknown }).id === 'number') {
          pending.get((msg as { id: number }).id)?.(msg);
        }
      });
      session.on('NodeWorker.attachedToWorker', (m: { params: { sessionId: string; workerInfo: { workerId: string; title: string } } }) => {
        if (!isThread(m.params.workerInfo.title, worker.threadId) || sessionId !== undefined) return;
        sessionId = m.params.sessionId;
        send('Debugger.enable')
          .then(() => send('Debugger.setAsyncCallStackDepth', { maxDepth: 8 }))
          // Skip Node's own code when pausing: a microtask loop spends most of its time in the
          // promise hooks a run's I/O watch installs, and a pause there shows no policy frame.
          .then(() => send('Debugger.setBlackboxPatterns', { patterns: blackbox }).catch(() => undefined))
          .then(pause, reject);
      });
      post('NodeWorker.enable', { waitForDebuggerOnStart: false }).catch(reject);
    });
  } finally {
    if (timer !== undefined) realClearTimeout(timer);
    if (retry !== undefined) realClearTimeout(retry);
    // Detaching resumes the thread (then it is terminated); the session must not outlive this.
    if (sessionId !== undefined) await post('NodeWorker.detach', { sessionId }).catch(() => undefined);
    session.disconnect();
  }
}

/**
 * Whether an inspector worker target is the thread `threadId`. Its `workerId` is the inspector's
 * own counter, not the thread id: every thread that registers tsx starts a module-hooks thread
 * too, and matching on `workerId` attached to one of those about half the time on a loaded
 * machine (an idle thread never pauses: "stack unavailable"). The title is Node's
 * `[worker <threadId>]`, followed by the worker's name if it has one.
 */
export function isThread(title: string, threadId: number): boolean {
  return new RegExp(`^\\[worker ${threadId}\\](?: |$)`).test(title);
}

/** Frames as a JavaScript stack would print them, source-mapped where possible, without Node's internals. */
export function formatFrames(frames: readonly CallFrame[], scripts: Map<string, ScriptInfo>, opts: { framesMax?: number; keepInternal?: boolean; skip?: (url: string) => boolean } = {}): string {
  const framesMax = opts.framesMax ?? 10;
  // Node's own frames (e.g. the async_hooks a run's I/O watch adds to every promise) say nothing about the loop.
  return frames
    .filter((f) => {
      if (opts.keepInternal === true) return true;
      const url = scripts.get(f.location.scriptId)?.url ?? '';
      return !url.startsWith('node:internal/') && opts.skip?.(url) !== true;
    })
    .slice(0, framesMax)
    .map((f) => {
      const script = scripts.get(f.location.scriptId);
      let url = script?.url || '<unknown>';
      let line = f.location.lineNumber + 1;
      let column = f.location.columnNumber + 1;
      const map = script === undefined ? undefined : sourceMapOf(script);
      if (map) {
        const entry = map.findEntry(f.location.lineNumber, f.location.columnNumber) as { originalSource?: string; originalLine?: number; originalColumn?: number };
        if (entry.originalSource !== undefined && entry.originalLine !== undefined && entry.originalColumn !== undefined) {
          url = entry.originalSource;
          line = entry.originalLine + 1;
          column = entry.originalColumn + 1;
        }
      }
      return `    at ${f.functionName || '<anonymous>'} (${url}:${line}:${column})`;
    })
    .join('\n');
}

function sourceMapOf(script: ScriptInfo): SourceMap | null {
  if (script.map !== undefined) return script.map;
  script.map = null;
  const prefix = /^data:application\/json;(?:charset=utf-8;)?base64,/;
  if (script.sourceMapURL !== undefined && prefix.test(script.sourceMapURL)) {
    try {
      script.map = new SourceMap(JSON.parse(Buffer.from(script.sourceMapURL.replace(prefix, ''), 'base64').toString('utf8')));
    } catch {
      // an unreadable map: the generated position is printed instead
    }
  }
  return script.map;
}
