import type { IncomingMessage } from 'node:http';
import type { EngineCore } from '../core.js';
import { toFailure } from '../failure.js';
import { uuid4 } from '../ids.js';
import { closePipe, openPipe, writePipe } from '../pipes/process.js';
import type { Task } from '../tasks/task.js';
import { multipartBoundary, parseMultipart } from './multipart.js';

/** Write size used for multipart file parts, as the server's bridge. */
const FILE_CHUNK = 64 * 1024;

type ObjectEntry = Record<string, unknown>;

interface Upload {
  key: string;
  entry: ObjectEntry;
  resultTypes?: Record<string, string>;
}

/** A pipe fed by the HTTP bridge; a failed write stops further writes but the pipe is still closed. */
class BridgePipe {
  private failure: ReturnType<typeof toFailure> | undefined;
  private pipeId: number | undefined;

  constructor(
    private readonly core: EngineCore,
    private readonly task: Task,
  ) {}

  async open(object: Record<string, unknown>, mimeType: string): Promise<void> {
    try {
      this.pipeId = await openPipe(this.core, this.task, { object, mimeType });
    } catch (err) {
      this.failure = toFailure(err);
    }
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.failure || this.pipeId === undefined) return;
    try {
      await writePipe(this.core, this.task, this.pipeId, chunk);
    } catch (err) {
      this.failure = toFailure(err);
    }
  }

  close(key: string): Upload {
    let result: Record<string, unknown> | undefined;
    if (this.pipeId !== undefined) {
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

function dispositionFilename(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /filename="((?:[^"\\]|\\.)*)"|filename=([^;\s]+)/i.exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Streams a raw request body into one pipe; each request chunk is one write (awaited: backpressure). */
async function uploadRaw(core: EngineCore, task: Task, req: IncomingMessage): Promise<Upload[]> {
  const mimeType = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim() || 'application/octet-stream';
  const name = dispositionFilename(req.headers['content-disposition']) ?? `stream-${uuid4()}`;
  const length = Number(req.headers['content-length']);
  const pipe = new BridgePipe(core, task);
  await pipe.open(Number.isFinite(length) && length >= 0 ? { name, size: length } : { name }, mimeType);
  for await (const chunk of req as AsyncIterable<Buffer>) await pipe.write(chunk);
  return [pipe.close('body')];
}

/** Streams each multipart part into its own pipe: files in 64 KiB writes, text fields as one `text/plain` write. */
async function uploadMultipart(core: EngineCore, task: Task, req: IncomingMessage, boundary: string): Promise<Upload[]> {
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
  for await (const ev of parseMultipart(req as AsyncIterable<Buffer>, boundary)) {
    if (ev.type === 'part') {
      const pipe = new BridgePipe(core, task);
      const isFile = ev.filename !== undefined;
      if (isFile) await pipe.open({ name: ev.filename }, ev.contentType?.split(';', 1)[0]?.trim() || 'application/octet-stream');
      else await pipe.open({ name: `${ev.name}-${uuid4()}` }, 'text/plain');
      current = { field: ev.name, pipe, isFile };
    } else if (ev.type === 'data') {
      pending.push(ev.chunk);
      pendingBytes += ev.chunk.length;
      if (current?.isFile && pendingBytes >= FILE_CHUNK) await flush(false);
    } else if (current) {
      await flush(true);
      uploads.push(current.pipe.close(current.field));
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
  return uploads;
}

/** `POST /task/data` and `/webhook`: the whole upload, summarised as the server does (PROTOCOL.md §11). */
export async function uploadData(core: EngineCore, task: Task, req: IncomingMessage): Promise<Record<string, unknown>> {
  const boundary = multipartBoundary(req.headers['content-type']);
  const uploads = boundary ? await uploadMultipart(core, task, req, boundary) : await uploadRaw(core, task, req);
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
