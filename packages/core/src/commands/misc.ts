import { decodeFrame } from '../codec/decode.js';
import { encodeMessage } from '../codec/encode.js';
import type { DAPResponse } from '../codec/types.js';
import type { RequestOptions } from '../config/options.js';
import { checkRequestOptions } from '../config/validate.js';
import { ConnectionError } from '../errors/connection-error.js';
import { RocketRideError } from '../errors/rocketride-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { abortError } from '../transport/pending.js';
import { sendEncoded } from '../transport/send.js';
import { openSocketWithin } from '../transport/socket.js';
import { responseError } from '../config/checks.js';
import type { ProbeHost } from './host.js';
import { malformedResponseSeq } from '../events/malformed-response.js';
import { isRecord } from '../config/shape.js';

/**
 * Round trip to the engine (`rrext_ping`). A string argument is the official SDK's optional token,
 * sent as `arguments.token` (the engine ignores it). @throws RocketRideError `ERR_PING` on failure.
 */
export async function ping(client: ProbeHost, options?: RequestOptions | string): Promise<void> {
  if (typeof options !== 'string') checkRequestOptions(options, 'ping()');
  const response =
    typeof options === 'string'
      ? await client.request('rrext_ping', { token: options })
      : await client.request('rrext_ping', undefined, options);
  if (!response.success) throw responseError(RocketRideError, 'ERR_PING', response, 'Ping failed', 'Ping failed: ');
}

/** The body of `rrext_public_probe`. */
export interface ServerInfo {
  version: unknown;
  capabilities: string[];
  platform: string;
  apps: unknown[];
  [key: string]: unknown;
}

/** The ServerInfo of a probe reply. @throws RocketRideError `ERR_SERVER_INFO` on failure or without a body object. */
function probeResult(response: DAPResponse<unknown>): ServerInfo {
  if (!response.success) throw responseError(RocketRideError, 'ERR_SERVER_INFO', response, 'Server probe failed');
  const body: unknown = response.body;
  if (!isRecord(body)) {
    throw new RocketRideError('Server probe failed: the engine returned no server information', {
      code: 'ERR_SERVER_INFO',
      command: 'rrext_public_probe',
      response,
    });
  }
  return body as ServerInfo;
}

/**
 * Engine information (`rrext_public_probe`), which needs no credential: sent on the client's socket
 * when it has one (authenticated or only attached), otherwise on a short-lived socket of its own
 * (nothing is authenticated). `options.timeout` bounds the reply on the client's socket.
 */
export async function getServerInfo(
  client: ProbeHost,
  uri: string,
  s: { connectTimeout: number; perMessageDeflate: boolean; maxPayload: number },
  options?: RequestOptions,
): Promise<ServerInfo> {
  checkRequestOptions(options, 'getServerInfo()');
  if (client.isConnected() || client.isAttached()) {
    const response = await client.request<ServerInfo>('rrext_public_probe', {}, { signal: options?.signal, timeout: options?.timeout });
    return probeResult(response);
  }
  const signal = options?.signal;
  const ws = await openSocketWithin(uri, { timeout: s.connectTimeout, signal, perMessageDeflate: s.perMessageDeflate, maxPayload: s.maxPayload });
  try {
    return await new Promise<ServerInfo>((resolve, reject) => {
      // Every way out (reply, close, timeout, abort) clears both the timer and the abort listener.
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const timer = setTimeout(() => {
        done();
        reject(new TimeoutError(`Server probe timed out after ${s.connectTimeout}ms`, { code: 'ERR_TIMEOUT' }));
      }, s.connectTimeout);
      const onAbort = (): void => {
        done();
        reject(abortError(signal!, 'getServerInfo'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        const decoded = decodeFrame(data, isBinary);
        if (!decoded.ok) {
          // A malformed reply to the probe fails it at once (coded ProtocolError); any other bad frame is ignored.
          if (malformedResponseSeq(data, isBinary) !== 1) return;
          done();
          reject(decoded.error);
          return;
        }
        if (decoded.message.type !== 'response' || decoded.message.request_seq !== 1) return;
        done();
        try {
          resolve(probeResult(decoded.message));
        } catch (error) {
          reject(error);
        }
      });
      ws.on('close', () => {
        done();
        reject(new ConnectionError('Connection closed during the server probe', { code: 'ERR_CONNECTION_LOST' }));
      });
      ws.on('error', () => {});
      sendEncoded(ws, encodeMessage({ type: 'request', seq: 1, command: 'rrext_public_probe', arguments: {} }));
    });
  } finally {
    ws.removeAllListeners('close');
    ws.close(1000);
  }
}
