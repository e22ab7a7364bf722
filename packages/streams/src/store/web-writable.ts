import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { AbortError, type RocketRideClient } from '@rocketride-streams/core';
import { type StoreWriteOptions, StoreWriteStream } from './write-stream.js';

/**
 * A WHATWG `WritableStream` into one store file with the contract of {@link StoreWriteStream} (it drives one):
 * atomic, one `fs_write` in flight with the chunks written meanwhile coalesced, `close()` resolving only after the
 * file is in place, `abort()` leaving nothing at the path.
 */
export function createStoreWritable(client: RocketRideClient, path: string, options: StoreWriteOptions = {}): WritableStream<Uint8Array | string> {
  const node = new StoreWriteStream(client, path, options);
  let failure: Error | undefined;
  node.on('error', (error: Error) => {
    failure ??= error;
  });
  return new WritableStream<Uint8Array | string>({
    start(controller) {
      node.once('error', (error: Error) => controller.error(error));
    },
    async write(chunk) {
      if (failure) throw failure;
      if (!node.write(chunk)) await once(node, 'drain');
    },
    async close() {
      if (failure) throw failure;
      node.end();
      await finished(node);
    },
    async abort(reason) {
      const closed = node.closed ? Promise.resolve() : new Promise<void>((resolve) => node.once('close', () => resolve()));
      if (!node.destroyed) {
        node.destroy(reason instanceof Error ? reason : new AbortError(`Writing ${node.path} was aborted; nothing was written there`, { cause: reason }));
      }
      await closed;
    },
  });
}
