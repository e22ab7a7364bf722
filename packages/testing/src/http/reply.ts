import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineFailure } from '../failure.js';

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** `{"status":"OK","data":…}`; `data` is omitted when undefined. */
export function sendOk(res: ServerResponse, data?: unknown): void {
  send(res, 200, data === undefined ? { status: 'OK' } : { status: 'OK', data });
}

/** A handler failure: HTTP 400 `{"status":"Error","error":{message,file,lineno}}`. */
export function sendFailure(res: ServerResponse, failure: EngineFailure): void {
  send(res, 400, { status: 'Error', error: { message: failure.message, file: failure.file, lineno: failure.lineno } });
}

/** An authentication failure in the format the Accept header asks for: HTML, plain text or JSON. */
export function sendAccessDenied(req: IncomingMessage, res: ServerResponse): void {
  const accept = String(req.headers.accept ?? '');
  if (accept.includes('text/html')) {
    res.writeHead(401, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html><body><h1>Access denied</h1></body></html>');
  } else if (accept.includes('text/plain') && !accept.includes('application/json')) {
    res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Access denied');
  } else {
    send(res, 401, { status: 'Error', error: { error: 'Access denied' } });
  }
}

/** One FastAPI request-validation error. */
export interface ValidationDetail {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

/** FastAPI's 422 answer to request-validation errors (query, then header, then body). */
export function sendValidationErrors(res: ServerResponse, detail: ValidationDetail[]): void {
  send(res, 422, { detail });
}

/** The validation error of a missing required header. */
export function missingHeader(header: string): ValidationDetail {
  return { type: 'missing', loc: ['header', header], msg: 'Field required', input: null };
}

export function sendNotFound(res: ServerResponse): void {
  send(res, 404, { detail: 'Not Found' });
}

/** Reads a whole (small) request body. */
export async function readBody(req: IncomingMessage, limit = 16 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) throw new Error('Request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
