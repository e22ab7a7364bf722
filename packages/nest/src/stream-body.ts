import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ReceiveUploadOptions, receiveUpload, type UploadClient, type UploadedFile } from '@rocketride-streams/express';
import { describeValue, type PipelineResult, readArgument, ValidationError } from 'rocketride-streams';
import { answerError } from './error-filter.js';

/** Options of {@link streamBody}: those of `receiveUpload()` of `@rocketride-streams/express`, but the token. */
export type StreamBodyOptions<Req extends IncomingMessage = IncomingMessage> = Omit<ReceiveUploadOptions<Req>, 'token' | 'onBodyIncomplete'>;

/**
 * Streams a request into the task's pipeline and resolves to what the engine committed, for a
 * Nest route that returns it (`@Res({ passthrough: true })`):
 *
 * - a raw body → one object, named by `X-File-Name` or `?name=`, typed by `Content-Type` (it selects
 *   the engine lane), sized by `Content-Length` → the engine's result (`PipelineResult`);
 * - a `multipart/form-data` form → one object per file → `[{ field, name, mimeType, size, result }]`
 *   (needs the optional peer `busboy`).
 *
 * `token` is the task token, or a function of the request giving it. The application must not parse
 * the body first (`NestFactory.create(AppModule, { bodyParser: false })`). Nothing is committed unless
 * it arrived whole (see `receiveUpload()`); failures reject with the library's typed errors, for
 * {@link RocketRideErrorFilter}. A client that half-closes with its body short is answered here, at
 * once (`ERR_CONTENT_LENGTH_MISMATCH`, 400), since Node closes such a socket before a rejection
 * could reach a filter.
 */
export async function streamBody<Req extends IncomingMessage>(
  rocketride: UploadClient,
  token: string | ((req: Req) => string | Promise<string>),
  req: Req,
  res: ServerResponse,
  options: StreamBodyOptions<Req> = {},
): Promise<PipelineResult | UploadedFile[]> {
  // Options that are not an object were spread into none (streamBody(…, 42) uploaded); a getter or Proxy trap that
  // throws is refused coded. The token itself is checked by receiveUpload().
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValidationError(`streamBody(): options must be an object (got ${describeValue(options)})`, { code: 'ERR_INVALID_ARGUMENT' });
  }
  const copy = readArgument('streamBody(): options', () => ({ ...options }));
  const outcome = await receiveUpload(rocketride, req, {
    ...copy,
    token,
    onBodyIncomplete: (error) => answerError(req, res, error),
  });
  return outcome.kind === 'body' ? outcome.result : outcome.files;
}
