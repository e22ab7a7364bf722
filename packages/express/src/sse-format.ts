/**
 * One Server-Sent Events message: `id:` line (when given), `event:` line (when named), one `data:`
 * line per line of `data`, a blank line.
 */
export function sseMessage(event: string | undefined, data: string, id?: string): string {
  let out = id === undefined ? '' : `id: ${id.replace(/[\r\n\0]+/g, '')}\n`;
  if (event) out += `event: ${event.replace(/[\r\n]+/g, ' ')}\n`;
  for (const line of data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** An SSE comment line (ignored by `EventSource`, keeps proxies from timing the connection out). */
export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/** The `retry:` field: how long the browser's `EventSource` waits before it reconnects, in ms. */
export function sseRetry(ms: number): string {
  return `retry: ${Math.floor(ms)}\n\n`;
}
