import { readFileSync } from 'node:fs';
import { getResponse, type RequestHandler } from 'msw';
import type { Dialect } from '../../mocks/types.ts';

/**
 * A minimal `fetchImplementation` for dialect compliance tests: the request goes straight to the
 * dialect's MSW handlers (no transport, no fault layer), and a request no handler answers fails
 * like a network error, so nothing can reach the real network.
 */
export type FetchImplementation = (url: string, init?: RequestInit) => Promise<Response>;

export interface RecordedRequest {
  method: string;
  url: string;
  body: string | undefined;
}

export function dialectFetch(dialect: Dialect, log?: RecordedRequest[]): FetchImplementation {
  return async (url, init = {}) => {
    const method = (init.method ?? 'GET').toUpperCase();
    log?.push({ method, url, body: typeof init.body === 'string' ? init.body : undefined });
    const request = new Request(url, { method, headers: init.headers, body: init.body ?? null });
    const response = await getResponse(dialect.handlers as RequestHandler[], request);
    if (response === undefined) {
      throw new TypeError('fetch failed', { cause: new Error(`no mock handler answered ${method} ${url}`) });
    }
    return response;
  };
}

/** A `fetchImplementation` that answers every request with the response `make` builds. */
export function cannedFetch(make: (url: URL, method: string) => Response): FetchImplementation {
  return async (url, init = {}) => make(new URL(url), (init.method ?? 'GET').toUpperCase());
}

/** The constructor-name chain of an error, child first (e.g. ["DDoSProtection", "NetworkError", …]). */
export function classChain(error: unknown): string[] {
  const names: string[] = [];
  let proto = error !== null && typeof error === 'object' ? Object.getPrototypeOf(error) : undefined;
  while (proto && proto !== Object.prototype) {
    names.push(proto.constructor.name);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}

/** Runs `fn` and returns the error it rejected with (fails the test if it resolved). */
export async function rejectionOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

// ---------------------------------------------------------------------------------------------
// Fixture conformance, shared by every dialect's compliance test: ccxt's recorded real responses
// (test/compliance/fixtures/README.md) parsed by ccxt vs. the mock's answers parsed by ccxt.

/** One recorded response of ccxt's static tests: the unified call and the exchange's raw answer. */
export interface ResponseFixture {
  description: string;
  method: string;
  input: unknown[];
  httpResponse: unknown;
}

/** Loads `fixtures/<file>` and returns its lookup by unified method and description (a missing entry throws, naming it). */
export function responseFixtures(file: string): (method: string, description: string) => ResponseFixture {
  const recorded = JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as { methods: Record<string, ResponseFixture[]> };
  return (method, description) => {
    const entry = recorded.methods[method]?.find((e) => e.description === description);
    if (entry === undefined) throw new Error(`fixture ${file}: ${method} / ${description} missing`);
    return entry;
  };
}

/** Path → JSON type of every defined field of a parsed ccxt structure (info excluded; arrays by their first element). */
export function shape(value: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    out[prefix || '.'] = 'array';
    if (value.length > 0) Object.assign(out, shape(value[0], `${prefix}[]`));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'info' || v === undefined || v === null) continue;
      Object.assign(out, typeof v === 'object' ? shape(v, `${prefix}.${k}`) : { [`${prefix}.${k}`]: typeof v });
    }
    return out;
  }
  return { [prefix || '.']: typeof value };
}

/** Serves a recorded body (`text`, already rewritten to what the venue lists) for `path`, and the dialect for everything else. */
export function recordedFetch(dialect: Dialect, path: string, text: string): FetchImplementation {
  const toDialect = dialectFetch(dialect);
  return (url, init) => (new URL(url).pathname === path ? Promise.resolve(new Response(text, { status: 200 })) : toDialect(url, init));
}
