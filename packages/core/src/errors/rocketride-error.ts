import { BRANDS, hasBrand } from './brand.js';
import type { ErrorCode } from './codes.js';
import { redactSecrets } from './redact.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Where on the server an error was raised, as the engine reports it (informational). */
export interface ServerTrace {
  file?: string;
  lineno?: number;
}

/** Options of every error; `C` is the set of codes the class may carry (see `codes.ts`). */
export interface RocketRideErrorOptions<C extends ErrorCode = ErrorCode> {
  /** Stable machine-readable code, e.g. `ERR_PIPE_OPEN`. */
  code?: C;
  cause?: unknown;
  /** The engine's own message, verbatim, when the error came from a response. */
  serverMessage?: string;
  trace?: ServerTrace;
  /** The DAP command whose response carried this error. */
  command?: string;
  /** The whole failed response, for diagnostics (official SDK: `dapResult`). */
  response?: unknown;
}

const BRAND = Symbol.for('rocketride-streams.RocketRideError');

/**
 * Longest `message` an error carries, in characters. A server may send a failure text of megabytes; the
 * message (and the stack, which repeats it) is what logs print, so it is cut here, while `serverMessage`
 * keeps the engine's text whole.
 */
export const MAX_ERROR_MESSAGE = 4096;

/** `message`, cut to {@link MAX_ERROR_MESSAGE} characters with a note of how long it was. */
function clipMessage(message: string): string {
  if (message.length <= MAX_ERROR_MESSAGE) return message;
  // Never end on the first half of a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(message[MAX_ERROR_MESSAGE - 1]!) ? MAX_ERROR_MESSAGE - 1 : MAX_ERROR_MESSAGE;
  return `${message.slice(0, end)}… [message cut: ${message.length} characters in all]`;
}

/** Root of every error this library throws. Always has a stable string `code`. */
export class RocketRideError extends Error {
  static readonly brand: symbol = BRAND;
  /** Stable machine-readable code: one of {@link ErrorCode}, narrowed by each subclass. */
  readonly code: ErrorCode;
  readonly serverMessage?: string;
  readonly trace?: ServerTrace;
  readonly command?: string;
  readonly response?: unknown;

  constructor(message: string, options: RocketRideErrorOptions = {}) {
    super(typeof message === 'string' ? clipMessage(message) : message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'ERR_ROCKETRIDE';
    if (options.serverMessage !== undefined) this.serverMessage = options.serverMessage;
    if (options.trace !== undefined) this.trace = options.trace;
    if (options.command !== undefined) this.command = options.command;
    if (options.response !== undefined) {
      Object.defineProperty(this, 'response', { value: options.response, enumerable: false });
    }
    const brands = new Set<symbol>();
    for (let c: unknown = new.target; typeof c === 'function' && 'brand' in c; c = Object.getPrototypeOf(c)) {
      brands.add((c as { brand: symbol }).brand);
    }
    Object.defineProperty(this, BRANDS, { value: brands, enumerable: false });
  }

  /** Official SDK compatibility: the failed response (`dapResult`). */
  get dapResult(): unknown {
    return this.response;
  }

  /**
   * What `JSON.stringify` shows: name, code, message, the server's details and the response, with
   * every credential field (`auth`, `userToken`, …) redacted.
   */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    if (this.serverMessage !== undefined) out.serverMessage = this.serverMessage;
    if (this.command !== undefined) out.command = this.command;
    if (this.trace !== undefined) out.trace = this.trace;
    if (this.response !== undefined) out.response = this.response;
    return redactSecrets(out) as Record<string, unknown>;
  }

  /**
   * `util.inspect`: the default rendering (the response is not enumerable, so it is not shown); with
   * `showHidden`, the response is shown with its credential fields redacted.
   */
  [INSPECT](_depth: number, options: { showHidden?: boolean }, inspect: (value: unknown, options?: unknown) => string): unknown {
    if (options?.showHidden !== true || this.response === undefined) return this;
    const shown = new Error(this.message);
    Object.defineProperty(shown, 'name', { value: this.name, enumerable: false, configurable: true, writable: true });
    shown.stack = this.stack;
    if (this.cause !== undefined) Object.defineProperty(shown, 'cause', { value: this.cause, enumerable: false, configurable: true });
    const own = redactSecrets({ ...this }) as Record<string, unknown>;
    Object.assign(shown, own, { response: redactSecrets(this.response) });
    return inspect(shown, options);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, (this as unknown as { brand: symbol }).brand);
  }
}
