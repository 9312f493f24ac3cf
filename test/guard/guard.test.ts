import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import ccxt from 'ccxt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  guardCcxt,
  installNetworkGuard,
  isLoopbackHost,
  NET_BLOCKED_CODE,
  type BlockedConnection,
  type NetworkGuard,
} from '../../src/net/guard.ts';
import { virtualClock, yieldRealTurn } from '../../src/sim/virtual-clock.ts';

/*
 * Spies installed *below* the guard (before it, so the guard wraps them): they see only what the
 * guard lets through. They are also a safety net — if the guard ever let a non-loopback attempt
 * through, the spy refuses it instead of calling the real connect/lookup, so these tests never
 * touch the network even when the guard is broken.
 */
// The suite-wide setup (test/setup/network-guard.ts) installs the guard; this file checks the
// guard itself with counting spies *beneath* it, so it starts from the unguarded functions.
installNetworkGuard().uninstall();

const reachedConnect: string[] = [];
const reachedDns: string[] = [];
const originals = {
  connect: net.Socket.prototype.connect,
  lookup: dns.lookup,
  promisesLookup: dns.promises.lookup,
};

function spyHost(args: any[]): string {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first !== null && typeof first === 'object') return first.path ? `pipe:${first.path}` : String(first.host ?? 'localhost');
  return typeof args[1] === 'string' ? args[1] : 'localhost';
}

function installSpies(): void {
  net.Socket.prototype.connect = function spyConnect(this: net.Socket, ...args: any[]) {
    const host = spyHost(args);
    reachedConnect.push(host);
    if (host.startsWith('pipe:') || isLoopbackHost(host)) return (originals.connect as any).apply(this, args);
    process.nextTick(() => this.destroy(Object.assign(new Error(`spy refused ${host}`), { code: 'SPY_REFUSED' })));
    return this;
  } as typeof net.Socket.prototype.connect;
  dns.lookup = function spyLookup(this: unknown, host: string, ...rest: any[]) {
    reachedDns.push(host);
    if (isLoopbackHost(host)) return (originals.lookup as any).call(this, host, ...rest);
    const cb = rest[rest.length - 1];
    process.nextTick(() => cb(Object.assign(new Error(`spy refused ${host}`), { code: 'SPY_REFUSED' })));
  } as typeof dns.lookup;
  dns.promises.lookup = (async (host: string) => {
    reachedDns.push(host);
    throw Object.assign(new Error(`spy refused ${host}`), { code: 'SPY_REFUSED' });
  }) as typeof dns.promises.lookup;
}

function restoreSpies(): void {
  net.Socket.prototype.connect = originals.connect;
  dns.lookup = originals.lookup;
  dns.promises.lookup = originals.promisesLookup;
}

/** Settles a promise whose machinery may sleep on the virtual clock (ccxt's throttle, timeouts). */
async function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: any }> {
  let out: { ok: true; value: T } | { ok: false; error: any } | undefined;
  promise.then(
    (value) => (out = { ok: true, value }),
    (error) => (out = { ok: false, error }),
  );
  for (let i = 0; i < 2_000 && out === undefined; i++) {
    await yieldRealTurn();
    if (out === undefined && i % 10 === 9) virtualClock().tick(1);
  }
  if (out === undefined) throw new Error('did not settle');
  return out;
}

function errorOf(emitter: NodeJS.EventEmitter): Promise<any> {
  return new Promise((resolve) => emitter.once('error', resolve));
}

let guard: NetworkGuard;

beforeAll(() => {
  installSpies();
  guard = installNetworkGuard();
});

afterAll(() => {
  guard.uninstall();
  expect(net.Socket.prototype.connect.name).toBe('spyConnect'); // the guard restored what it wrapped
  restoreSpies();
});

beforeEach(() => {
  guard.clear();
  reachedConnect.length = 0;
  reachedDns.length = 0;
});

function expectBlocked(error: any, route: BlockedConnection['route'], host: string, port?: number): void {
  const cause = error?.code === NET_BLOCKED_CODE ? error : error?.cause;
  expect(cause?.code).toBe(NET_BLOCKED_CODE);
  expect(cause?.message).toContain(`venuechaos: blocked`);
  expect(cause?.message).toContain(`${host}${port === undefined ? '' : `:${port}`} (via ${route})`);
  expect(guard.blocked).toHaveLength(1);
  expect(guard.blocked[0]).toMatchObject({ route, host, ...(port === undefined ? {} : { port }) });
  expect(guard.blocked[0]!.timeMs).toBe(Date.now());
  // Nothing reached the real connect or a DNS lookup for that host.
  expect(reachedConnect).not.toContain(host);
  expect(reachedDns).not.toContain(host);
}

