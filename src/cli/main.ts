import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAULT_KINDS, INVARIANT_NAMES, closest, formatScenarioErrors, loadScenarioSet, scenarioJsonSchema, type FaultKind, type ScenarioRun } from '../scenario/index.ts';
import { formatSummary } from '../report/text.ts';
import { mkdir } from 'node:fs/promises';
import { toSummary, writeAtomic, writeReport, type Summary } from '../report/write.ts';
import { EXIT_CODES_HELP, ExitCode, type ExitCodeValue } from './exit-codes.ts';

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const defaultIo: Io = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
};

/**
 * The `venuechaos` command line. Returns the exit code instead of exiting, so it can be tested
 * in-process as well as spawned.
 */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<ExitCodeValue> {
  let code: ExitCodeValue = ExitCode.passed;
  const program = new Command()
    .name('venuechaos')
    .description('Chaos testbed for multi-venue trading redundancy: real ccxt against mock exchanges in virtual time.')
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });

  program
    .command('run')
    .description('run one scenario and check its invariants')
    .argument('<scenario>', 'scenario file (YAML or JSON); a file with a matrix runs every combination')
    .option('--seed <n>', "override the scenario's seed", parseSeed)
    .option('--run <name>', 'run only this run of a matrix file (its name as printed)')
    .option('--policy <module>', 'run this policy instead of the scenario\'s: "reference" or a .ts/.js module (relative to the current directory)')
    .option('--report-dir <dir>', 'where to write summary.json and trace.ndjson (default reports/<scenario>-<seed>/)')
    .option('--json', 'print the summary as JSON instead of text')
    .option(
      '--policy-timeout-sec <s>',
      'wall seconds a run may go without a heartbeat before the watchdog ends it as a policy failure (a policy that blocks the thread: a synchronous or microtask loop); 0 runs in this process, without the watchdog',
      parsePolicyTimeout,
      POLICY_TIMEOUT_SEC_DEFAULT,
    )
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action(async (file: string, opts: RunOpts) => {
      code = await runCommand(file, opts, io);
    });

  program
    .command('fuzz')
    .description('search fault schedules, inventory steps and price jumps over a base scenario for an invariant violation; shrink one to a minimal scenario file')
    .option('--scenario <file>', 'base scenario: venues, market, limits, policy, inventory (its faults are replaced by the search)', FUZZ_BASE_DEFAULT)
    .option('--policy <module>', 'policy to search against: "reference" or a .ts/.js module (relative to the current directory); default: the base\'s')
    .option('--runs <n>', 'candidate runs before declaring none breaks an invariant', parseCount('--runs'), 100)
    .option('--seed <n>', 'the search\'s seed (the same seed finds the same counterexample)', parseSeed, 1)
    .option('--out <dir>', 'where to write the minimal scenario file', join('reports', 'fuzz'))
    .option('--duration-sec-max <s>', 'longest candidate run, simulated seconds (shorter is faster per run)', parseCount('--duration-sec-max'), 600)
    .option('--shrink-runs-max <n>', 'candidate runs shrinking may spend', parseCount('--shrink-runs-max'), 150)
    .option('--progress-every <n>', 'print a progress line every n runs', parseCount('--progress-every'), 10)
    .option('--kinds <list>', `fault kinds to draw, comma-separated (default ${FUZZ_KINDS_DEFAULT_TEXT}; all: ${FAULT_KINDS.join(',')})`, parseKinds)
    .option('--max-concurrent-down <n>', 'at most this many venues in an outage, maintenance, 429 or error-rate window at once', parseCount('--max-concurrent-down'), 1)
    .option('--no-swarm', 'draw every kind in every candidate (default: swarm — each candidate turns whole kinds off)')
    .option('--invariant <name>', 'search for this invariant only (default: the first that breaks)', parseInvariant)
    .addHelpText('after', `\nExit codes: 0 no violation in --runs runs; 1 a violation (the file is written, its path printed); 2 usage; 4 internal.`)
    .action(async (opts: FuzzOpts) => {
      code = await fuzzCommand(opts, io);
    });

  program
    .command('validate')
    .description('check scenario files without running them')
    .argument('<files...>', 'scenario files')
    .action(async (files: string[]) => {
      code = await validateCommand(files, io);
    });

  program
    .command('schema')
    .description('print the scenario format as JSON Schema (for editors: yaml-language-server, VS Code)')
    .option('--out <file>', 'write it to a file instead of stdout')
    .action(async (opts: { out?: string }) => {
      code = await schemaCommand(opts, io);
    });

  try {
    await program.parseAsync(argv as string[], { from: 'node' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.passed : ExitCode.usage;
    }
    io.err(`venuechaos: internal error — this is a bug in venuechaos, please report it with the command you ran.\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return ExitCode.internal;
  }
  return code;
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new InvalidArgumentError(`--seed expects an integer from 0 to 4294967295, found "${value}".`);
  }
  return n;
}

/** Wall seconds without a heartbeat before a run is a stuck policy (see src/cli/run-in-worker.ts). */
export const POLICY_TIMEOUT_SEC_DEFAULT = 10;

function parsePolicyTimeout(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 86_400) {
    throw new InvalidArgumentError(`--policy-timeout-sec expects seconds from 0 (no watchdog) to 86400, found "${value}".`);
  }
  return n;
}

interface RunOpts {
  policyTimeoutSec?: number;
  seed?: number;
  policy?: string;
  run?: string;
  reportDir?: string;
  json?: boolean;
}

async function runCommand(file: string, opts: RunOpts, io: Io): Promise<ExitCodeValue> {
  const loaded = await loadScenarioSet(file);
  if (!loaded.ok) {
    io.err(formatScenarioErrors(loaded.errors));
    io.err(`\nvenuechaos: ${file} has ${loaded.errors.length} problem(s); fix them and run again (venuechaos validate ${file} checks without running).`);
    return ExitCode.usage;
  }
  let runs: ScenarioRun[] = loaded.runs;
  if (opts.run !== undefined) {
    const names = runs.map((r) => r.name);
    runs = runs.filter((r) => r.name === opts.run);
    if (runs.length === 0) {
      const suggestion = closest(opts.run, names);
      io.err(`venuechaos: ${file} has no run named "${opts.run}"${suggestion !== undefined ? ` — did you mean "${suggestion}"?` : ''}\n  runs: ${names.join(', ')}`);
      return ExitCode.usage;
    }
  }
  const matrix = loaded.runs.length > 1;
  // Policies load before any run starts (importing a module is real I/O), so a bad path or export
  // is a usage error with the module named, not a crash in the middle of a matrix.
  const { loadPolicy, formatPolicyLoadError } = await import('../redundancy/load-policy.ts');
  const factories = new Map<string, () => import('../redundancy/policy.ts').Policy>();
  for (const spec of new Set(runs.map((r) => opts.policy ?? r.scenario.policy))) {
    const policyLoad = await loadPolicy(spec, opts.policy !== undefined ? process.cwd() : dirname(file));
    if (!policyLoad.ok) {
      io.err(formatPolicyLoadError(policyLoad.error));
      if (policyLoad.error.cause !== undefined) io.err(`\n${policyLoad.error.cause}`);
      io.err(`\nvenuechaos: the policy ${JSON.stringify(spec)} cannot be used; fix it and run again.`);
      return ExitCode.usage;
    }
    factories.set(spec, policyLoad.create);
  }
  const summaries = [];
  const outcomes: string[] = [];
  const stem = basename(file, extname(file));
  const reportDirOf = (run: ScenarioRun, seed: number): string =>
    opts.reportDir !== undefined ? (matrix ? join(opts.reportDir, `${run.name}-${seed}`) : opts.reportDir) : matrix ? join('reports', stem, `${run.name}-${seed}`) : join('reports', `${stem}-${seed}`);
  const replayOf = (run: ScenarioRun, seed: number): string =>
    `npx venuechaos run ${relativeOrSame(file)}${matrix ? ` --run ${run.name}` : ''}${opts.policy !== undefined ? ` --policy ${opts.policy}` : ''} --seed ${seed}`;
  const policyTimeoutSec = opts.policyTimeoutSec ?? POLICY_TIMEOUT_SEC_DEFAULT;
  if (policyTimeoutSec > 0) {
    // Each run in a worker thread with a watchdog: a policy that blocks the thread for good is a
    // policy failure with a report, not a CLI that hangs (src/cli/run-in-worker.ts).
    const { RunWorker } = await import('./run-in-worker.ts');
    const worker = new RunWorker({ policyTimeoutSec });
    try {
      for (const run of runs) {
        const seed = opts.seed ?? run.scenario.seed;
        const spec = opts.policy ?? run.scenario.policy;
        const { summary, ndjson } = await worker.run(
          { type: 'run', file, runName: run.name, ...(opts.seed !== undefined ? { seed: opts.seed } : {}), policySpec: spec, policyDir: opts.policy !== undefined ? process.cwd() : dirname(file), replay: replayOf(run, seed) },
          run.scenario,
        );
        const paths = await writeReportFiles(reportDirOf(run, summary.seed), summary, ndjson);
        summaries.push(summary);
        outcomes.push(summary.outcome);
        if (!opts.json) io.out(formatSummary(summary, paths) + (runs.length > 1 ? '\n' : ''));
      }
    } finally {
      await worker.close();
    }
  } else {
    const { runScenario } = await import('../sim/run.ts');
    for (const run of runs) {
      const create = factories.get(opts.policy ?? run.scenario.policy)!;
      const result = await runScenario(run.scenario, { policy: create(), ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
      const summary = toSummary(result, replayOf(run, result.seed));
      const paths = await writeReport(reportDirOf(run, result.seed), summary, result);
      summaries.push(summary);
      outcomes.push(result.outcome);
      if (!opts.json) io.out(formatSummary(summary, paths) + (runs.length > 1 ? '\n' : ''));
    }
  }
  if (opts.json) io.out(JSON.stringify(matrix && opts.run === undefined ? summaries : summaries[0], null, 2));
  else if (runs.length > 1) {
    const count = (o: string): number => outcomes.filter((x) => x === o).length;
    io.out(`matrix ${relativeOrSame(file)}: ${runs.length} runs — ${count('passed')} passed, ${count('violated')} violated, ${count('interrupted')} interrupted`);
    summaries.forEach((s) => io.out(`  ${s.outcome.padEnd(11)} ${s.meetsExpectation ? '(as expected)    ' : '(NOT as expected)'} ${s.scenario}`));
  }
  if (outcomes.includes('violated')) return ExitCode.violated;
  if (outcomes.includes('interrupted')) return ExitCode.interrupted;
  return ExitCode.passed;
}

async function validateCommand(files: string[], io: Io): Promise<ExitCodeValue> {
  let bad = 0;
  for (const file of files) {
    const loaded = await loadScenarioSet(file);
    if (loaded.ok) io.out(`ok  ${file}${loaded.runs.length > 1 ? ` (matrix: ${loaded.runs.length} runs)` : ''}`);
    else {
      bad += 1;
      io.err(formatScenarioErrors(loaded.errors));
    }
  }
  if (bad > 0) io.err(`\nvenuechaos: ${bad} of ${files.length} file(s) invalid.`);
  return bad > 0 ? ExitCode.usage : ExitCode.passed;
}

async function schemaCommand(opts: { out?: string }, io: Io): Promise<ExitCodeValue> {
  const text = JSON.stringify(scenarioJsonSchema(), null, 2) + '\n';
  if (opts.out === undefined) {
    io.out(text);
    return ExitCode.passed;
  }
  await writeAtomic(opts.out, text);
  io.out(`wrote ${opts.out}`);
  return ExitCode.passed;
}

/** `writeReport` for a run that happened in the worker: the same files, in the same order, each atomically. */
async function writeReportFiles(dir: string, summary: Summary, ndjson: string): Promise<{ summaryPath: string; tracePath: string }> {
  await mkdir(dir, { recursive: true });
  const summaryPath = join(dir, 'summary.json');
  const tracePath = join(dir, 'trace.ndjson');
  await writeAtomic(tracePath, ndjson);
  await writeAtomic(summaryPath, JSON.stringify(summary, null, 2) + '\n');
  return { summaryPath, tracePath };
}

function relativeOrSame(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

// ── fuzz ──────────────────────────────────────────────────────────────────────────────────────

/** The base `fuzz` searches over when none is given: the shipped default scenario, its faults removed. */
const FUZZ_BASE_DEFAULT = 'scenarios/default.yaml';

function parseCount(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new InvalidArgumentError(`${flag} expects a whole number from 1 to 1000000, found "${value}".`);
    return n;
  };
}

const FUZZ_KINDS_DEFAULT_TEXT = 'outage,rateLimit,maintenance,ackLoss,errorRate,latency';

function parseKinds(value: string): FaultKind[] {
  const kinds = value.split(',').map((k) => k.trim()).filter((k) => k !== '');
  for (const kind of kinds) {
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
      const hint = closest(kind, FAULT_KINDS);
      throw new InvalidArgumentError(`--kinds: unknown fault kind "${kind}"${hint !== undefined ? ` (did you mean "${hint}"?)` : ''}; kinds: ${FAULT_KINDS.join(', ')}.`);
    }
  }
  if (kinds.length === 0) throw new InvalidArgumentError(`--kinds expects at least one of ${FAULT_KINDS.join(', ')}.`);
  return kinds as FaultKind[];
}

function parseInvariant(value: string): string {
  if ((INVARIANT_NAMES as readonly string[]).includes(value) || value === 'policyHealthy' || value === 'interrupted') return value;
  const hint = closest(value, [...INVARIANT_NAMES]);
  throw new InvalidArgumentError(`--invariant: unknown invariant "${value}"${hint !== undefined ? ` (did you mean "${hint}"?)` : ''}; invariants: ${INVARIANT_NAMES.join(', ')}.`);
}

interface FuzzOpts {
  kinds?: FaultKind[];
  maxConcurrentDown: number;
  swarm: boolean;
  invariant?: string;
  scenario: string;
  policy?: string;
  runs: number;
  seed: number;
  out: string;
  durationSecMax: number;
  shrinkRunsMax: number;
  progressEvery: number;
}

/**
 * `venuechaos fuzz`: runs in this process (no watchdog: a policy that blocks the thread hangs the
 * search; `run` the written file to get the watchdog's report), then writes the shrunk scenario and
 * checks that it replays from its own text before saying so.
 */
async function fuzzCommand(opts: FuzzOpts, io: Io): Promise<ExitCodeValue> {
  const file = opts.scenario === FUZZ_BASE_DEFAULT ? fileURLToPath(new URL(`../../${FUZZ_BASE_DEFAULT}`, import.meta.url)) : opts.scenario;
  const shown = opts.scenario;
  const loaded = await loadScenarioSet(file);
  if (!loaded.ok) {
    io.err(formatScenarioErrors(loaded.errors));
    io.err(`\nvenuechaos: ${shown} has ${loaded.errors.length} problem(s); fix them and run again (venuechaos validate ${shown} checks without running).`);
    return ExitCode.usage;
  }
  if (loaded.runs.length > 1) {
    io.err(`venuechaos: ${shown} is a matrix of ${loaded.runs.length} runs; fuzz needs one base scenario. Write one without \`matrix:\` (it may \`extends:\` this one's base).`);
    return ExitCode.usage;
  }
  const base = { ...loaded.runs[0]!.scenario, faults: [] };
  const policySpec = opts.policy ?? base.policy;
  const policyFile = opts.policy !== undefined || policySpec === 'reference' ? policySpec : join(dirname(file), policySpec);
  const { loadPolicy, formatPolicyLoadError } = await import('../redundancy/load-policy.ts');
  const policyLoad = await loadPolicy(policyFile, process.cwd());
  if (!policyLoad.ok) {
    io.err(formatPolicyLoadError(policyLoad.error));
    io.err(`\nvenuechaos: the policy ${JSON.stringify(policySpec)} cannot be used; fix it and run again.`);
    return ExitCode.usage;
  }
  const { fuzz, counterexampleYaml, replayCommand, brokenInvariants } = await import('../fuzz/index.ts');
  const { parseScenario } = await import('../scenario/index.ts');
  const { runScenario } = await import('../sim/run.ts');

  io.out(`fuzz ${shown} with policy ${policyFile}: up to ${opts.runs} runs of at most ${opts.durationSecMax} s, seed ${opts.seed}`);
  const report = await fuzz({
    base,
    policy: policyLoad.create,
    runs: opts.runs,
    seed: opts.seed,
    shrinkRunsMax: opts.shrinkRunsMax,
    search: { durationSecMax: opts.durationSecMax, maxConcurrentDown: opts.maxConcurrentDown, swarm: opts.swarm, ...(opts.kinds !== undefined ? { kinds: opts.kinds } : {}) },
    ...(opts.invariant !== undefined ? { invariants: [opts.invariant] } : {}),
    onRun: (p) => {
      const n = p.phase === 'search' ? p.searchRuns : p.shrinkRuns;
      if (n % opts.progressEvery !== 0 && !(p.phase === 'shrink' && p.shrinkRuns === 0)) return;
      const rate = p.runWallMs > 0 ? ` (${Math.round(((p.searchRuns + p.shrinkRuns) * 60_000) / p.runWallMs)} runs/min)` : '';
      if (p.phase === 'search') io.out(`  search  ${p.searchRuns}/${p.runs} runs, no violation${rate}`);
      else if (p.shrinkRuns === 0) io.out(`  found   ${p.invariant} breaks at run ${p.searchRuns} with ${p.smallest?.faults} fault(s) over ${p.smallest?.durationSec} s; shrinking`);
      else io.out(`  shrink  ${p.shrinkRuns} runs, ${p.shrinkSteps} steps: ${p.invariant} still breaks with ${p.smallest?.faults} fault(s) over ${p.smallest?.durationSec} s${rate}`);
    },
  });
  if (report.outcome === 'passed') {
    io.out(`no violation in ${report.runs} runs (seed ${report.seed}); try more --runs or another --seed`);
    return ExitCode.passed;
  }

  const stem = basename(shown, extname(shown));
  const outFile = join(opts.out, `${stem}-${report.policy.replace(/[^a-z0-9-]+/gi, '-').toLowerCase()}-seed${opts.seed}.yaml`);
  const shownFile = relativeOrSame(outFile);
  const text = counterexampleYaml(report, {
    policySpec: policyFile,
    file: shownFile,
    baseName: shown,
    schemaPath: relative(dirname(resolve(outFile)), fileURLToPath(new URL('../../scenarios/venuechaos.schema.json', import.meta.url))),
    ...(policyFile !== 'reference' ? { policyPath: relative(dirname(resolve(outFile)), resolve(policyFile)) } : {}),
  });
  await mkdir(dirname(outFile), { recursive: true });
  await writeAtomic(outFile, text);

  // The file must show what the search saw: load it back from its text and run it once more.
  const reparsed = parseScenario(text, outFile);
  const replayed = reparsed.ok ? brokenInvariants(await runScenario(reparsed.scenario, { policy: policyLoad.create() }), reparsed.scenario) : [];
  const v = report.violation;
  io.out(
    [
      `VIOLATED ${report.invariant}${v !== null ? ` at +${(v.tMs / 1000).toFixed(3)} s: ${v.message.split('\n')[0]}` : ''}`,
      `  found after ${report.searchRuns} run(s) with ${report.found.faults} fault(s) over ${report.found.durationSec} s; shrunk in ${report.shrinkSteps} step(s) (${report.shrinkRuns} runs${report.shrinkBudgetSpent ? ', budget spent: --shrink-runs-max' : ''}) to ${report.shrunk.faults} fault(s) over ${report.shrunk.durationSec} s`,
      `  wrote  ${shownFile}`,
      `  replay: ${replayCommand(shownFile, policyFile)}`,
    ].join('\n'),
  );
  if (!replayed.some((b) => b.name === report.invariant)) {
    io.err(`venuechaos: internal error — ${shownFile} does not replay the violation (${reparsed.ok ? `broke: ${replayed.map((b) => b.name).join(', ') || 'nothing'}` : formatScenarioErrors(reparsed.errors)}); this is a bug in venuechaos, please report it with the command you ran.`);
    return ExitCode.internal;
  }
  return ExitCode.violated;
}
