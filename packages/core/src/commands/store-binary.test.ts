// Server→client binary responses (PROTOCOL.md §3.2, §16.C), and store replies that lie: each is refused with ERR_STORE_PROTOCOL.
import { describe, expect, it } from 'vitest';
import type { DAPRequest } from '../codec/types.js';
import type { RawContext, RawServer } from '../test-helpers/raw-server.js';
import { useRawServers } from '../test-helpers/raw-fixture.js';
import type { RocketRideClient } from '../client/client.js';

let server: RawServer | undefined;
let client: RocketRideClient | undefined;
const raw = useRawServers();

/** A binary fs_read answer exactly as the engine writes it: a json.dumps header line, 0x0A, the bytes. */
function binaryReply(ctx: RawContext, request: DAPRequest, payload: Buffer, size = payload.length): void {
  const header = `{"type": "response", "seq": 9, "request_seq": ${request.seq}, "command": "rrext_store", "success": true, "body": {"size": ${size}}, "arguments": {}}`;
  ctx.ws.send(Buffer.concat([Buffer.from(header), Buffer.from([0x0a]), payload]), { binary: true });
}

describe('binary responses', () => {
  it('each payload goes to the fs_read it answers, also out of order, newlines and NULs intact', async () => {
    const pending: Array<[DAPRequest, RawContext]> = [];
    server = await raw.start((req, ctx) => {
      if (req.command === 'auth') ctx.reply({ userToken: 'K' });
      else pending.push([req, ctx]);
      if (pending.length === 2) {
        binaryReply(pending[1]![1], pending[1]![0], Buffer.from('second\n\0'));
        binaryReply(pending[0]![1], pending[0]![0], Buffer.from('\nfirst'));
      }
    });
    client = raw.client({ uri: server.uri, auth: 'K', env: {} });
    await client.connect();
    const [a, b] = await Promise.all([client.fsRead('h', 0, 10), client.fsRead('h', 10, 10)]);
    expect(a.toString()).toBe('\nfirst');
    expect(b.toString()).toBe('second\n\0');
  });

  it('an empty payload is the end of the file; a size that disagrees with the bytes is ERR_STORE_PROTOCOL', async () => {
    let n = 0;
    server = await raw.start((req, ctx) => {
      if (req.command === 'auth') ctx.reply({ userToken: 'K' });
      else if (n++ === 0) binaryReply(ctx, req, Buffer.alloc(0));
      else binaryReply(ctx, req, Buffer.from('abc'), 5);
    });
    client = raw.client({ uri: server.uri, auth: 'K', env: {} });
    await client.connect();
    expect((await client.fsRead('h')).byteLength).toBe(0);
    await expect(client.fsRead('h')).rejects.toMatchObject({ code: 'ERR_STORE_PROTOCOL', message: 'fs_read announced 5 bytes but carried 3' });
  });
});

describe('a lying fs_read reply', () => {
  it('a success in a text frame (no bytes) is ERR_STORE_PROTOCOL, not an end of file', async () => {
    server = await raw.start((req, ctx) => {
      if (req.command === 'auth') ctx.reply({ userToken: 'K' });
      else ctx.reply({ size: 0 });
    });
    client = raw.client({ uri: server.uri, auth: 'K', env: {} });
    await client.connect();
    await expect(client.fsRead('h', 0, 10)).rejects.toMatchObject({ name: 'StoreError', code: 'ERR_STORE_PROTOCOL', message: 'fs_read replied without its bytes (not a binary frame)' });
  });

  it('more bytes than asked for is ERR_STORE_PROTOCOL, even when its size agrees', async () => {
    server = await raw.start((req, ctx) => {
      if (req.command === 'auth') ctx.reply({ userToken: 'K' });
      else binaryReply(ctx, req, Buffer.from('0123456789'));
    });
    client = raw.client({ uri: server.uri, auth: 'K', env: {} });
    await client.connect();
    await expect(client.fsRead('h', 0, 4)).rejects.toMatchObject({ name: 'StoreError', code: 'ERR_STORE_PROTOCOL', message: 'fs_read asked for 4 bytes but carried 10' });
    expect((await client.fsRead('h', 0, 10)).toString()).toBe('0123456789');
  });
});

describe('a file larger than the size announced at open', () => {
  it('readStoreFile reads on past the size in full pieces, not one byte per fs_read', async () => {
    const content = Buffer.alloc(200_000, 7);
    let reads = 0;
    server = await raw.start((req, ctx) => {
      const sub = req.arguments?.subcommand;
      if (req.command === 'auth') ctx.reply({ userToken: 'K' });
      else if (sub === 'fs_open') ctx.reply({ handle: 'h1', size: 0 }); // grew (or was misreported) after the open
      else if (sub === 'fs_close') ctx.reply();
      else {
        reads++;
        const offset = Number(req.arguments?.offset);
        binaryReply(ctx, req, content.subarray(offset, offset + Number(req.arguments?.length)));
      }
    });
    client = raw.client({ uri: server.uri, auth: 'K', env: {} });
    await client.connect();
    const got = await client.fsReadString('grown.bin');
    expect(Buffer.from(got).equals(content)).toBe(true);
    expect(reads).toBeLessThanOrEqual(3);
  });
});

describe('a lying fs_open reply', () => {
  it('a handle the client already holds is ERR_STORE_PROTOCOL and costs no permit: 64 opens still go through', async () => {
    let opens = 0;
    server = await raw.start((req, ctx) => {
      const sub = req.arguments?.subcommand;
      if (req.command === 'auth') ctx.reply({ userToken: 'K' });
      else if (sub === 'fs_open') ctx.reply({ handle: opens++ === 1 ? 'h0' : `h${opens - 1}`, size: 0 });
      else ctx.reply();
    });
    client = raw.client({ uri: server.uri, auth: 'K', env: {} });
    await client.connect();
    const first = await client.fsOpen('a.txt');
    expect(first.handle).toBe('h0');
    await expect(client.fsOpen('a.txt')).rejects.toMatchObject({ name: 'StoreError', code: 'ERR_STORE_PROTOCOL', message: 'fs_open replied with a handle that is already open' });
    await client.fsClose('h0');
    const all = await Promise.all(Array.from({ length: 64 }, () => client!.fsOpen('a.txt')));
    expect(new Set(all.map((o) => o.handle)).size).toBe(64);
  });
});

describe('a lying fs_list_dir reply', () => {
  it('an entry without a name or type is ERR_STORE_PROTOCOL, for fsListDir and getAllTemplates alike (not a TypeError)', async () => {
    server = await raw.start((req, ctx) => {
      if (req.command === 'auth') ctx.reply({ userToken: 'K' });
      else ctx.reply({ entries: [{ name: 'a.json', type: 'file', size: 1 }, { name: 5, type: 'file' }], count: 2 });
    });
    client = raw.client({ uri: server.uri, auth: 'K', env: {} });
    await client.connect();
    const expected = { name: 'StoreError', code: 'ERR_STORE_PROTOCOL', message: 'fs_list_dir replied with a malformed entry (entries[1] has no name or type)' };
    await expect(client.fsListDir('')).rejects.toMatchObject(expected);
    await expect(client.getAllTemplates()).rejects.toMatchObject(expected);
  });
});
