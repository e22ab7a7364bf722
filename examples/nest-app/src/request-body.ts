import type { IncomingMessage, ServerResponse } from 'node:http';
import { receiveUpload, type UploadedFile } from '@rocketride-streams/express';
import type { PipelineResult, RocketRide } from 'rocketride-streams';
import { answer } from './error.filter';

/**
 * Streams a request into the pipeline and resolves to what the engine committed:
 *
 * - a raw body → one object, named by `X-File-Name` or `?name=`, typed by `Content-Type` (it selects
 *   the engine lane), sized by `Content-Length` → the engine's result;
 * - a `multipart/form-data` form → one object per file → `[{ field, name, mimeType, size, result }]`.
 *
 * Nothing is committed unless it arrived whole. A body a body parser already read is refused before
 * anything is opened (`ERR_BODY_CONSUMED`); a body shorter than its `Content-Length`, or cut off, has
 * its pipe destroyed, never closed. Failures reject with the library's typed errors, for the filter.
 */
export async function streamBody(rocketride: RocketRide, token: string, req: IncomingMessage, res: ServerResponse): Promise<PipelineResult | UploadedFile[]> {
  const outcome = await receiveUpload(rocketride, req, {
    token,
    // The client half-closed with its body short: Node closes the socket right after, so answer now.
    onBodyIncomplete: (error) => answer(req, res, error),
  });
  return outcome.kind === 'body' ? outcome.result : outcome.files;
}
