/** Longest serialised error value put into a message. */
const MAX_TEXT = 2000;

/**
 * The message of a pipeline's `error` value (close result, PROTOCOL.md §12.2), whatever its shape:
 * its `message` when that is a string, else its JSON text, cut to 2,000 characters. Never throws: a
 * value nested too deeply to serialise (or otherwise unserialisable) is described instead.
 */
export function failureText(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  if (typeof message === 'string') return message;
  let text: string | undefined;
  try {
    text = JSON.stringify(error);
  } catch {
    return `an error value that cannot be serialised (${Array.isArray(error) ? 'array' : typeof error}, e.g. nested too deeply)`;
  }
  if (text === undefined) return typeof error;
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
