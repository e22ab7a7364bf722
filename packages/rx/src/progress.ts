import { PipeError } from '@rocketride-streams/core';
import { Observable } from 'rxjs';
import { checkClient } from './arguments.js';

/** Progress of one sink, as `PipeWritable` reports it. */
export interface SinkProgress {
  /** Bytes handed to the socket. */
  bytesSent: number;
  /** Bytes the engine acknowledged. */
  bytesAcknowledged: number;
  /** Acknowledged write requests. */
  writes: number;
  /** Total size, when known. */
  total?: number;
}

/** Anything that emits `'progress'` (with a {@link SinkProgress}), `'finish'` and `'error'`, like `PipeWritable`. */
export interface ProgressSource {
  on(event: 'progress', listener: (progress: SinkProgress) => void): unknown;
  on(event: 'finish' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'progress', listener: (progress: SinkProgress) => void): unknown;
  off(event: 'finish' | 'close', listener: () => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  /** The current progress, emitted first when present. */
  readonly progress?: Readonly<SinkProgress>;
  readonly writableFinished?: boolean;
  readonly destroyed?: boolean;
  readonly errored?: Error | null;
}

/**
 * The progress of a sink: its current progress (when it has a `progress` getter), then every
 * `'progress'` event. Completes on `'finish'` (the engine committed the object), errors on
 * `'error'`, and errors with a `PipeError` (`ERR_PIPE_ABANDONED`) when the sink closes without
 * finishing (destroyed: the object was not committed). Unsubscribing removes every listener.
 */
export function progress$(sink: ProgressSource): Observable<SinkProgress> {
  // Checked at the call, as the other factories do: a careless progress$(undefined) failed with a TypeError on subscribe.
  checkClient(sink, 'progress$: sink', ['on', 'off']);
  return new Observable<SinkProgress>((subscriber) => {
    if (sink.progress !== undefined) subscriber.next({ ...sink.progress });
    if (sink.writableFinished === true) {
      subscriber.complete();
      return undefined;
    }
    const destroyedError = () =>
      new PipeError('The sink closed before finishing; the object was not committed', { code: 'ERR_PIPE_ABANDONED' });
    if (sink.destroyed === true) {
      subscriber.error(sink.errored ?? destroyedError());
      return undefined;
    }
    const onProgress = (p: SinkProgress) => subscriber.next({ ...p });
    const onFinish = () => subscriber.complete();
    const onError = (error: Error) => subscriber.error(error);
    const onClose = () => subscriber.error(sink.errored ?? destroyedError());
    sink.on('progress', onProgress);
    sink.on('finish', onFinish);
    sink.on('error', onError);
    sink.on('close', onClose);
    return () => {
      sink.off('progress', onProgress);
      sink.off('finish', onFinish);
      sink.off('error', onError);
      sink.off('close', onClose);
    };
  });
}
