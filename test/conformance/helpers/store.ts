import { expect } from 'vitest';
import type { CallResult, Frame, Msg, RawClient } from './raw-client.js';

/** `rrext_store {subcommand, …args}`, returning the whole response (binary when `args.data` is bytes). */
export function store(c: RawClient, subcommand: string, args: Record<string, unknown> = {}, timeoutMs?: number): Promise<Msg> {
  return c.request('rrext_store', { subcommand, ...args }, timeoutMs);
}

/** `rrext_store` sent as a TEXT frame even when `args.data` is present (a JSON `data` value). */
export async function storeText(c: RawClient, subcommand: string, args: Record<string, unknown>): Promise<Msg> {
  const seq = c.nextSeq();
  const from = c.frames.length;
  c.send({ type: 'request', seq, command: 'rrext_store', arguments: { subcommand, ...args } });
  return (await c.next((m) => m.type === 'response' && m.request_seq === seq, 3000, from)).msg!;
}

/** {@link store}, also returning the frames and the response frame itself. */
export async function storeCall(
  c: RawClient,
  subcommand: string,
  args: Record<string, unknown> = {},
): Promise<CallResult & { frame: Frame }> {
  const from = c.frames.length;
  const result = await c.call('rrext_store', { subcommand, ...args }, 10_000);
  const frame = c.frames.slice(from).find((f) => f.msg === result.response)!;
  return { ...result, frame };
}

/** Expects `success:false` with exactly `message`. */
export function expectFailure(res: Msg, message: string): void {
  expect(res, JSON.stringify(res)).toMatchObject({ type: 'response', command: 'rrext_store', success: false, message });
}

/** Expects `success:true` with no body (fs_close, fs_mkdir, fs_rmdir, fs_delete, fs_rename). */
export function expectNoBody(res: Msg): void {
  expect(res, JSON.stringify(res)).toMatchObject({ command: 'rrext_store', success: true });
  expect(res).not.toHaveProperty('body');
}

/** `fs_open` that must succeed; returns the handle. */
export async function openHandle(c: RawClient, path: string, mode: 'r' | 'w'): Promise<string> {
  const res = await store(c, 'fs_open', { path, mode });
  if (res.success !== true || typeof res.body?.handle !== 'string') throw new Error(`fs_open failed: ${JSON.stringify(res)}`);
  return res.body.handle;
}

/** Writes a whole file: `fs_open w`, one binary `fs_write` per chunk, `fs_close w`. */
export async function putFile(c: RawClient, path: string, ...chunks: (Uint8Array | string)[]): Promise<void> {
  const handle = await openHandle(c, path, 'w');
  for (const data of chunks) {
    const res = await store(c, 'fs_write', { handle, data }, 10_000);
    if (res.success !== true) throw new Error(`fs_write failed: ${JSON.stringify(res)}`);
  }
  expectNoBody(await store(c, 'fs_close', { handle, mode: 'w' }));
}

/** Reads a whole file as the SDKs do: `fs_read` until an empty payload, then `fs_close`. */
export async function getFile(c: RawClient, path: string): Promise<Buffer> {
  const handle = await openHandle(c, path, 'r');
  const parts: Buffer[] = [];
  for (let offset = 0; ; ) {
    const res = await store(c, 'fs_read', { handle, offset }, 10_000);
    if (res.success !== true) throw new Error(`fs_read failed: ${JSON.stringify(res)}`);
    const data = res.arguments.data as Buffer;
    if (data.length === 0) break;
    parts.push(data);
    offset += data.length;
  }
  expectNoBody(await store(c, 'fs_close', { handle }));
  return Buffer.concat(parts);
}

/** `fs_stat` body; throws unless it succeeds. */
export async function stat(c: RawClient, path: string): Promise<Msg> {
  const res = await store(c, 'fs_stat', { path });
  if (res.success !== true) throw new Error(`fs_stat failed: ${JSON.stringify(res)}`);
  return res.body;
}

/** Splits a binary frame at its first 0x0A into the header text and the payload. */
export function splitBinary(raw: Buffer): { header: string; payload: Buffer } {
  const nl = raw.indexOf(0x0a);
  return { header: raw.subarray(0, nl).toString('utf8'), payload: raw.subarray(nl + 1) };
}

/** The header the server writes for a successful `fs_read` (Python `json.dumps`, §16.C). */
export const readHeader = (seq: number, requestSeq: number, size: number) =>
  `{"type": "response", "seq": ${seq}, "request_seq": ${requestSeq}, "command": "rrext_store", "success": true, "body": {"size": ${size}}, "arguments": {}}`;

/** Bytes 0..n-1 cycling through every byte value (so 0x0A and 0x00 occur). */
export function everyByte(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = i % 256;
  return b;
}
