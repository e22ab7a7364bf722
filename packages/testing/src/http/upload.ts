import type { IncomingMessage } from 'node:http';
import type { EngineCore } from '../core.js';
import { toFailure } from '../failure.js';
import { uuid4 } from '../ids.js';
import { closePipe, dataTask, openPipe, writePipe } from '../pipes/process.js';
import type { Task } from '../tasks/task.js';
import { multipartBoundary, parseMultipart } from './multipart.js';

/** Write size used for multipart file parts, as the server's bridge. */
const FILE_CHUNK = 64 * 1024;

type ObjectEntry = Record<string, unknown>;

interface Upload {
  key: string;
  entry: ObjectEntry;
  resultTypes?: Record<string, string>;
  /** A text field not sent yet (multipart). */
  textField?: { pipe: BridgePipe; text: Buffer };
}

/**
 * A pipe fed by the HTTP bridge. The token is checked when the pipe opens, per object as the server's bridge does, so a
 * bad token is an object error in an HTTP 200. A failed write stops further writes but the pipe is still closed.
 */
class BridgePipe {
  private failure: ReturnType<typeof toFailure> | undefined;
  private pipeId: number | undefined;
  private task: Task | undefined;

  constructor(
    private readonly core: EngineCore,
    private readonly token: unknown,
  ) {}

  async open(object: Record<string, unknown>, mimeType: string): Promise<void> {
    try {
      this.task = await dataTask(this.core, this.token);
      this.pipeId = await openPipe(this.core, this.task, { object, mimeType });
    } catch (err) {
      this.failure = toFailure(err);
    }
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.failure || this.pipeId === undefined || !this.task) return;
    try {
      this.task = await dataTask(this.core, this.token);
      await writePipe(this.core, this.task, this.pipeId, chunk);
    } catch (err) {
      this.failure = toFailure(err);
    }
  }

  close(key: string): Upload {
    let result: Record<string, unknown> | undefined;
    if (this.pipeId !== undefined && this.task) {
      try {
        result = closePipe(this.core, this.task, this.pipeId);
      } catch (err) {
        this.failure ??= toFailure(err);
      }
    }
    if (this.failure || !result) {
      const f = this.failure ?? toFailure(new Error('Pipe could not be opened'));
      return {
        key,
        entry: { status: 'Error', error: { message: f.message, file: f.file, lineno: f.lineno }, metrics: null, warnings: null },
      };
    }
    const { result_types, ...rest } = result;
    return {
      key,
      entry: { ...rest, status: 'OK' },
      ...(result_types ? { resultTypes: result_types as Record<string, string> } : {}),
    };
  }
}

/**
 * The object name of a raw body, read from Content-Disposition as the server's bridge reads it: the first
 * `filename=` or `filename*=` value (case-sensitive, up to `;`), with quotes and apostrophes stripped from both ends.
 * An RFC 5987 `filename*` value is not decoded, so `filename*=UTF-8''a%20b` names the object `UTF-8''a%20b`.
 */
