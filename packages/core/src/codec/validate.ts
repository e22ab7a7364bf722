import { ProtocolError } from '../errors/protocol-error.js';
import type { DAPMessage } from './types.js';

export type ValidationResult = { ok: true; message: DAPMessage } | { ok: false; error: ProtocolError };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function invalid(message: string): ValidationResult {
  return { ok: false, error: new ProtocolError(message, { code: 'ERR_FRAME_INVALID' }) };
}

/** Accepts any JSON object as a message, without checking its fields. */
export function requireObject(value: unknown): ValidationResult {
  if (!isObject(value)) return { ok: false, error: new ProtocolError('Frame is not a JSON object', { code: 'ERR_FRAME_NOT_OBJECT' }) };
  return { ok: true, message: value as unknown as DAPMessage };
}

/** A short, safe description of a value of any shape (never serialises it whole). */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/**
 * Checks that a parsed JSON value is a well-formed DAP message. Only the fields
 * correlation and dispatch rely on are checked; unknown extra fields are kept.
 *
 * `body` and `arguments` are normalised: a JSON `null` (how Python serialises an unset field) is
 * removed, so after validation each is either absent or a plain object and consumers need no null check.
 */
export function validateMessage(value: unknown): ValidationResult {
  const base = requireObject(value);
  if (!base.ok) return base;
  const v = value as Record<string, unknown>;
  if (v.body === null) delete v.body;
  if (v.arguments === null) delete v.arguments;
  if (v.body !== undefined && !isObject(v.body)) return invalid('"body" must be an object');
  if (v.arguments !== undefined && !isObject(v.arguments)) return invalid('"arguments" must be an object');
  switch (v.type) {
    case 'request':
      if (v.seq !== undefined && v.seq !== null && !isInt(v.seq)) return invalid('request "seq" must be an integer');
      if (v.command !== undefined && v.command !== null && typeof v.command !== 'string') return invalid('request "command" must be a string');
      break;
    case 'response':
      if (!isInt(v.seq)) return invalid('response "seq" must be an integer');
      if (v.request_seq !== null && !isInt(v.request_seq)) return invalid('response "request_seq" must be an integer or null');
      if (typeof v.success !== 'boolean') return invalid('response "success" must be a boolean');
      if (v.command !== undefined && v.command !== null && typeof v.command !== 'string') return invalid('response "command" must be a string');
      if (v.message !== undefined && v.message !== null && typeof v.message !== 'string') return invalid('response "message" must be a string');
      break;
    case 'event':
      if (!isInt(v.seq)) return invalid('event "seq" must be an integer');
      if (typeof v.event !== 'string') return invalid('event "event" must be a string');
      break;
    default:
      return invalid(`unknown message type ${describe(v.type)}`);
  }
  return { ok: true, message: v as unknown as DAPMessage };
}
