import { AbortError, type RocketRideClient } from '@rocketride-streams/core';
import { StoreReadSession, type StoreReadOptions } from './read-session.js';

/**
 * A WHATWG `ReadableStream` over one store file, with the contract of {@link StoreReadStream}: `pull` issues one
 * `fs_read` while the queue (measured in bytes, `highWaterMark`) has room, the handle is closed at the end, on
 * error, on `cancel()` and on abort.
 */
export function createStoreReadable(client: RocketRideClient, path: string, options: StoreReadOptions = {}): ReadableStream<Uint8Array> {
  const session = new StoreReadSession(client, path, options);
  const signal = options.signal;
  let controller: ReadableStreamDefaultController<Uint8Array>;
  let failed = false;
  const fail = (error: Error): void => {
    if (failed) return;
    failed = true;
    signal?.removeEventListener('abort', onAbort);
    void session.close(error);
    controller.error(error);
  };
  const onAbort = (): void => fail(new AbortError(`Reading ${session.path} was aborted`, { cause: signal?.reason }));
  session.onFailure = fail;
  return new ReadableStream<Uint8Array>(
    {
      async start(c) {
        controller = c;
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          await session.open();
        } catch (error) {
          fail(error as Error);
        }
      },
      async pull(c) {
        if (failed) return;
        try {
          const chunk = await session.next();
          if (failed) return;
          if (chunk === null) {
            signal?.removeEventListener('abort', onAbort);
            c.close();
            return;
          }
          c.enqueue(chunk);
          session.adapt((c.desiredSize ?? 0) > 0);
        } catch (error) {
          fail(error as Error);
        }
      },
      async cancel(reason) {
        failed = true;
        signal?.removeEventListener('abort', onAbort);
        await session.close(reason instanceof Error ? reason : undefined);
      },
    },
    { highWaterMark: session.highWaterMark, size: (chunk) => chunk.byteLength },
  );
}
