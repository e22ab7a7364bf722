import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RocketRide } from 'rocketride-streams';

/** Deterministic bytes for a case (a tiny xorshift PRNG): the same seed gives the same object. */
export function bytesFor(seed: number, size: number, text: boolean): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed * 2654435761 + 1 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = text ? 0x20 + ((x >>> 0) % 95) : (x >>> 0) & 0xff;
  }
  return out;
}

/** `data` cut into chunks of `chunk` bytes (the last one shorter). */
export function chunksOf(data: Buffer, chunk: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) out.push(data.subarray(i, i + chunk));
  return out.length > 0 ? out : [Buffer.alloc(0)];
}

/** The public ways an object goes into a pipe. */
export const UPLOAD_APIS = ['send', 'datapipe', 'pipe', 'upload'] as const;
export type UploadApi = (typeof UPLOAD_APIS)[number];

export interface UploadSpec {
  api: UploadApi;
  name: string;
  mimeType: string;
  data: Buffer;
  /** Write size for the DataPipe; `maxWriteBytes` and source chunk size for the streams APIs. */
  chunk: number;
  signal?: AbortSignal;
}

/** Uploads one object through `api`; resolves with the engine's result. */
export async function uploadVia(client: RocketRide, token: string, spec: UploadSpec): Promise<unknown> {
  const { name, mimeType, data, chunk, signal } = spec;
  switch (spec.api) {
    case 'send':
      return client.send(token, data, { name }, mimeType, signal ? { signal } : undefined);
    case 'datapipe': {
      const pipe = client.openPipe(token, { name, size: data.length }, mimeType);
      await pipe.open(signal ? { signal } : undefined);
      for (const part of chunksOf(data, chunk)) await pipe.write(part, signal ? { signal } : undefined);
      return pipe.close(signal ? { signal } : undefined);
    }
    case 'pipe': {
      const sink = client.pipe(token, { name, mimeType, size: data.length, maxWriteBytes: chunk, ...(signal ? { signal } : {}) });
      await pipeline(Readable.from(chunksOf(data, chunk)), sink);
      return sink.result;
    }
    case 'upload':
      return client.upload(token, Readable.from(chunksOf(data, chunk)), {
        name,
        mimeType,
        size: data.length,
        maxWriteBytes: chunk,
        ...(signal ? { signal } : {}),
      });
  }
}
