import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

/**
 * The network guard: no simulation may reach a real exchange (DESIGN fact 1).
 *
 * Every TCP/TLS connection in Node — `net.connect`, `new net.Socket().connect()`, `tls.connect`,
 * `http(s).request`, global `fetch` (Node's bundled undici), the `undici` package ccxt imports,
 * `ws`, `http2` — ends in `net.Socket.prototype.connect`, so patching that one method blocks them
 * all *before* the DNS lookup and before a socket is opened. The route is read off the stack (only
 * when an attempt is blocked). `dns.lookup` and the resolver functions are patched too, so a bare DNS
 * query for a real host is blocked as well. `guardCcxt` adds a ccxt-level layer: instances created
 * without a `fetchImplementation` are wired to the testbed (or refused with a clear `NetworkError`).
 */

export type BlockedRoute = 'net' | 'tls' | 'http' | 'https' | 'fetch' | 'undici' | 'dns' | 'ccxt-unwired';

export interface BlockedConnection {
  route: BlockedRoute;
  host: string;
  port?: number;
  /** `Date.now()` when blocked (the virtual clock when one is installed). */
  timeMs: number;
  stack?: string;
}

export type BlockedListener = (attempt: BlockedConnection) => void;

export interface NetworkGuard {
  readonly blocked: readonly BlockedConnection[];
  clear(): void;
  uninstall(): void;
  /** Calls `listener` on every blocked attempt; returns the unsubscribe function. */
  onBlocked(listener: BlockedListener): () => void;
}

export interface NetworkGuardOptions {
  /** Let connections to 127.0.0.0/8, ::1 and `localhost` through (default true). */
  allowLoopback?: boolean;
}

export const NET_BLOCKED_CODE = 'VC_NET_BLOCKED';

export class NetworkBlockedError extends Error {
  readonly code = NET_BLOCKED_CODE;
  constructor(readonly attempt: BlockedConnection) {
    super(blockedMessage(attempt));
    this.name = 'NetworkBlockedError';
  }
}

export function blockedMessage(a: Pick<BlockedConnection, 'route' | 'host' | 'port'>): string {
  const what =
    a.route === 'dns'
      ? `a DNS lookup of ${a.host}`
      : `an outbound connection to ${a.host}${a.port === undefined ? '' : `:${a.port}`}`;
  return (
    `venuechaos: blocked ${what} (via ${a.route}). Simulations never reach real venues: ` +
    'wire the client with the testbed transport (see README "Wiring ccxt")'
  );
}

const loopback = new net.BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** 127.0.0.0/8, ::1 (also bracketed or IPv4-mapped) and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h === 'localhost') return true;
  const family = net.isIP(h);
  if (family === 4) return loopback.check(h, 'ipv4');
  if (family === 6) return loopback.check(h, 'ipv6');
  return false;
}

interface GuardState extends NetworkGuard {
  record(route: BlockedRoute, host: string, port: number | undefined, stack?: string): BlockedConnection;
}

let current: GuardState | undefined;

type AnyFn = (...args: any[]) => any;

/** Where the connect was called from, read off a stack captured at the patched `connect`. */
function routeOf(stack: string): BlockedRoute {
  if (/[\\/]node_modules[\\/]undici[\\/]/.test(stack)) return 'undici';
  if (stack.includes('node:internal/deps/undici')) return 'fetch';
  if (stack.includes('node:https:')) return 'https';
  if (stack.includes('node:_http_')) return 'http';
  if (stack.includes('node:_tls_wrap:')) return 'tls';
  return 'net';
}

function captureStack(skip: AnyFn): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, skip);
  Error.stackTraceLimit = limit;
  return holder.stack ?? '';
}

/** The (host, port) a `Socket#connect(...args)` call targets, or undefined for IPC paths / bad args. */
function connectTarget(args: unknown[]): { host: string; port: number | undefined } | undefined {
  let first = args[0];
  if (Array.isArray(first)) first = first[0]; // net.connect passes its already-normalized args
  let host: unknown;
  let port: unknown;
  if (first !== null && typeof first === 'object') {
    const o = first as { host?: unknown; port?: unknown; path?: unknown };
    if (o.path) return undefined; // unix socket / named pipe: local
    host = o.host;
    port = o.port;
  } else if (typeof first === 'string' && !(Number(first) >= 0)) {
    return undefined; // a pipe name
  } else {
    port = first;
    if (typeof args[1] === 'string') host = args[1];
  }
  const n = Number(port);
  return {
    host: typeof host === 'string' && host !== '' ? host : 'localhost',
    port: port === undefined || port === null || !Number.isFinite(n) ? undefined : n,
  };
}

