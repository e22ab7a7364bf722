/** `1.5 MiB`, `12 B`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** An error as plain JSON: name, stable code and message (and the engine's own message when there is one). */
export function errorJson(err: unknown): { name: string; code?: string; message: string; serverMessage?: string } {
  const e = err as { name?: unknown; code?: unknown; message?: unknown; serverMessage?: unknown } | undefined;
  const out: { name: string; code?: string; message: string; serverMessage?: string } = {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(err),
  };
  if (typeof e?.code === 'string') out.code = e.code;
  if (typeof e?.serverMessage === 'string') out.serverMessage = e.serverMessage;
  return out;
}

/** One line for a failure on stderr: `message (CODE)`. */
export function describeError(err: unknown): string {
  const { message, code } = errorJson(err);
  return code ? `${message} (${code})` : message;
}