export function dispositionFilename(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /filename\*?=([^;]+)/.exec(value);
  if (!m) return undefined;
  const name = m[1]!.replace(/^["']+|["']+$/g, '');
  return name === '' ? undefined : name;
}

/** A Content-Type without its parameters, lower-cased (the server's bridge normalises it so). */
function bareMimeType(value: string | undefined): string {
  return (value ?? 'application/octet-stream').split(';', 1)[0]!.trim().toLowerCase();
}

/** Streams a raw request body into one pipe; each request chunk is one write (awaited: backpressure). */
async function uploadRaw(core: EngineCore, token: unknown, req: IncomingMessage): Promise<Upload[]> {
  const mimeType = bareMimeType(req.headers['content-type']);
  const name = dispositionFilename(req.headers['content-disposition']) ?? `stream-${uuid4()}`;
  const length = Number(req.headers['content-length']);
  const pipe = new BridgePipe(core, token);
  await pipe.open(Number.isFinite(length) && length >= 0 ? { name, size: length } : { name }, mimeType);
  // When the open failed, the server answers without reading the body.
  if (!pipe.failed) for await (const chunk of req as AsyncIterable<Buffer>) await pipe.write(chunk);
  return [pipe.close('body')];
}

/** Streams each multipart part into its own pipe: files in 64 KiB writes, text fields as one `text/plain` write. */
async function uploadMultipart(core: EngineCore, token: unknown, req: IncomingMessage, boundary: string): Promise<Upload[]> {
  const uploads: Upload[] = [];
  let current: { field: string; pipe: BridgePipe; isFile: boolean } | undefined;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async (all: boolean) => {
    if (!current || pendingBytes === 0) return;
    let data = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    if (current.isFile) {
      while (data.length >= FILE_CHUNK || (all && data.length > 0)) {
        await current.pipe.write(data.subarray(0, FILE_CHUNK));
        data = data.subarray(Math.min(FILE_CHUNK, data.length));
      }
      if (data.length > 0) {
        pending = [data];
        pendingBytes = data.length;
      }
    } else if (all) {
      await current.pipe.write(data);
    } else {
      pending = [data];
      pendingBytes = data.length;
    }
  };
  // Keys are known only once every part is seen; the server names text-field objects after the key (field_0-<uuid>),
  // so text fields are sent after the parse.
  for await (const ev of parseMultipart(req as AsyncIterable<Buffer>, boundary)) {
    if (ev.type === 'part') {
      const pipe = new BridgePipe(core, token);
      const isFile = ev.filename !== undefined;
      if (isFile) await pipe.open({ name: ev.filename || `upload_${uuid4()}` }, bareMimeType(ev.contentType));
      current = { field: ev.name, pipe, isFile };
    } else if (ev.type === 'data') {
      pending.push(ev.chunk);
      pendingBytes += ev.chunk.length;
      if (current?.isFile && pendingBytes >= FILE_CHUNK) await flush(false);
    } else if (current) {
      if (current.isFile) {
        await flush(true);
        uploads.push(current.pipe.close(current.field));
      } else {
        const text = Buffer.concat(pending);
        pending = [];
        pendingBytes = 0;
        uploads.push({ key: current.field, entry: {}, textField: { pipe: current.pipe, text } });
      }
      current = undefined;
    }
  }
  // Duplicate field names are keyed field_0, field_1, …
  const counts = new Map<string, number>();
  for (const u of uploads) counts.set(u.key, (counts.get(u.key) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const u of uploads) {
    if ((counts.get(u.key) ?? 0) > 1) {
      const i = seen.get(u.key) ?? 0;
      seen.set(u.key, i + 1);
      u.key = `${u.key}_${i}`;
    }
  }
  // Text fields: one text/plain object named <key>-<uuid>, sized, written once.
  for (const u of uploads) {
    const field = u.textField;
    if (!field) continue;
    await field.pipe.open({ name: `${u.key}-${uuid4()}`, size: field.text.length }, 'text/plain');
    await field.pipe.write(field.text);
    const done = field.pipe.close(u.key);
    u.entry = done.entry;
    if (done.resultTypes) u.resultTypes = done.resultTypes;
    else delete u.resultTypes;
    delete u.textField;
  }
  return uploads;
}

/** `POST /task/data` and `/webhook`: the whole upload, summarised as the server does. */
export async function uploadData(core: EngineCore, token: unknown, req: IncomingMessage): Promise<Record<string, unknown>> {
  const boundary = multipartBoundary(req.headers['content-type']);
  const uploads = boundary ? await uploadMultipart(core, token, req, boundary) : await uploadRaw(core, token, req);
  const resultTypes: Record<string, string> = {};
  const objects: Record<string, ObjectEntry> = {};
  let completed = 0;
  for (const u of uploads) {
    objects[u.key] = u.entry;
    if (u.entry.status === 'OK') completed++;
    Object.assign(resultTypes, u.resultTypes);
  }
  return { objectsRequested: uploads.length, objectsCompleted: completed, resultTypes, objects };
}
