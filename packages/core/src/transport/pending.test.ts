import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DAPResponse } from '../codec/types.js';
import { AbortError } from '../errors/abort-error.js';
import { ConnectionError } from '../errors/connection-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { abortError, PendingRequests, SHARED_TIMEOUT_MS } from './pending.js';

// PendingRequests is pure bookkeeping (no socket): fake timers make its timeouts deterministic, and
// vi.getTimerCount()/getEventListeners() show whether a settled request left anything behind.

const response = (seq: unknown, extra: Partial<DAPResponse> = {}): DAPResponse =>
  ({ type: 'response', seq: 100, command: 'ping', request_seq: seq, success: true, ...extra }) as DAPResponse;

/** Resolves to the rejection of `promise`, failing the test if it fulfils. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}

describe('PendingRequests', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('numbers requests from 1 upwards and counts the ones waiting', () => {
    const pending = new PendingRequests();
    expect(pending.nextSeq()).toBe(1);
    expect(pending.nextSeq()).toBe(2);
    expect(pending.size).toBe(0);
    void pending.add(1, 'ping', 0, undefined);
    void pending.add(2, 'ping', 0, undefined);
    expect(pending.size).toBe(2);
  });

  it('settles the request a response answers, by request_seq only, and only once', async () => {
    const pending = new PendingRequests();
    const first = pending.add(1, 'ping', 0, undefined);
    const second = pending.add(2, 'status', 0, undefined);
    const answer = response(2, { success: false, message: 'no' });
    expect(pending.resolve(answer)).toBe(true);
    await expect(second).resolves.toBe(answer);
    expect(pending.size).toBe(1);
    expect(pending.resolve(answer)).toBe(false);
    expect(pending.resolve(response(7))).toBe(false);
    expect(pending.resolve(response(null))).toBe(false);
    expect(pending.resolve(response('1'))).toBe(false);
    expect(pending.size).toBe(1);
    expect(pending.resolve(response(1))).toBe(true);
    await expect(first).resolves.toMatchObject({ request_seq: 1 });
    expect(pending.size).toBe(0);
  });

  it('rejects with ERR_TIMEOUT naming the command and the timeout once it elapses, not before', async () => {
    const pending = new PendingRequests();
    const request = pending.add(1, 'rrext_process', 500, undefined);
    const settled = vi.fn();
    request.then(settled, settled);
    await vi.advanceTimersByTimeAsync(499);
    expect(settled).not.toHaveBeenCalled();
    expect(pending.size).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = await rejection(request);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({
      code: 'ERR_TIMEOUT',
      command: 'rrext_process',
      message: 'Request "rrext_process" timed out after 500ms',
    });
    expect(pending.size).toBe(0);
    expect(pending.resolve(response(1))).toBe(false);
  });

  it('arms no timer for a timeout of 0', () => {
    const pending = new PendingRequests();
    void pending.add(1, 'ping', 0, undefined);
    expect(vi.getTimerCount()).toBe(0);
    void pending.add(2, 'ping', 10, undefined);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('clears the timer and removes the abort listener of a request once it is answered', async () => {
    const pending = new PendingRequests();
    const controller = new AbortController();
    const request = pending.add(1, 'ping', 1_000, controller.signal);
    expect(vi.getTimerCount()).toBe(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    pending.resolve(response(1));
    await request;
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('clears the timer and the abort listener of requests that fail or are rejected all at once', async () => {
    const pending = new PendingRequests();
    const controller = new AbortController();
    const failed = rejection(pending.add(1, 'ping', 1_000, controller.signal));
    const dropped = rejection(pending.add(2, 'status', 1_000, controller.signal));
    expect(vi.getTimerCount()).toBe(2);
    pending.fail(1, new ConnectionError('send failed', { code: 'ERR_SEND_FAILED' }));
    expect(await failed).toMatchObject({ code: 'ERR_SEND_FAILED', message: 'send failed' });
    expect(vi.getTimerCount()).toBe(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    pending.rejectAll((command) => new ConnectionError(`lost during ${command}`, { code: 'ERR_DISCONNECTED' }));
    expect(await dropped).toMatchObject({ code: 'ERR_DISCONNECTED', message: 'lost during status' });
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(pending.size).toBe(0);
  });

  it('removes the abort listener when a request times out', async () => {
    const pending = new PendingRequests();
    const controller = new AbortController();
    const request = rejection(pending.add(1, 'ping', 10, controller.signal));
    await vi.advanceTimersByTimeAsync(10);
    expect((await request).message).toBe('Request "ping" timed out after 10ms');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects ERR_ABORTED with the reason as cause on abort, and clears its timer', async () => {
    const pending = new PendingRequests();
    const controller = new AbortController();
    const request = rejection(pending.add(1, 'task_status', 1_000, controller.signal));
    const reason = new Error('caller gave up');
    controller.abort(reason);
    const error = await request;
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: 'ERR_ABORTED', message: 'Request "task_status" was aborted', cause: reason });
    expect(vi.getTimerCount()).toBe(0);
    expect(pending.size).toBe(0);
    expect(pending.resolve(response(1))).toBe(false);
  });

  it('an abort after the answer changes nothing', async () => {
    const pending = new PendingRequests();
    const controller = new AbortController();
    const request = pending.add(1, 'ping', 0, controller.signal);
    pending.resolve(response(1));
    controller.abort();
    await expect(request).resolves.toMatchObject({ request_seq: 1 });
  });

  it('rejects at once and registers nothing when the signal is already aborted', async () => {
    const pending = new PendingRequests();
    const reason = new Error('before');
    const request = rejection(pending.add(1, 'ping', 1_000, AbortSignal.abort(reason)));
    expect(pending.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(await request).toMatchObject({ code: 'ERR_ABORTED', message: 'Request "ping" was aborted', cause: reason });
  });

  it('rejectAll with nothing pending never builds an error', () => {
    const pending = new PendingRequests();
    const make = vi.fn(() => new ConnectionError('x'));
    pending.rejectAll(make);
    expect(make).not.toHaveBeenCalled();
  });

  it('fail on an unknown seq is ignored', async () => {
    const pending = new PendingRequests();
    const request = pending.add(1, 'ping', 0, undefined);
    pending.fail(2, new Error('other'));
    expect(pending.size).toBe(1);
    pending.resolve(response(1));
    await expect(request).resolves.toMatchObject({ request_seq: 1 });
  });

  it('long timeouts share one timer: each still rejects at its own deadline with the usual error', async () => {
    const pending = new PendingRequests();
    const write = rejection(pending.add(1, 'rrext_process', 120_000, undefined));
    const close = rejection(pending.add(2, 'rrext_process', 300_000, undefined));
    const answered = pending.add(3, 'ping', 120_000, undefined);
    expect(vi.getTimerCount()).toBe(1);
    pending.resolve(response(3));
    await expect(answered).resolves.toMatchObject({ request_seq: 3 });
    await vi.advanceTimersByTimeAsync(119_999);
    expect(pending.size).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(await write).toMatchObject({ code: 'ERR_TIMEOUT', message: 'Request "rrext_process" timed out after 120000ms' });
    expect(pending.size).toBe(1);
    await vi.advanceTimersByTimeAsync(179_999);
    expect(pending.size).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = await close;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'ERR_TIMEOUT', command: 'rrext_process', message: 'Request "rrext_process" timed out after 300000ms' });
    expect(pending.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a long timeout shorter than the one the shared timer waits for re-arms it earlier', async () => {
    const pending = new PendingRequests();
    const late = pending.add(1, 'close', 300_000, undefined);
    const early = rejection(pending.add(2, 'write', SHARED_TIMEOUT_MS, undefined));
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(SHARED_TIMEOUT_MS);
    expect((await early).message).toBe(`Request "write" timed out after ${SHARED_TIMEOUT_MS}ms`);
    expect(pending.size).toBe(1);
    expect(pending.resolve(response(1))).toBe(true);
    await expect(late).resolves.toMatchObject({ request_seq: 1 });
    await vi.advanceTimersByTimeAsync(300_000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('answered requests leave nothing for the shared timer to reject, and it stops once none waits', async () => {
    const pending = new PendingRequests();
    for (let seq = 1; seq <= 3; seq++) {
      const request = pending.add(seq, 'ping', 60_000, undefined);
      pending.resolve(response(seq));
      await expect(request).resolves.toMatchObject({ request_seq: seq });
    }
    expect(pending.size).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejectAll and an abort also take long waits off the shared timer', async () => {
    const pending = new PendingRequests();
    const controller = new AbortController();
    const aborted = rejection(pending.add(1, 'ping', 60_000, controller.signal));
    const dropped = rejection(pending.add(2, 'status', 60_000, undefined));
    controller.abort();
    expect(await aborted).toMatchObject({ code: 'ERR_ABORTED' });
    pending.rejectAll((command) => new ConnectionError(`lost during ${command}`, { code: 'ERR_DISCONNECTED' }));
    expect(await dropped).toMatchObject({ code: 'ERR_DISCONNECTED', message: 'lost during status' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(vi.getTimerCount()).toBe(0);
    expect(pending.size).toBe(0);
  });

  it('abortError names what was aborted and keeps the reason', () => {
    const reason = new Error('why');
    const error = abortError(AbortSignal.abort(reason), 'Upload');
    expect(error).toMatchObject({ code: 'ERR_ABORTED', message: 'Upload was aborted', cause: reason });
  });
});
