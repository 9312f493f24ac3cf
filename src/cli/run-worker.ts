import { parentPort } from 'node:worker_threads';
import { loadPolicy, formatPolicyLoadError } from '../redundancy/load-policy.ts';
import { toSummary } from '../report/write.ts';
import { loadScenarioSet } from '../scenario/index.ts';
import { runScenario } from '../sim/run.ts';
import { canonicalJson, type Trace } from '../sim/trace.ts';
import { realClearTimeout, realSetTimeout } from '../sim/virtual-clock.ts';
import { HEARTBEAT_MS, RUN_SNAPSHOT_SYMBOL, type LastDecision, type RunRequest, type RunSnapshot, type WorkerMessage } from './run-worker-protocol.ts';

/**
 * The run worker's side: runs one run per request and, while its thread is free, sends a
 * heartbeat with the virtual time and the trace so far. A policy that blocks the thread stops
 * the heartbeats, and the parent's watchdog ends the worker (src/cli/run-in-worker.ts).
 */

const port = parentPort;
if (port === null) throw new Error('venuechaos bug: run-worker.ts loaded outside a worker thread');

const post = (message: WorkerMessage): void => port.postMessage(message);

port.on('message', (request: RunRequest) => {
  void serve(request).catch((error: unknown) => post({ type: 'crashed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
});

async function serve(request: RunRequest): Promise<void> {
  // Heartbeats start before the policy module loads: a module that blocks at import is caught too.
  let trace: Trace | undefined;
  let startMs = 0;
  let policy: string | undefined;
  let sent = 0;
  let lastDecision: LastDecision | undefined;
  const takeNdjson = (): string => {
    if (trace === undefined) return '';
    let out = '';
    const events = trace.events;
    for (; sent < events.length; sent++) out += canonicalJson(events[sent]) + '\n';
    return out;
  };
  const snapshot = (): RunSnapshot => ({
    ...(trace !== undefined ? { virtualMs: Date.now() - startMs } : {}),
    ...(policy !== undefined ? { policy } : {}),
    traceEvents: trace?.events.length ?? 0,
    ...(lastDecision !== undefined ? { lastDecision } : {}),
    ndjson: takeNdjson(),
  });
  (globalThis as Record<symbol, unknown>)[Symbol.for(RUN_SNAPSHOT_SYMBOL)] = () => JSON.stringify(snapshot());
  let timer: ReturnType<typeof setTimeout> | undefined;
  const beat = (): void => {
    post({ type: 'heartbeat', ...snapshot() });
    timer = realSetTimeout(beat, HEARTBEAT_MS);
  };
  beat();
  // A policy that calls process.exit() ends this thread: say where the run was, as it goes.
  const onExit = (): void => post({ type: 'heartbeat', ...snapshot() });
  process.on('exit', onExit);
  try {
    const loaded = await loadScenarioSet(request.file);
    if (!loaded.ok) throw new Error(`venuechaos bug: ${request.file} loaded in the CLI but not in its run worker`);
    const run = loaded.runs.find((r) => r.name === request.runName);
    if (run === undefined) throw new Error(`venuechaos bug: no run ${request.runName} in ${request.file}`);
    const policyLoad = await loadPolicy(request.policySpec, request.policyDir);
    if (!policyLoad.ok) throw new Error(formatPolicyLoadError(policyLoad.error));
    const result = await runScenario(run.scenario, {
      policy: policyLoad.create(),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      onStart: (started) => {
        trace = started.trace;
        startMs = started.startMs;
        policy = started.policy;
        trace.onEvent((event) => {
          if (event.type === 'decision') lastDecision = { tMs: event.tMs, message: String(event['message']) };
        });
        // At once, not at the next beat: a policy may block the thread before that comes.
        post({ type: 'heartbeat', ...snapshot() });
      },
    });
    if (timer !== undefined) realClearTimeout(timer);
    trace = result.trace;
    const summary = toSummary(result, request.replay);
    post({ type: 'done', summary, ndjson: takeNdjson(), policyFailed: result.invariants.some((i) => i.name === 'policyHealthy' && !i.passed) });
  } finally {
    if (timer !== undefined) realClearTimeout(timer);
    process.off('exit', onExit);
  }
}
