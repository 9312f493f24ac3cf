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
