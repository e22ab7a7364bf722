import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { storeDownloadHandler, storeUploadHandler } from '@rocketride-streams/express';
import express, { type Request } from 'express';
import { connect, type RocketRide } from 'rocketride-streams';

/** PUT /files/:name stores the body as uploads/<name> in the engine's file store; GET /files/:name sends it back. */
export function createStoreApp(rocketride: RocketRide): express.Express {
  const app = express();
  const path = (req: Request) => `uploads/${req.params.name}`; // a name with `..` or `:` in it is 400, nothing sent
  // 200 { path, size } once the whole body is in place; a body cut short, too long or refused leaves the old file as it was.
  app.put('/files/:name', storeUploadHandler(rocketride, { path, limit: 1024 * 1024 * 1024 }));
  app.get('/files/:name', storeDownloadHandler(rocketride, { path }));
  return app;
}

/** Uploads 8 MiB with fetch, downloads it back, and compares the SHA-256 of both. */
export async function storeRoundTrip(): Promise<{ stored: unknown; same: boolean }> {
  const rocketride = await connect({ embedded: true }); // or set ROCKETRIDE_URI and ROCKETRIDE_APIKEY
  const server = createStoreApp(rocketride).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
  try {
    const body = new Uint8Array(8 * 1024 * 1024).map((_, i) => i % 251);
    const put = await fetch(`${base}/files/data.bin`, { method: 'PUT', body });
    const stored = await put.json(); // { path: 'uploads/data.bin', size: 8388608 }
    const got = new Uint8Array(await (await fetch(`${base}/files/data.bin`)).arrayBuffer());
    return { stored, same: sha256(got) === sha256(body) };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rocketride.disconnect();
  }
}
