import { describe } from '../config/validate.js';
import { ValidationError } from '../errors/validation-error.js';

/**
 * The authorization-code form of a credential (OAuth PKCE): what a login page redirected back with,
 * the verifier the login started with, and the redirect URI it used. The engine takes it as
 * `cd_<base64(JSON {code, verifier, redirectUri})>` (PROTOCOL.md §2.1); only a SaaS engine can
 * exchange it, an OSS engine treats it as any other credential. `code` and `verifier` are secrets.
 */
export interface PkceCredential {
  code: string;
  verifier: string;
  redirectUri: string;
}

/** What `connect()` and `login()` take: an API key or token, or a PKCE code. */
export type Credential = string | PkceCredential;

const PKCE_FIELDS = ['code', 'verifier', 'redirectUri'] as const;

/** The `cd_` credential for a PKCE code: base64 of the UTF-8 JSON `{code, verifier, redirectUri}`, in that order. */
export function encodePkceCredential(pkce: PkceCredential): string {
  const json = JSON.stringify({ code: pkce.code, verifier: pkce.verifier, redirectUri: pkce.redirectUri });
  return `cd_${Buffer.from(json, 'utf8').toString('base64')}`;
}

/**
 * Checks a `connect()`/`login()` credential argument and returns it as the string to send (a PKCE
 * object encoded), or the coded error to reject with. Messages name the field and the kind of value,
 * never a value: every part but `redirectUri` is a secret.
 */
export function credentialArgument(credential: unknown, method: string): string | undefined | ValidationError {
  if (credential === undefined || typeof credential === 'string') return credential;
  const invalid = (detail: string) => new ValidationError(`${method}: ${detail}`, { code: 'ERR_INVALID_ARGUMENT' });
  if (typeof credential !== 'object' || credential === null || Array.isArray(credential)) {
    return invalid(`credential must be a string or { code, verifier, redirectUri } (got ${describe(credential)})`);
  }
  const fields = credential as Record<string, unknown>;
  for (const name of PKCE_FIELDS) {
    const value = fields[name];
    if (typeof value !== 'string' || value.trim() === '') {
      return invalid(`a PKCE credential needs ${name} as a non-empty string (${value === undefined ? 'missing' : `got ${describe(value)}`})`);
    }
  }
  return encodePkceCredential(fields as unknown as PkceCredential);
}
