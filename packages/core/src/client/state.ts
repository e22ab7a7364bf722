import type { DAPResponse } from '../codec/types.js';
import type { EnvMap } from '../config/env.js';
import type { ClientOptions, RequestOptions } from '../config/options.js';
import { type ResolvedSettings, resolveOptions } from '../config/resolve.js';
import { checkCallOptions } from '../config/validate.js';
import { Endpoint } from '../connection/credentials.js';
import { Lifecycle } from '../connection/lifecycle.js';
import { credentialArgument } from '../connection/pkce.js';
import { redactAuth } from '../connection/redact.js';
import { storeBeforeDeauth } from '../commands/store-state.js';
import { type DataHost, type PipeOwner, registerDataHost } from '../data/host.js';
import { AuthenticationError } from '../errors/authentication-error.js';
import { ConnectionError } from '../errors/connection-error.js';
import type { RocketRideError } from '../errors/rocketride-error.js';
import { REDACTED } from '../errors/redact.js';
import { ValidationError } from '../errors/validation-error.js';
import type { ClientEventName, ClientEvents } from '../events/emitter.js';
import type { StoreHost } from '../commands/host.js';
import { safeCall } from '../events/emitter.js';
import { EventHub } from '../events/hub.js';
import type { ConnectResult } from '../schema/connect-result.js';
import { abortError } from '../transport/pending.js';
import { RequestManager } from '../transport/requests.js';
import { checkRequest } from './arguments.js';

/** The protected parts of the client's emitter that its state reports through. */
export interface ClientEmitter {
  emit<K extends ClientEventName>(name: K, payload: ClientEvents[K]): void;
  reportListenerError(where: string, thrown: unknown): void;
}

/**
 * What a RocketRideClient is made of, wired together once: the resolved options, the endpoint (address
 * and credential), the request manager, the connection lifecycle and the event side. Kept off the
 * client's public surface (the client holds it in a #private field).
 */
export class ClientState {
  readonly options: ClientOptions;
  /** The environment (`ClientOptions.env`); `setEnv()` replaces it. */
  env: EnvMap;
  readonly settings: Readonly<ResolvedSettings>;
  readonly endpoint: Endpoint;
  readonly requests: RequestManager;
  readonly lifecycle: Lifecycle;
  readonly events: EventHub;
  readonly data: DataHost;
  #chatCounter = 0;
  /** The data path's `onConnectionLost` listeners (open pipes): told before the public `'disconnected'`. */
  readonly #lossListeners = new Set<() => void>();
  /** The last identity and its copy without the userToken, which getConnectionInfo() hands out. */
  #shown: { of: ConnectResult; shown: ConnectResult } | undefined;

