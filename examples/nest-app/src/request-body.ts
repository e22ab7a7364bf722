import type { IncomingMessage } from 'node:http';
import { AbortError, type PipelineResult, type PipeWritable } from 'rocketride-streams';

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
