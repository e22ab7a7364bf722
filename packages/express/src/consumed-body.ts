import type { RocketRideError } from 'rocketride-streams';
import { contentLengthOf, type RequestLike } from './request-info.js';
import { bodyConsumed } from './upload-errors.js';

/** What body parsers leave on a request: `body` (their result) and `_body` (body-parser's "read" mark). */
type ParsedRequest = RequestLike & { body?: unknown; _body?: unknown };

/**
 * `ERR_BODY_CONSUMED` when another middleware has read the request body, in whole or in part, before
 * the upload handler: streaming what is left would commit a truncated (often empty) object. Read means:
 *
 * - the stream has ended (`readableEnded`), or some of it was read (`readableDidRead`);
 * - body-parser marked it read (`req._body`), as `express.json()`, `express.raw()`… do;
 * - the whole body arrived (`complete`) with a non-zero `Content-Length`, yet nothing of it is left.
 *
 * `req.body` alone is not a sign: Express 4's parsers set `req.body = {}` on every request, also those
 * whose type they skip without reading.
 */
export function consumedBody(req: RequestLike): RocketRideError | undefined {
  const parsed = req as ParsedRequest;
  const read =
    req.readableEnded ||
    req.readableDidRead ||
    parsed._body === true ||
    (req.complete && req.readableLength === 0 && (contentLengthOf(req) ?? 0) > 0);
  if (!read) return undefined;
  return bodyConsumed(parsed._body === true || parsed.body !== undefined);
}
