/** One Server-Sent Events message: `event:` line (when named), one `data:` line per line of `data`, a blank line. */
export function sseMessage(event: string | undefined, data: string): string {
  let out = event ? `event: ${event.replace(/[\r\n]+/g, ' ')}\n` : '';
  for (const line of data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** An SSE comment line (ignored by `EventSource`, keeps proxies from timing the connection out). */
export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}
