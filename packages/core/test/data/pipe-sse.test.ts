import { CHAT_PIPELINE, ECHO_PIPELINE } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import type { RocketRideEvent } from '../../src/schema/events.js';
import { Question } from '../../src/schema/question.js';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();

type Seen = Array<[string, Record<string, unknown>]>;

describe('per-pipe SSE callbacks (official SDK onSSE, PROTOCOL.md §5.5)', () => {
  it("chat({ onSSE }) subscribes SSE for its pipe only, hears the pipe's events, and unsubscribes after close", async () => {
    const { engine, client } = await h.connected();
    await client.use({ pipeline: CHAT_PIPELINE, token: 'TA' });
    const seen: Seen = [];
    const result = await client.chat({ token: 'TA', question: 'hi?', onSSE: (type, data) => void seen.push([type, data]) });
    expect(result.answers).toBeDefined();
    expect(seen.map(([type]) => type)).toEqual(['thinking', 'answer']);
    const monitors = engine.requests().filter((r) => r.command === 'rrext_monitor');
    expect(monitors[0]!.arguments).toMatchObject({ projectId: CHAT_PIPELINE.project_id, source: 'chat_1', pipeId: 0, types: ['SSE'] });
    await expect.poll(() => engine.monitorCount()).toBe(0);
    const last = engine.requests().filter((r) => r.command === 'rrext_monitor').at(-1);
    expect(last!.arguments).toMatchObject({ pipeId: 0, types: [] });
  });

  it('routes by task and pipe id: pipe 0 of another task does not reach the callback', async () => {
    const { client } = await h.connected();
    await client.use({ pipeline: CHAT_PIPELINE, token: 'TA' });
    await client.use({ pipeline: CHAT_PIPELINE, token: 'TB' });
    const seenA: Seen = [];
    const pipeA = await client
      .openPipe('TA', { name: 'q' }, 'application/rocketride-question', { provider: 'chat', onSSE: (t, d) => void seenA.push([t, d]) })
      .open();
    expect(pipeA.pipeId).toBe(0);
    const events: RocketRideEvent[] = [];
    client.on('event', (e) => events.push(e));
    await client.chat({ token: 'TB', question: 'other?', onSSE: () => {} });
    // The client did receive TB's pipe-0 SSE events (same engine key), but A's callback did not.
    expect(events.filter((e) => e.event === 'apaevt_sse').length).toBeGreaterThan(0);
    expect(seenA).toEqual([]);
    await pipeA.write(Buffer.from(JSON.stringify(new Question().addQuestion('mine?').toDict())));
    await pipeA.close();
    expect(seenA.map(([type]) => type)).toEqual(['thinking', 'answer']);
  });

  it('send() takes the SSE callback as its fifth argument, as the official SDK does', async () => {
    const { engine, client } = await h.connected();
    await client.use({ pipeline: ECHO_PIPELINE, token: 'T' });
    const result = await client.send('T', 'x', { name: 'a.txt' }, 'text/plain', () => {});
    expect(result.text).toEqual(['x\n\n']);
    const monitor = engine.requests().find((r) => r.command === 'rrext_monitor');
    expect(monitor?.arguments).toMatchObject({ pipeId: 0, types: ['SSE'] });
  });

  it('a failed SSE subscription closes the pipe again and rejects open() with ERR_PIPE_SSE', async () => {
    const { engine, client } = await h.connected();
    await client.use({ pipeline: ECHO_PIPELINE, token: 'T' });
    engine.faults.withholdResponse('rrext_monitor', { times: 1 });
    const ac = new AbortController();
    const opening = client.openPipe('T', { name: 'a.txt' }, 'text/plain', { onSSE: () => {} }).open({ signal: ac.signal });
    await expect.poll(() => engine.requests().some((r) => r.command === 'rrext_monitor')).toBe(true);
    ac.abort();
    const error = (await opening.catch((e: unknown) => e)) as { code: string; cause: { code: string } };
    expect(error.code).toBe('ERR_PIPE_SSE');
    expect(error.cause.code).toBe('ERR_ABORTED');
    await expect.poll(() => engine.pipes({ token: 'T' })[0]?.state).toBe('closed');
  });
});

describe('DataPipe.close() outside the open state (official SDK: returns undefined)', () => {
  it('resolves undefined, sending nothing, before open and after close', async () => {
    const { engine, client } = await h.connected();
    await client.use({ pipeline: ECHO_PIPELINE, token: 'T' });
    const pipe = client.openPipe('T', { name: 'a.txt' }, 'text/plain');
    const before = engine.requests().length;
    await expect(pipe.close()).resolves.toBeUndefined();
    expect(engine.requests().length).toBe(before);
    await pipe.open();
    await pipe.write(Buffer.from('a'));
    expect((await pipe.close())?.text).toEqual(['a\n\n']);
    const after = engine.requests().length;
    await expect(pipe.close()).resolves.toBeUndefined();
    expect(engine.requests().length).toBe(after);
    await expect(pipe.open()).rejects.toMatchObject({ code: 'ERR_PIPE_STATE', message: 'Pipe already opened' });
  });
});

describe('setEvents(token, types, pipeId)', () => {
  it('sends the pipe id, as the official SDK does', async () => {
    const { engine, client } = await h.connected();
    await client.use({ pipeline: ECHO_PIPELINE, token: 'T' });
    await client.setEvents('T', ['SSE'], 3);
    await client.setEvents('T', ['SUMMARY'], { pipeId: 1 });
    const monitors = engine.requests().filter((r) => r.command === 'rrext_monitor');
    expect(monitors.map((m) => m.arguments)).toEqual([
      { token: 'T', types: ['SSE'], pipeId: 3 },
      { token: 'T', types: ['SUMMARY'], pipeId: 1 },
    ]);
  });
});
