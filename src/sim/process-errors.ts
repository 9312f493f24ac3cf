/**
 * During a run, errors nobody caught belong to the run: a promise the policy forgot to await that
 * rejects, or a throw from a real callback (`setImmediate`, `process.nextTick`, an event emitter).
 * Node's default for either is to end the process; a test runner's is to fail the test file. A run
 * takes both events over while it lasts (the listeners already there are set aside and put back),
 * so the error ends the run as a policy failure instead of ending the process.
 *
 * One run at a time per process (the virtual clock is process-wide anyway).
 */

export type ProcessErrorKind = 'unhandledRejection' | 'uncaughtException';

type Listener = (...args: any[]) => void;

/**
 * Routes `unhandledRejection` and `uncaughtException` to `onError` until the returned function
 * is called, which restores the listeners that were there before.
 */
export function takeOverProcessErrors(onError: (kind: ProcessErrorKind, error: unknown) => void): () => void {
  const kinds: ProcessErrorKind[] = ['unhandledRejection', 'uncaughtException'];
  const saved = new Map<ProcessErrorKind, Listener[]>();
  const ours = new Map<ProcessErrorKind, Listener>();
  for (const kind of kinds) {
    saved.set(kind, process.listeners(kind as 'uncaughtException') as Listener[]);
    process.removeAllListeners(kind);
    const listener: Listener = (error: unknown) => onError(kind, error);
    ours.set(kind, listener);
    process.on(kind, listener);
  }
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    for (const kind of kinds) {
      process.removeListener(kind, ours.get(kind)!);
      for (const listener of saved.get(kind) ?? []) process.on(kind, listener);
    }
  };
}
