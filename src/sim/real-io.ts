import { createHook } from 'node:async_hooks';

/**
 * Real I/O inside a run breaks determinism: its completion lands on a real event-loop turn the
 * driver does not schedule, at a virtual time that depends on the machine. A user policy that
 * reads a file, resolves a name or opens a socket while the run is going is caught here, at the
 * call, through `async_hooks` (only the resource types below; the hook is on only while a user
 * policy runs: with an init hook Node runs a promise hook on every promise, about +10 % wall
 * time on scenarios/default.yaml, measured on Node 20).
 *
 * Not seen: synchronous I/O (`readFileSync` blocks the thread and returns; it cannot reorder
 * anything, but it still makes the run depend on the machine), and `setImmediate` (the driver and
 * the fetch machinery use it on every turn). Blocked connections and DNS lookups are reported by
 * the network guard (src/net/guard.ts) before any resource exists; a run listens to it as well.
 */

/** async_hooks resource types that mean real I/O, with what a person would call them. */
export const REAL_IO_TYPES: Readonly<Record<string, string>> = {
  FSREQCALLBACK: 'fs (callback API)',
  FSREQPROMISE: 'fs/promises',
  FSEVENTWRAP: 'fs.watch',
  STATWATCHER: 'fs.watchFile',
  GETADDRINFOREQWRAP: 'dns.lookup',
  GETNAMEINFOREQWRAP: 'dns.lookupService',
  QUERYWRAP: 'dns.resolve',
  TCPWRAP: 'a TCP socket',
  TCPCONNECTWRAP: 'a TCP connection',
  TCPSERVERWRAP: 'a TCP server',
  PIPEWRAP: 'a pipe',
  PIPECONNECTWRAP: 'a pipe connection',
  UDPWRAP: 'a UDP socket',
  UDPSENDWRAP: 'a UDP send',
  PROCESSWRAP: 'a child process',
  HTTPINCOMINGMESSAGE: 'an HTTP request',
  HTTPCLIENTREQUEST: 'an HTTP request',
  WORKER: 'a worker thread',
};

export interface RealIo {
  /** What was used, e.g. "fs/promises (readFile)". */
  what: string;
  /** The async_hooks resource type. */
  type: string;
  /** The call site, outside Node's internals, if the stack shows one. */
  at?: string;
  /** The stack at the call. */
  stack: string;
}

/** Starts watching; `onRealIo` is called synchronously at each real I/O call. Returns the stop function. */
export function watchRealIo(onRealIo: (io: RealIo) => void): () => void {
  let reporting = false;
  const hook = createHook({
    init(_asyncId, type) {
      const label = REAL_IO_TYPES[type];
      if (label === undefined || reporting) return;
      reporting = true; // what the listener does must not report itself
      try {
        const holder: { stack?: string } = {};
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 30;
        Error.captureStackTrace(holder);
        Error.stackTraceLimit = limit;
        const stack = (holder.stack ?? '')
          .split('\n')
          .slice(1)
          .filter((line) => !line.includes('node:internal/async_hooks') && !/[\\/]src[\\/]sim[\\/]real-io\./.test(line))
          .join('\n');
        onRealIo(describeIo(type, label, stack));
      } finally {
        reporting = false;
      }
    },
  });
  hook.enable();
  return () => hook.disable();
}

/** Reads the Node API called and the caller's frame off the stack. */
export function describeIo(type: string, label: string, stack: string): RealIo {
  const frames = stack.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('at '));
  // The API called is Node's last frame before the caller's own.
  const callerIndex = frames.findIndex((f) => !f.includes('node:'));
  const api = callerIndex > 0 ? frames[callerIndex - 1] : undefined;
  const apiName = api?.match(/^at (?:async )?(?:Object\.|Function\.|FSReqCallback\.)?([\w$.<>]+) /)?.[1];
  const at = callerIndex >= 0 ? frames[callerIndex] : undefined;
  return { what: apiName !== undefined ? `${label} (${apiName})` : label, type, ...(at !== undefined ? { at: at.slice(3) } : {}), stack };
}
