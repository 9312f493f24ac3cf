#!/usr/bin/env node
// `npm run bench`: the virtual clock first (ccxt captures timers at import), then the benchmarks.
import { register } from 'tsx/esm/api';

register();
await import('../src/sim/install-clock.ts');
const { runBenchmarks } = await import('./benchmarks.ts');
await runBenchmarks(process.argv.slice(2));