describe('network guard', () => {
  it('is idempotent', () => {
    expect(installNetworkGuard()).toBe(guard);
  });

  it('isLoopbackHost', () => {
    for (const h of ['127.0.0.1', '127.9.8.7', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) {
      expect(isLoopbackHost(h), h).toBe(true);
    }
    for (const h of ['93.184.216.34', 'fapi.binance.com', '0.0.0.0', '::', '128.0.0.1', 'localhost.example.com', '::ffff:8.8.8.8']) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });

  it('blocks net.connect to a public IP', async () => {
    const socket = net.connect({ host: '93.184.216.34', port: 80 });
    expectBlocked(await errorOf(socket), 'net', '93.184.216.34', 80);
    expect(socket.destroyed).toBe(true);
  });

  it('blocks new net.Socket().connect(port, host, cb) without calling the callback', async () => {
    let connected = false;
    const socket = new net.Socket().connect(443, 'fapi.binance.com', () => (connected = true));
    expectBlocked(await errorOf(socket), 'net', 'fapi.binance.com', 443);
    expect(connected).toBe(false);
  });

  it('blocks tls.connect', async () => {
    const socket = tls.connect({ host: 'fapi.binance.com', port: 443, servername: 'fapi.binance.com' });
    expectBlocked(await errorOf(socket), 'tls', 'fapi.binance.com', 443);
  });

  it('blocks http.get', async () => {
    const req = http.get('http://example.com');
    expectBlocked(await errorOf(req), 'http', 'example.com', 80);
  });

  it('blocks https.get', async () => {
    const req = https.get('https://api.binance.com/api/v3/time');
    expectBlocked(await errorOf(req), 'https', 'api.binance.com', 443);
  });

  it('blocks global fetch (Node-bundled undici ends in net.Socket#connect)', async () => {
    const result = await settle(fetch('https://api.binance.com/api/v3/time'));
    expect(result.ok).toBe(false);
    const error = (result as { error: any }).error;
    expect(error).toBeInstanceOf(TypeError);
    expectBlocked(error, 'fetch', 'api.binance.com', 443);
  });

  it('blocks the undici package ccxt uses', async () => {
    const undici: any = await import('undici' as string);
    const agent = new undici.Agent({ connect: { autoSelectFamily: true } });
    const result = await settle(undici.request('https://fapi.binance.com/fapi/v1/time', { dispatcher: agent }));
    expect(result.ok).toBe(false);
    expectBlocked((result as { error: any }).error, 'undici', 'fapi.binance.com', 443);
    await agent.destroy();
  });

  it('blocks dns.lookup and dns.promises.lookup of real hosts', async () => {
    const error = await new Promise<any>((resolve) => dns.lookup('fapi.binance.com', (err) => resolve(err)));
    expectBlocked(error, 'dns', 'fapi.binance.com');
    expect(error.message).toContain('a DNS lookup of fapi.binance.com');
    guard.clear();
    await expect(dns.promises.lookup('api.binance.com')).rejects.toMatchObject({ code: NET_BLOCKED_CODE });
    expect(guard.blocked).toMatchObject([{ route: 'dns', host: 'api.binance.com' }]);
    guard.clear();
    await expect(new dns.promises.Resolver().resolve4('api.binance.com')).rejects.toMatchObject({ code: NET_BLOCKED_CODE });
    expect(guard.blocked).toMatchObject([{ route: 'dns', host: 'api.binance.com' }]);
  });

  it('reports every block to onBlocked listeners until unsubscribed', async () => {
    const seen: BlockedConnection[] = [];
    const off = guard.onBlocked((a) => seen.push(a));
    await errorOf(net.connect(80, '10.0.0.1'));
    off();
    await errorOf(net.connect(80, '10.0.0.2'));
    expect(seen.map((a) => a.host)).toEqual(['10.0.0.1']);
    expect(guard.blocked.map((a) => a.host)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(seen[0]!.stack).toContain('guard.test.ts');
  });

  it('lets loopback connections through (net server on 127.0.0.1)', async () => {
    const server = net.createServer((s) => s.end('pong'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      let data = '';
      socket.on('data', (d) => (data += d)).on('end', () => resolve(data)).on('error', reject);
    });
    await new Promise((resolve) => server.close(resolve));
    expect(reply).toBe('pong');
    expect(guard.blocked).toHaveLength(0);
    expect(reachedConnect).toContain('127.0.0.1');
  });

  it('lets loopback http through, including "localhost" (DNS for localhost allowed)', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: 'localhost', port, family: 4, agent: false }, (res) => {
          let data = '';
          res.on('data', (d) => (data += d)).on('end', () => resolve(data));
        })
        .on('error', reject);
    });
    await new Promise((resolve) => server.close(resolve));
    expect(body).toBe('ok');
    expect(guard.blocked).toHaveLength(0);
  });
});

