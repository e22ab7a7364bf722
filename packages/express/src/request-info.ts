import type { IncomingMessage } from 'node:http';

/** The part of a request the handlers read: a Node `IncomingMessage`, plus Express's parsed `query` when there is one. */
export type RequestLike = IncomingMessage & { query?: unknown };

/** The header carrying the object name; percent-encode names that are not ASCII. */
export const NAME_HEADER = 'x-file-name';

/** The MIME type of the body: `Content-Type` without its parameters, or `undefined` when absent. */
export function mimeTypeOf(req: RequestLike): string | undefined {
  const raw = req.headers['content-type'];
  if (!raw) return undefined;
  const type = raw.split(';', 1)[0]!.trim().toLowerCase();
  return type.length > 0 ? type : undefined;
}

/** The object name: the `X-File-Name` header (percent-decoded), else the `name` query parameter, else `undefined`. */
export function nameOf(req: RequestLike): string | undefined {
  const header = req.headers[NAME_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  if (value) return decode(value);
  const fromQuery = queryParam(req, 'name');
  return fromQuery ? fromQuery : undefined;
}

/** The declared body size from `Content-Length`, or `undefined` (chunked bodies have none). */
export function contentLengthOf(req: RequestLike): number | undefined {
  const raw = req.headers['content-length'];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** A query parameter, from Express's `req.query` when present, else parsed from the URL. */
export function queryParam(req: RequestLike, key: string): string | undefined {
  const query = req.query;
  if (query && typeof query === 'object') {
    const v = (query as Record<string, unknown>)[key];
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
    return undefined;
  }
  const v = new URL(req.url ?? '/', 'http://localhost').searchParams.get(key);
  return v ?? undefined;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
