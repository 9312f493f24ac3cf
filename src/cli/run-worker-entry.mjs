// The run worker's entry (see src/cli/run-in-worker.ts): the same process setup as the CLI, then
// the worker's TypeScript side.
import { setupProcess } from './setup-process.mjs';

await setupProcess();
await import('./run-worker.ts');
