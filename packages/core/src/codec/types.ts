/**
 * The engine's DAP-style envelope. Three kinds of message share one connection;
 * responses are correlated with requests by `request_seq` only, and may arrive out of order.
 */

/** Raw payload carried by a binary frame. A list is sent as consecutive fragments, never concatenated. */
export type Payload = Uint8Array | readonly Uint8Array[];

export interface DAPRequest<A extends object = Record<string, unknown>> {
  type: 'request';
  /** Client-side sequence number; a request without one is answered with `request_seq: null`. */
  seq?: number;
  command: string;
  arguments?: A & { data?: Payload | string };
  /** Legacy top-level task token (the server falls back to it); the SDKs never send it. */
  token?: string;
}

export interface DAPResponse<B = Record<string, unknown>> {
  type: 'response';
  seq: number;
  request_seq: number | null;
  command: string | null;
  success: boolean;
  body?: B;
  message?: string;
  trace?: { file?: string; lineno?: number };
  /** Only for responses that carry bytes (`rrext_store` fs_read): the payload lands at `arguments.data`. */
  arguments?: Record<string, unknown> & { data?: Uint8Array };
}

export interface DAPEvent<B = Record<string, unknown>> {
  type: 'event';
  seq: number;
  event: string;
  body?: B;
}

export type DAPMessage = DAPRequest | DAPResponse | DAPEvent;

/**
 * A message ready for the socket. Text messages are one string; binary messages are a list of parts
 * whose first part is the JSON header followed by `\n`, and whose other parts are the caller's
 * payload buffers, untouched. A transport sends the parts as fragments of one WebSocket message.
 */
export type EncodedMessage =
  | { readonly binary: false; readonly text: string }
  | { readonly binary: true; readonly parts: readonly Uint8Array[]; readonly byteLength: number };
