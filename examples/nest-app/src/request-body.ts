import type { IncomingMessage } from 'node:http';
import { AbortError, type PipelineResult, type PipeOptions, type PipeWritable } from 'rocketride-streams';

/**
 * What the engine is told about an uploaded object, from the request: the name from the
 * `X-File-Name` header (percent-decoded) or `?name=`, the MIME type from `Content-Type` (it selects
 * the engine lane), the size from `Content-Length`.
 */
export function pipeOptionsFor(req: IncomingMessage): PipeOptions {
  const header = req.headers['x-file-name'];
  const name = typeof header === 'string' ? decodeURIComponent(header) : new URL(req.url ?? '/', 'http://localhost').searchParams.get('name');
  const mimeType = req.headers['content-type']?.split(';')[0]?.trim();
  const size = Number(req.headers['content-length']);
  return {
    ...(name ? { name } : {}),
    ...(mimeType ? { mimeType } : {}),
    ...(Number.isSafeInteger(size) ? { size } : {}),
  };
}

/**
 * Streams a request body into a pipe and resolves to the engine's result.
 *
 * Unlike `pipeline(req, sink)`, a failure does not destroy the request: the rest of the body is
 * drained so that the error can still be answered. A client that disconnects before its body ended
 * destroys the pipe, so the truncated object is never committed.
 */
export async function streamBody(req: IncomingMessage, sink: PipeWritable): Promise<PipelineResult> {
  const onClose = () => {
    if (!req.complete) {
      sink.destroy(new AbortError('The client disconnected before the upload ended', { code: 'ERR_CLIENT_DISCONNECTED' }));
    }
  };
  req.once('close', onClose);
  sink.on('error', () => {}); // the failure is reported by sink.result
  req.pipe(sink);
  try {
    return await sink.result;
  } catch (error) {
    req.unpipe(sink);
    req.resume();
    throw error;
  } finally {
    req.off('close', onClose);
  }
}
