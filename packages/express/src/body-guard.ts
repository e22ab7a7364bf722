import { ConnectionError, type RocketRideError } from 'rocketride-streams';
import { ByteMeter } from './byte-meter.js';
import { consumedBody } from './consumed-body.js';
import { contentLengthOf, type RequestLike } from './request-info.js';
import { RequestWatch } from './request-watch.js';
import { contentLengthMismatch, payloadTooLarge } from './upload-errors.js';

/**
 * The checks every upload makes before it opens anything on the engine, in this order: a body another middleware
 * already read (`ERR_BODY_CONSUMED`, 500), an engine that is not connected (`ERR_NOT_CONNECTED`, 503), a
 * `Content-Length` over `limit` (`ERR_PAYLOAD_TOO_LARGE`, 413). Returns the declared length, if any.
 */
export function precheckBody(client: { isConnected(): boolean }, req: RequestLike, limit: number): number | undefined {
  const consumed = consumedBody(req);
  if (consumed) throw consumed;
  if (!client.isConnected()) {
    throw new ConnectionError('The RocketRide engine is not connected', { code: 'ERR_NOT_CONNECTED' });
  }
  const declared = contentLengthOf(req);
  if (declared !== undefined && declared > limit) throw payloadTooLarge(limit);
  return declared;
}

/** What {@link guardBody} enforces on the body. */
export interface BodyRules {
  /** Most bytes accepted (`Infinity` for none); the chunk that crosses it fails the stream with `ERR_PAYLOAD_TOO_LARGE`. */
  limit: number;
  /** The `Content-Length`: any other byte count fails the stream (`ERR_CONTENT_LENGTH_MISMATCH`) instead of ending it. */
  declared: number | undefined;
  /** Called synchronously when the client half-closed with its body short (see `RequestWatch`). */
  onIncomplete?: ((error: RocketRideError) => void) | undefined;
  /**
   * Reject with the reason the body stopped short (client gone, body short) rather than with the error the sink
   * reported for it (its own `AbortError`). Default true; a form keeps its own error, which lists its files.
   */
  preferReason?: boolean;
}

/**
 * Runs one upload of `req`'s body: `run` gets a {@link ByteMeter} (to pipe `req` into, and on to its sink) and a
 * signal that aborts when the body stops short, so that the sink is destroyed rather than ended. When `run` fails,
 * the rest of the body is drained (so the error can be answered) and the failure rethrown.
 */
export async function guardBody<T>(req: RequestLike, rules: BodyRules, run: (meter: ByteMeter, signal: AbortSignal) => Promise<T>): Promise<T> {
  const { limit, declared, onIncomplete, preferReason = true } = rules;
  const meter = new ByteMeter({
    ...(Number.isFinite(limit) ? { limit, tooLarge: payloadTooLarge } : {}),
    ...(declared === undefined ? {} : { expected: declared, mismatch: contentLengthMismatch }),
  });
  const watch = new RequestWatch(req, { received: () => meter.bytes + req.readableLength, declared, onIncomplete });
  try {
    return await run(meter, watch.signal);
  } catch (error) {
    // The body was not read to its end: let the rest of it go, so that the error can be answered.
    req.unpipe(meter);
    req.resume();
    throw preferReason ? (watch.reason ?? error) : error;
  } finally {
    watch.release();
  }
}
