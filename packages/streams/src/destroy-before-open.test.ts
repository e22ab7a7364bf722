import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipe } from './pipe-writable.js';
import { type Fixture, startFixture } from './test-support/fixture.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('condition never held');
}

describe('destroy() before the pipe opened', () => {
  it('without an error emits no error (nobody may be listening), sends nothing and rejects result as abandoned', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token);
    const errors: Error[] = [];
    sink.on('error', (e) => errors.push(e));
    sink.destroy();
    await once(sink, 'close');
    expect(errors).toEqual([]);
    await expect(sink.result).rejects.toMatchObject({
      code: 'ERR_PIPE_ABANDONED',
      message: 'The pipe was destroyed before it finished; the object was not committed',
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(fx.dataOps()).toEqual([]);
  });

  it('with no listener at all: no uncaught exception, the stream just closes', async () => {
    fx = await startFixture();
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      const sink = createPipe(fx.client, fx.token);
      sink.destroy();
      await once(sink, 'close');
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
  });

  it('while the engine withholds open (no free slot): no error, and the waiting open is given up', async () => {
    fx = await startFixture({ threads: 1 });
    const holder = createPipe(fx.client, fx.token);
    await new Promise<void>((resolve, reject) => holder.write(Buffer.from('h'), (e) => (e ? reject(e) : resolve())));
    const sink = createPipe(fx.client, fx.token);
    const errors: Error[] = [];
    sink.on('error', (e) => errors.push(e));
    await until(() => fx!.engine.tasks().some((t) => t.waitingOpens === 1));
    sink.destroy();
    await once(sink, 'close');
    expect(errors).toEqual([]);
    await expect(sink.result).rejects.toMatchObject({ code: 'ERR_PIPE_ABANDONED' });
    holder.destroy();
  });

  it('with an error emits exactly that error', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token);
    const cause = new Error('caller gave up');
    sink.destroy(cause);
    const [err] = (await once(sink, 'error')) as [Error];
    expect(err).toBe(cause);
    await expect(sink.result).rejects.toBe(cause);
  });
});
