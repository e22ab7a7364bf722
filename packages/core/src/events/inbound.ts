import { decodeFrame } from '../codec/decode.js';
import type { DAPEvent, DAPMessage } from '../codec/types.js';
import { ProtocolError } from '../errors/protocol-error.js';
import type { ConnectResult } from '../schema/connect-result.js';
import type { RocketRideEvent } from '../schema/events.js';
import type { PendingRequests } from '../transport/pending.js';
import { safeCall } from './emitter.js';
import { malformedResponseSeq } from './malformed-response.js';
import { redactAuth } from '../connection/redact.js';
import { isRecord } from '../config/shape.js';
import type { SseRoutes } from './sse-routes.js';

/** What the receive path needs from the client. */
export interface InboundHost {
  readonly pending: PendingRequests;
  readonly sseRoutes: SseRoutes;
  /** The `onProtocolMessage` option, read per frame. */
  protocolMessage(): ((message: DAPMessage, direction: 'send' | 'receive') => void) | undefined;
  /** The debug sink, undefined when `onDebugMessage` is unset (nothing is built then). */
  debug(): ((line: string) => void) | undefined;
  /** Emits `'protocolError'`. */
  protocolError(error: ProtocolError): void;
  /** An `apaext_account` event: the session's new identity. */
  account(body: ConnectResult): void;
  /** Dispatches an event to `onEvent` and the `'event'` listeners. */
  dispatch(event: RocketRideEvent): void;
  /** Reports an exception thrown by user code (`'listenerError'`, else a process warning). */
  listenerError(where: string, thrown: unknown): void;
}

const messageOf = (thrown: unknown): string => (thrown instanceof Error ? thrown.message : typeof thrown);

/**
 * The socket's message handler. Nothing a server sends may throw out of it (an exception inside the
 * `ws` handler would wedge the connection): every frame is validated; a bad one is reported on
 * `'protocolError'` and dropped, and fails the request it answers. An exception still raised while
 * handling a frame, which would be a bug, becomes an `ERR_RECEIVE_FAILED` ProtocolError in the same way.
 */
export function receiveFrame(host: InboundHost, data: Buffer, isBinary: boolean): void {
  try {
    handleFrame(host, data, isBinary);
  } catch (cause) {
    try {
      const error = new ProtocolError(`The client failed to handle a frame: ${messageOf(cause)}`, { code: 'ERR_RECEIVE_FAILED', cause });
      failRequest(host, data, isBinary, error);
      report(host, error);
    } catch {
      // Reporting failed as well: nothing is left to report to, and the socket must keep running.
    }
  }
}

function report(host: InboundHost, error: ProtocolError): void {
  host.debug()?.(`protocol error: ${error.message}`);
  host.protocolError(error);
}

/** Fails the request a frame answers, if it is recognisably a response to one still waiting. */
function failRequest(host: InboundHost, data: Buffer, isBinary: boolean, error: ProtocolError): void {
  const seq = malformedResponseSeq(data, isBinary);
  if (seq !== undefined) host.pending.fail(seq, error);
}

function handleFrame(host: InboundHost, data: Buffer, isBinary: boolean): void {
  const decoded = decodeFrame(data, isBinary);
  if (!decoded.ok) {
    report(host, decoded.error);
    // A malformed reply to a pending request fails that request rather than leaving it waiting.
    failRequest(host, data, isBinary, decoded.error);
    return;
  }
  const message = decoded.message;
  const onMessage = host.protocolMessage();
  if (onMessage !== undefined) safeCall(onMessage, redactAuth(message), 'receive');
  if (message.type === 'response') {
    if (!host.pending.resolve(message)) {
      host.debug()?.(`dropped response to unknown request_seq ${String(message.request_seq)} (${String(message.command)})`);
    }
    return;
  }
  if (message.type === 'event') {
    onServerEvent(host, message);
    return;
  }
  report(
    host,
    new ProtocolError(`Unexpected request ${describeCommand(message.command)} from the server: the client serves none`, {
      code: 'ERR_FRAME_UNEXPECTED',
    }),
  );
}

/** A request's command for a message: quoted and cut short, or its type when it is not a string. */
function describeCommand(command: unknown): string {
  if (typeof command !== 'string') return `without a command (${command === null ? 'null' : typeof command})`;
  return JSON.stringify(command.length > 40 ? `${command.slice(0, 40)}…` : command);
}

function onServerEvent(host: InboundHost, event: DAPEvent): void {
  if (event.event === 'apaext_account' || event.event === 'apaevt_sse') {
    // The client reads these bodies itself: one that is not an object (validation left it absent) is dropped.
    if (!isRecord(event.body)) {
      report(host, new ProtocolError(`"${event.event}" event without a body object`, { code: 'ERR_FRAME_INVALID' }));
      return;
    }
    if (event.event === 'apaext_account') host.account(event.body as unknown as ConnectResult);
    else if (host.sseRoutes.size > 0) routeSse(host, event.body);
  }
  host.dispatch(event as RocketRideEvent);
}

/** Hands an `apaevt_sse` body to the pipes' callbacks; a throw or a rejection is a listener error. */
function routeSse(host: InboundHost, body: Record<string, unknown>): void {
  const callbacks = host.sseRoutes.match(body);
  if (callbacks.length === 0) return;
  const type = typeof body.type === 'string' ? body.type : '';
  const data = isRecord(body.data) ? body.data : {};
  const failed = (thrown: unknown): void => {
    host.debug()?.(`SSE callback failed: ${messageOf(thrown)}`);
    host.listenerError('an onSSE callback', thrown);
  };
  for (const callback of callbacks) {
    try {
      const result: unknown = callback(type, data);
      if (result !== undefined) Promise.resolve(result).catch(failed);
    } catch (thrown) {
      failed(thrown);
    }
  }
}