describe('ccxt', () => {
  let unpatch: (() => void) | undefined;
  afterEach(() => {
    unpatch?.();
    unpatch = undefined;
  });

  it('without guardCcxt, an unwired instance is still blocked at the socket layer (undici), with no DNS or socket', async () => {
    const exchange = new ccxt.binanceusdm();
    const result = await settle(exchange.fetchTime());
    expect(result.ok).toBe(false);
    const error = (result as { error: any }).error;
    // ccxt re-throws undici's connect error as is (its code is not in ccxt's network-code list).
    expect(error.message).toContain('blocked an outbound connection to fapi.binance.com:443 (via undici)');
    expectBlocked(error, 'undici', 'fapi.binance.com', 443);
  });

  it('with guardCcxt and no wire, an unwired instance fails with a clear NetworkError and a ccxt-unwired record', async () => {
    unpatch = guardCcxt(ccxt, {});
    const exchange = new ccxt.binanceusdm();
    const result = await settle(exchange.fetchTime());
    expect(result.ok).toBe(false);
    const error = (result as { error: any }).error;
    expect(error).toBeInstanceOf(ccxt.NetworkError);
    expect(error.message).toContain('fapi.binance.com');
    expect(error.message).toContain('venuechaos: blocked an outbound connection to fapi.binance.com:443 (via ccxt-unwired)');
    expect(guard.blocked).toMatchObject([{ route: 'ccxt-unwired', host: 'fapi.binance.com', port: 443 }]);
    expect(reachedConnect).toHaveLength(0);
    expect(reachedDns).toHaveLength(0);
  });

  it('guardCcxt with wire wires instances user code creates without options', async () => {
    const urls: string[] = [];
    unpatch = guardCcxt(ccxt, {
      wire: (exchange) => {
        exchange.fetchImplementation = async (url: string) => {
          urls.push(url);
          return new Response(JSON.stringify({ serverTime: 1_767_225_600_123 }), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          });
        };
      },
    });
    const exchange = new ccxt.binanceusdm(); // "user code": no fetchImplementation
    const result = await settle(exchange.fetchTime());
    expect(result).toEqual({ ok: true, value: 1_767_225_600_123 });
    expect(urls).toHaveLength(1);
    expect(urls[0]).toMatch(/^https:\/\/fapi\.binance\.com\/fapi\/v1\/time/);
    expect(guard.blocked).toHaveLength(0);
    expect(reachedConnect).toHaveLength(0);
  });

  it('guardCcxt leaves explicitly wired instances alone, and un-patches', async () => {
    unpatch = guardCcxt(ccxt, { wire: () => { throw new Error('must not be called'); } });
    const calls: string[] = [];
    const exchange = new ccxt.binanceusdm({
      fetchImplementation: async (url: string) => {
        calls.push(url);
        return new Response('{"serverTime":1}', { status: 200, headers: { 'content-type': 'application/json' } });
      },
    });
    expect(await settle(exchange.fetchTime())).toEqual({ ok: true, value: 1 });
    const before = (ccxt as any).Exchange.prototype.loadFetchImplementation;
    unpatch();
    unpatch = undefined;
    expect((ccxt as any).Exchange.prototype.loadFetchImplementation).not.toBe(before);
    expect(calls).toHaveLength(1);
  });
});

describe('with MSW interception', () => {
  it('requests MSW answers never reach the guard; bypassed ones are blocked', async () => {
    const { http: mswHttp, HttpResponse } = await import('msw');
    const { setupServer } = await import('msw/node');
    const server = setupServer(mswHttp.get('https://fapi.binance.com/fapi/v1/time', () => HttpResponse.json({ serverTime: 7 })));
    server.listen({ onUnhandledRequest: 'bypass' });
    try {
      const ok = await settle(fetch('https://fapi.binance.com/fapi/v1/time').then((r) => r.json()));
      expect(ok).toEqual({ ok: true, value: { serverTime: 7 } });
      expect(guard.blocked).toHaveLength(0);
      const bypassed = await settle(fetch('https://api.bybit.com/v5/market/time'));
      expect(bypassed.ok).toBe(false);
      expect(guard.blocked).toMatchObject([{ host: 'api.bybit.com', port: 443 }]);
      expect(reachedConnect).not.toContain('api.bybit.com');
    } finally {
      server.close();
    }
  });
});