export function installNetworkGuard(opts: NetworkGuardOptions = {}): NetworkGuard {
  if (current !== undefined) return current;
  const allowLoopback = opts.allowLoopback ?? true;
  const allowed = (host: string): boolean => allowLoopback && isLoopbackHost(host);
  const blocked: BlockedConnection[] = [];
  const listeners = new Set<BlockedListener>();
  const restores: Array<() => void> = [];

  function patch(target: any, key: string, make: (original: AnyFn) => AnyFn): void {
    const original = target[key] as AnyFn;
    const patched = make(original);
    target[key] = patched;
    restores.push(() => {
      if (target[key] === patched) target[key] = original;
    });
  }

  const guard: GuardState = {
    blocked,
    clear: () => {
      blocked.length = 0;
    },
    onBlocked(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    uninstall() {
      if (current !== guard) return;
      current = undefined;
      for (const restore of restores.reverse()) restore();
      restores.length = 0;
      syncBuiltinESMExports();
    },
    record(route, host, port, stack) {
      const entry: BlockedConnection = { route, host, timeMs: Date.now() };
      if (port !== undefined) entry.port = port;
      if (stack !== undefined) entry.stack = stack;
      blocked.push(entry);
      for (const listener of listeners) {
        try {
          listener(entry);
        } catch {
          // a listener's bug must not turn a blocked connection into a crash
        }
      }
      return entry;
    },
  };

  // Every TCP/TLS route funnels here; blocking before the original runs means no DNS, no socket.
  patch(net.Socket.prototype, 'connect', (original) =>
    function guardedConnect(this: net.Socket, ...args: unknown[]) {
      const target = connectTarget(args);
      if (target === undefined || allowed(target.host)) return original.apply(this, args);
      const stack = captureStack(guardedConnect);
      const error = new NetworkBlockedError(guard.record(routeOf(stack), target.host, target.port, stack));
      // Fail the way a refused connection fails: asynchronously, with an `error` event.
      (this as { connecting: boolean }).connecting = true; // writes queue instead of failing first
      process.nextTick(() => this.destroy(error));
      return this;
    },
  );

  // DNS: lookups (getaddrinfo) and resolver queries (c-ares) for non-loopback names.
  const dnsBlock = (host: unknown, skip: AnyFn): NetworkBlockedError =>
    new NetworkBlockedError(guard.record('dns', String(host), undefined, captureStack(skip)));
  const wrapCallbackDns = (original: AnyFn): AnyFn =>
    function guardedDns(this: unknown, ...args: any[]) {
      const host = args[0];
      if (typeof host !== 'string' || host === '' || allowed(host)) return original.apply(this, args);
      const error = dnsBlock(host, guardedDns);
      const callback = args[args.length - 1];
      if (typeof callback === 'function') process.nextTick(() => callback(error));
      return undefined;
    };
  const wrapPromiseDns = (original: AnyFn): AnyFn =>
    function guardedDnsPromise(this: unknown, ...args: any[]) {
      const host = args[0];
      if (typeof host !== 'string' || host === '' || allowed(host)) return original.apply(this, args);
      return Promise.reject(dnsBlock(host, guardedDnsPromise));
    };
  const dnsKeys = (o: object): string[] =>
    Object.getOwnPropertyNames(o).filter((k) => /^(lookup|resolve|reverse)/.test(k) && typeof (o as any)[k] === 'function');
  for (const key of dnsKeys(dns)) patch(dns, key, wrapCallbackDns);
  for (const key of dnsKeys(dns.Resolver.prototype)) patch(dns.Resolver.prototype, key, wrapCallbackDns);
  for (const key of dnsKeys(dns.promises)) patch(dns.promises, key, wrapPromiseDns);
  for (const key of dnsKeys(dns.promises.Resolver.prototype)) patch(dns.promises.Resolver.prototype, key, wrapPromiseDns);

  syncBuiltinESMExports(); // `import { lookup } from 'node:dns'` sees the patched functions
  current = guard;
  return guard;
}

/**
 * Patches ccxt so that every instance created without a `fetchImplementation` is wired to the
 * testbed (`wire`) or, without `wire`, refused: its requests record a `ccxt-unwired` block and fail
 * with the `TypeError('fetch failed', { cause })` ccxt turns into a `NetworkError`. Installs the
 * network guard if it is not installed. Returns the un-patch function.
 */
export function guardCcxt(ccxtModule: any, opts: { wire?: (exchange: any) => void } = {}): () => void {
  installNetworkGuard();
  const proto = ccxtModule.Exchange.prototype;
  const original = proto.loadFetchImplementation as AnyFn;
  const patched = function loadFetchImplementation(this: any) {
    if (this.fetchImplementation === undefined && this.fetchImplementationLoading === undefined) {
      if (opts.wire !== undefined) opts.wire(this);
      else this.fetchImplementation = unwiredFetch;
    }
    // If `wire` left it unset, ccxt loads undici, which the socket-level guard still blocks.
    return original.call(this);
  };
  proto.loadFetchImplementation = patched;
  return () => {
    if (proto.loadFetchImplementation === patched) proto.loadFetchImplementation = original;
  };
}

async function unwiredFetch(url: string): Promise<never> {
  const u = new URL(url);
  const port = u.port !== '' ? Number(u.port) : u.protocol === 'http:' ? 80 : 443;
  const guard = (current ?? installNetworkGuard()) as GuardState;
  const attempt = guard.record('ccxt-unwired', u.hostname, port, captureStack(unwiredFetch));
  throw new TypeError('fetch failed', { cause: new NetworkBlockedError(attempt) });
}
