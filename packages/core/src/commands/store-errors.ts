import type { StoreErrorCode } from '../errors/codes.js';
import type { DAPResponse } from '../codec/types.js';
import { StoreError, type StoreErrorOptions } from '../errors/store-error.js';

/** Engine message prefixes (PROTOCOL.md §16.B–§16.D) and the code each maps to; the first match wins. */
const RULES: ReadonlyArray<readonly [RegExp, StoreErrorCode]> = [
  [/^File not found: /, 'ERR_STORE_NOT_FOUND'],
  [/^Destination already exists: /, 'ERR_STORE_EXISTS'],
  [/^File already open for writing: /, 'ERR_STORE_LOCKED'],
  [/^Cannot delete file while it is open for writing: /, 'ERR_STORE_LOCKED'],
  [/^Cannot modify: /, 'ERR_STORE_LOCKED'],
  [/^Cannot rename (file while it is|onto file that is) open for writing: /, 'ERR_STORE_LOCKED'],
  [/^Too many open handles for connection /, 'ERR_STORE_HANDLES'],
  [/^(Invalid handle: |Wrong handle mode: |Handle belongs to another connection)/, 'ERR_STORE_HANDLE'],
  [/^Directory not empty: /, 'ERR_STORE_NOT_EMPTY'],
  [/^Path (traversal not allowed|contains invalid characters): /, 'ERR_STORE_PATH'],
  [/^Permission 'task\.store' denied/, 'ERR_STORE_PERMISSION'],
  [/^(Invalid command: rrext_store|Unknown subcommand: )/, 'ERR_STORE_UNSUPPORTED'],
  [/\[Errno 21\] /, 'ERR_STORE_IS_DIRECTORY'],
  [/\[Errno 20\] /, 'ERR_STORE_NOT_DIRECTORY'],
  [/\[Errno 17\] /, 'ERR_STORE_EXISTS'],
  [/\[Errno 2\] /, 'ERR_STORE_NOT_FOUND'],
];

/** The code for an engine message (`ERR_STORE_FAILED` when none applies). */
export function storeErrorCode(message: string): StoreErrorCode {
  for (const [pattern, code] of RULES) if (pattern.test(message)) return code;
  return 'ERR_STORE_FAILED';
}

/**
 * The engine's message without its internals: the storage key prefix `users/<userId>/files/`
 * (so the path reads as the caller wrote it) and a quoted absolute server path after an OS error.
 */
export function cleanStoreMessage(message: string): string {
  return message.replace(/users\/[^/\s]+\/files\//g, '').replace(/: '(?:\/|[A-Za-z]:[\\/])[^']*'/g, '');
}

/** The coded error for a `success:false` reply to `rrext_store <subcommand>`. */
export function storeFailure(response: DAPResponse<unknown>, subcommand: string, path?: string): StoreError {
  const server = typeof response.message === 'string' && response.message !== '' ? response.message : undefined;
  const text = server === undefined ? `${subcommand} failed` : cleanStoreMessage(server);
  const options: StoreErrorOptions = {
    code: server === undefined ? 'ERR_STORE_FAILED' : storeErrorCode(server),
    command: 'rrext_store',
    response,
  };
  if (server !== undefined) options.serverMessage = server;
  if (response.trace !== undefined) options.trace = response.trace;
  if (path !== undefined) options.path = path;
  return new StoreError(text, options);
}
