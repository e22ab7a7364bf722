import { ValidationError } from '../errors/validation-error.js';

/** The engine's default port. */
export const DEFAULT_PORT = 5565;
/** The WebSocket path of the task service. */
export const DEFAULT_WS_PATH = '/task/service';
/** The URI used when neither the options nor the environment name one (the official SDKs' default). */
export const DEFAULT_URI = 'https://cloud.rocketride.ai:80';

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** Whether the authority part of `withScheme` names a port explicitly (`host:1`, `[::1]:1`). */
function hasExplicitPort(withScheme: string): boolean {
  const start = withScheme.indexOf('://') + 3;
  let end = withScheme.length;
  for (const ch of ['/', '?', '#']) {
    const i = withScheme.indexOf(ch, start);
    if (i !== -1 && i < end) end = i;
  }
  let authority = withScheme.slice(start, end);
  const at = authority.lastIndexOf('@');
  if (at !== -1) authority = authority.slice(at + 1);
  const colon = authority.startsWith('[') ? authority.indexOf(']:') + 1 : authority.lastIndexOf(':');
  if (colon <= 0) return false;
  return /^\d+$/.test(authority.slice(colon + 1));
}

/**
 * The address as an error message may show it: the user info of its authority (`user:password@`),
 * which is a credential, replaced by `***`, so a refused address never prints its password.
 */
function shownUri(input: string): string {
  const start = SCHEME.test(input) ? input.indexOf('://') + 3 : 0;
  let end = input.length;
  for (const ch of ['/', '?', '#']) {
    const i = input.indexOf(ch, start);
    if (i !== -1 && i < end) end = i;
  }
  const at = input.lastIndexOf('@', end - 1);
  return JSON.stringify(at < start ? input : `${input.slice(0, start)}***${input.slice(at)}`);
}

const DEFAULT_SCHEME_PORT: Record<string, string> = { 'http:': '80', 'ws:': '80', 'https:': '443', 'wss:': '443', 'ftp:': '21' };

/**
 * A user-given engine address parsed: trimmed, `http://` assumed without a `scheme://` prefix, and whether
 * it names a port. `ERR_INVALID_URI` when it does not parse or has no host; the message shows the address
 * with its user info as `***`, and the URL error is not kept as the cause (its `input` holds the password).
 */
function parseAddress(input: string): { url: URL; explicitPort: boolean } {
  const trimmed = input.trim();
  const withScheme = SCHEME.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ValidationError(`Invalid engine URI: ${shownUri(input)}`, { code: 'ERR_INVALID_URI' });
  }
  if (url.hostname === '') {
    throw new ValidationError(`Invalid engine URI (no host): ${shownUri(input)}`, { code: 'ERR_INVALID_URI' });
  }
  return { url, explicitPort: hasExplicitPort(withScheme) };
}

/**
 * Turns whatever a user gives as the engine address into the WebSocket URI, as the official
 * TypeScript SDK does:
 * 1. trim; without a `scheme://` prefix, `http://` is assumed;
 * 2. without an explicit port, port 5565 is added unless the host name contains `rocketride.ai`;
 * 3. `https`/`wss` become `wss`, every other scheme `ws`;
 * 4. the path becomes `wsPath`; query, fragment and user info are dropped.
 * A port that is the default of the resulting scheme is left out (`https://h:443` → `wss://h/…`).
 * IPv6 literals keep their brackets.
 *
 * @throws ValidationError (`ERR_INVALID_URI`) for an empty or unparsable address.
 */
export function normalizeUri(input: string, wsPath: string = DEFAULT_WS_PATH): string {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new ValidationError('The engine URI is empty', { code: 'ERR_INVALID_URI' });
  }
  const { url, explicitPort } = parseAddress(input);
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  const scheme = secure ? 'wss:' : 'ws:';
  let port: string;
  if (explicitPort) {
    port = url.port === '' ? (DEFAULT_SCHEME_PORT[url.protocol] ?? '') : url.port;
  } else {
    port = url.hostname.includes('rocketride.ai') ? '' : String(DEFAULT_PORT);
  }
  if (port === DEFAULT_SCHEME_PORT[scheme]) port = '';
  const path = wsPath.startsWith('/') ? wsPath : `/${wsPath}`;
  return `${scheme}//${url.hostname}${port === '' ? '' : `:${port}`}${path}`;
}

/**
 * The official SDK's `RocketRideClient.normalizeUri`: a user-given address as `scheme://host[:port]`,
 * for display or for the HTTP routes (PROTOCOL.md §1.2 steps 1–2): trimmed, `http://` assumed without
 * a `scheme://` prefix, port 5565 added when none is given unless the host name contains
 * `rocketride.ai`. The scheme is kept as given (`wss://h` → `wss://h:5565`); path, query, fragment
 * and user info are dropped; a port that is the scheme's default is left out (`https://h:443` →
 * `https://h`), as the URL standard writes it. {@link normalizeUri} builds the WebSocket address.
 *
 * @throws ValidationError (`ERR_INVALID_URI`) for an address that is not a non-empty string or does not
 *   parse (the SDK returns such input unchanged).
 */
export function httpUri(input: unknown): string {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new ValidationError(`normalizeUri(): the engine URI must be a non-empty string (got ${typeof input === 'string' ? 'an empty string' : typeof input})`, {
      code: 'ERR_INVALID_URI',
    });
  }
  const { url, explicitPort } = parseAddress(input);
  if (url.port === '' && !explicitPort && !url.hostname.includes('rocketride.ai')) url.port = String(DEFAULT_PORT);
  return `${url.protocol}//${url.host}`;
}
