import { subprocessFailure } from '../failure.js';
import { isObject } from '../util.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes one write as UTF-8 on its own, failing like Python's codec when it is not valid. */
export function decodeUtf8(data: Buffer | string): string {
  if (typeof data === 'string') {
    throw subprocessFailure("a bytes-like object is required, not 'str'", 210);
  }
  try {
    return strictUtf8.decode(data);
  } catch {
    throw subprocessFailure(`'utf-8' codec can't decode the ${data.length}-byte chunk: invalid or truncated UTF-8`, 214);
  }
}

/** Parses one write as a single JSON document. */
export function parseJsonChunk(data: Buffer | string, what: string): unknown {
  const text = decodeUtf8(data);
  try {
    return JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw subprocessFailure(`1 validation error for ${what}: Invalid JSON: ${reason}`, 231);
  }
}

/** One JSON object of the given model name; arrays and scalars fail validation. */
export function parseJsonObject(data: Buffer | string, what: string): Record<string, unknown> {
  const value = parseJsonChunk(data, what);
  if (!isObject(value)) {
    throw subprocessFailure(`1 validation error for ${what}: Input should be a valid dictionary or instance of ${what}`, 233);
  }
  return value;
}

/** A Question: an object whose `questions`, when present, is a list of `{text}` objects. */
export function parseQuestion(data: Buffer | string): Record<string, unknown> {
  const q = parseJsonObject(data, 'Question');
  const list = q.questions;
  if (list !== undefined && list !== null) {
    if (!Array.isArray(list) || !list.every((e) => isObject(e) && (e.text === undefined || typeof e.text === 'string'))) {
      throw subprocessFailure('1 validation error for Question: questions: Input should be a valid list of QuestionText', 240);
    }
  }
  return q;
}

/** One Doc or an array of Docs. */
export function parseDocuments(data: Buffer | string): Record<string, unknown>[] {
  const value = parseJsonChunk(data, 'Doc');
  const docs = Array.isArray(value) ? value : [value];
  if (!docs.every(isObject)) {
    throw subprocessFailure('1 validation error for Doc: Input should be a valid dictionary or instance of Doc', 250);
  }
  return docs as Record<string, unknown>[];
}
