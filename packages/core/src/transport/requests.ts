import { encodeMessage } from '../codec/encode.js';
import type { DAPRequest, DAPResponse } from '../codec/types.js';
import { ConnectionError } from '../errors/connection-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { PendingRequests } from './pending.js';
import type { Connection } from './socket.js';

/**
 * The one send path of a client: every request (the lifecycle's `auth`/`deauth` and every command)
 * gets its seq here, is encoded, written to the socket, then registered with its timeout and signal.
 * The reply is matched to it by `request_seq` in {@link PendingRequests}.
 */
export class RequestManager {
  readonly pending = new PendingRequests();

  /** `sent` sees each request that went out (the `onProtocolMessage` hook). */
  constructor(private readonly sent: (message: DAPRequest) => void) {}

  /**
   * Sends `command` on `conn` and resolves with its response, whatever its `success`; `timeout` 0 = none.
   * Encoding failures reject with ValidationError `ERR_ENCODE` (nothing sent); a socket that refuses the
   * frame rejects with ConnectionError `ERR_SEND_FAILED`.
   */
  send<B = Record<string, unknown>>(
    conn: Connection,
    command: string,
    args: Record<string, unknown> | undefined,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<DAPResponse<B>> {
    const seq = this.pending.nextSeq();
    const message: DAPRequest =
      args === undefined ? { type: 'request', seq, command } : { type: 'request', seq, command, arguments: args };
    let encoded: ReturnType<typeof encodeMessage>;
    try {
      encoded = encodeMessage(message);
    } catch (cause) {
      return Promise.reject(
        new ValidationError(`Could not encode "${command}": ${(cause as Error).message}`, { code: 'ERR_ENCODE', cause, command }),
      );
    }
    let reply: Promise<DAPResponse<B>>;
    try {
      conn.send(encoded);
    } catch (cause) {
      reply = Promise.reject(new ConnectionError('Could not send request', { code: 'ERR_SEND_FAILED', cause, command }));
    }
    // Registered once the frame is out (its answer cannot arrive before this returns): off the path to the socket.
    reply ??= this.pending.add<B>(seq, command, timeout, signal);
    this.sent(message);
    return reply;
  }
}