  constructor(
    client: StoreHost & PipeOwner,
    emitter: ClientEmitter,
    given: ClientOptions,
  ) {
    const resolved = resolveOptions(given);
    const o = resolved.options;
    this.options = o;
    this.env = resolved.env;
    this.settings = resolved.settings;
    this.endpoint = new Endpoint(resolved.uri, resolved.credential);
    this.requests = new RequestManager((message) => {
      if (o.onProtocolMessage !== undefined) safeCall(o.onProtocolMessage, redactAuth(message), 'send');
    });
    const debug = o.onDebugMessage === undefined ? undefined : (line: string) => this.events.debug(line);
    this.lifecycle = new Lifecycle({
      requests: this.requests,
      settings: () => ({ ...this.settings, uri: this.endpoint.uri, credential: this.endpoint.credential }),
      receive: (data, isBinary) => this.events.receive(data, isBinary),
      connected: (result, generation) => {
        this.events.monitors.replay();
        safeCall(o.onConnected, result);
        emitter.emit('connected', { result, generation });
      },
      disconnected: (reason, hasError, generation) => {
        for (const listener of [...this.#lossListeners]) {
          try {
            listener();
          } catch (thrown) {
            emitter.reportListenerError("a pipe's connection-lost handler", thrown);
          }
        }
        safeCall(o.onDisconnected, reason, hasError);
        emitter.emit('disconnected', { reason, hasError, generation });
      },
      reconnecting: (attempt, delay) => {
        debug?.(`reconnect attempt ${attempt} in ${delay}ms`);
        emitter.emit('reconnecting', { attempt, delay });
      },
      connectError: (error) => {
        safeCall(o.onConnectError, error);
        emitter.emit('connectError', error);
      },
      credentialChanged: (credential) => {
        this.endpoint.credential = credential;
      },
      debug,
      beforeDeauth: () => storeBeforeDeauth(client),
    });
    this.events = new EventHub({
      options: o,
      pending: this.requests.pending,
      request: (command, args, options) => client.request(command, args, options),
      isConnected: () => client.isConnected(),
      willReconnect: () => this.lifecycle.willReconnect,
      account: (body) => {
        this.lifecycle.connectResult = body;
        if (typeof body.userToken === 'string' && body.userToken !== '') this.endpoint.credential = body.userToken;
      },
      emitEvent: (event) => emitter.emit('event', event),
      emitProtocolError: (error) => emitter.emit('protocolError', error),
      reportListenerError: (where, thrown) => emitter.reportListenerError(where, thrown),
    });
    const nextChat = (): number => {
      this.#chatCounter += 1;
      return this.#chatCounter;
    };
    this.data = {
      get generation() {
        return client.generation;
      },
      isConnected: () => client.isConnected(),
      request: (command, args, options) => client.request(command, args, options),
      requestTimeout: this.settings.requestTimeout,
      subscribePipeSse: (token, pipeId, callback, signal) => this.events.subscribePipeSse(token, pipeId, callback, signal),
      nextChatNumber: nextChat,
      dispatchEvent: (event) => this.events.dispatch(event),
      onConnectionLost: (listener) => {
        const listeners = this.#lossListeners;
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    registerDataHost(client, this.data);
  }

  /**
   * The client's one request path (`client.request()` delegates here; the modules send through
   * `client.request()`, so a subclass that overrides it sees every request): checks, picks the
   * connection (a logged-out socket still takes the engine's public commands), and hands the
   * request to the request manager.
   */
  request<B = Record<string, unknown>>(command: string, args?: Record<string, unknown>, options?: RequestOptions): Promise<DAPResponse<B>> {
    try {
      checkRequest(command, args, options);
    } catch (error) {
      return Promise.reject(error);
    }
    // A logged-out socket still takes the engine's public commands (PROTOCOL.md §2.4).
    const conn = this.lifecycle.connection ?? (command.startsWith('rrext_public_') ? this.lifecycle.socket : undefined);
    if (conn === undefined) {
      return Promise.reject(new ConnectionError('Not connected: call connect() first', { code: 'ERR_NOT_CONNECTED', command }));
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(abortError(signal, `Request "${command}"`));
    return this.requests.send<B>(conn, command, args, options?.timeout ?? this.settings.requestTimeout, signal);
  }

  /**
   * Checks a connect()/login() call and takes its credential (a PKCE code encoded as its `cd_` string);
   * returns the credential taken, or the error to reject with.
   */
  takeCredential(credential: unknown, method: string, options: unknown): { credential?: string; error?: RocketRideError } {
    const taken = credentialArgument(credential, method);
    if (taken instanceof ValidationError) return { error: taken };
    try {
      checkCallOptions(options, method);
    } catch (error) {
      return { error: error as RocketRideError };
    }
    // The current session's credential keeps the session's own: its userToken is what reconnects use (a PKCE code
    // cannot be exchanged twice).
    if (taken !== undefined && !(this.lifecycle.active && this.lifecycle.usesCredential(taken))) this.endpoint.credential = taken;
    if (!this.endpoint.hasCredential) {
      return { error: new AuthenticationError(`No credential: pass one to ${method}, set options.auth or ROCKETRIDE_APIKEY`, { code: 'ERR_NO_CREDENTIAL' }) };
    }
    return { credential: taken };
  }

  /** The current identity with its userToken redacted; the same object until the identity changes. */
  shownResult(): ConnectResult | undefined {
    const result = this.lifecycle.connectResult;
    if (result === undefined) return undefined;
    if (this.#shown?.of !== result) this.#shown = { of: result, shown: { ...result, userToken: REDACTED } };
    return this.#shown.shown;
  }

  /** Connection settings for a one-off socket (getServerInfo without a session). */
  socketSettings(): { connectTimeout: number; perMessageDeflate: boolean; maxPayload: number } {
    const s = this.settings;
    return { connectTimeout: s.connectTimeout, perMessageDeflate: s.perMessageDeflate, maxPayload: s.maxPayload };
  }
}

const states = new WeakMap<object, ClientState>();

/** Registers a client's state (its constructor does). */
export function registerState(client: object, state: ClientState): void {
  states.set(client, state);
}

/** The state of a client (the client's own method groups read it). */
export function stateOf(client: object): ClientState {
  return states.get(client) as ClientState;
}
