import type { IncomingMessage, ServerResponse } from 'node:http';

/** Methods a preflight is told are allowed (Starlette's expansion of `allow_methods=['*']`). */
const ALL_METHODS = 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT';

/**
 * The allowed CORS origins: `RR_CORS_ORIGINS` (comma-separated) when it names any, with credentials allowed;
 * otherwise every origin (`*`) without credentials.
 */
export function corsOriginsFromEnv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
}

/**
 * Applies CORS as Starlette's middleware configured by the server does. Answers a preflight itself (returns true);
 * for any other request with an `Origin` header, sets the response headers and returns false.
 */
export function applyCors(origins: readonly string[], req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  const anyOrigin = origins.length === 0;
  const allowed = anyOrigin || origins.includes(origin);
  const requestMethod = req.headers['access-control-request-method'];
  if (req.method === 'OPTIONS' && requestMethod !== undefined) {
    const headers: Record<string, string> = {
      'access-control-allow-methods': ALL_METHODS,
      'access-control-max-age': '600',
    };
    if (anyOrigin) headers['access-control-allow-origin'] = '*';
    else {
      headers.vary = 'Origin';
      headers['access-control-allow-credentials'] = 'true';
      if (allowed) headers['access-control-allow-origin'] = origin;
    }
    const requested = req.headers['access-control-request-headers'];
    if (typeof requested === 'string') headers['access-control-allow-headers'] = requested;
    const text = allowed ? 'OK' : 'Disallowed CORS origin';
    res.writeHead(allowed ? 200 : 400, {
      ...headers,
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
    req.resume();
    return true;
  }
  if (anyOrigin) res.setHeader('access-control-allow-origin', '*');
  else {
    res.setHeader('access-control-allow-credentials', 'true');
    if (allowed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
    }
  }
  // With every origin allowed, a request carrying cookies gets its own origin mirrored instead of `*`.
  if (anyOrigin && req.headers.cookie !== undefined) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
  }
  return false;
}
