/** One event of a streaming multipart/form-data parse. */
export type MultipartEvent =
  | { type: 'part'; name: string; filename: string | undefined; contentType: string | undefined }
  | { type: 'data'; chunk: Buffer }
  | { type: 'end-part' };

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

/** The `boundary` parameter of a multipart Content-Type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

function headerParam(value: string, param: string): string | undefined {
  const m = new RegExp(`;\\s*${param}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]+))`, 'i').exec(value);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
}

function parseHeaders(block: Buffer): MultipartEvent & { type: 'part' } {
  const headers = new Map<string, string>();
  for (const line of block.toString('utf8').split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  const disposition = headers.get('content-disposition') ?? '';
  return {
    type: 'part',
    name: headerParam(disposition, 'name') ?? '',
    filename: headerParam(disposition, 'filename'),
    contentType: headers.get('content-type'),
  };
}

/**
 * Parses a multipart/form-data body as it streams in. Only a bounded tail of the input is held while searching for
 * a delimiter, so a consumer that awaits each event applies backpressure to the source.
 */
export async function* parseMultipart(source: AsyncIterable<Buffer>, boundary: string): AsyncGenerator<MultipartEvent> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // Treat the body as if it started with CRLF, so the first boundary looks like every other one.
  let buf: Buffer = Buffer.from(CRLF);
  let state: 'preamble' | 'after-delimiter' | 'headers' | 'body' = 'preamble';
  const input = source[Symbol.asyncIterator]();
  let exhausted = false;

  const more = async (): Promise<boolean> => {
    if (exhausted) return false;
    const next = await input.next();
    if (next.done) {
      exhausted = true;
      return false;
    }
    buf = buf.length === 0 ? next.value : Buffer.concat([buf, next.value]);
    return true;
  };

  for (;;) {
    if (state === 'preamble') {
      const i = buf.indexOf(delimiter);
      if (i === -1) {
        buf = buf.subarray(Math.max(0, buf.length - delimiter.length));
        if (!(await more())) throw new Error('Multipart body has no boundary');
        continue;
      }
      buf = buf.subarray(i + delimiter.length);
      state = 'after-delimiter';
    } else if (state === 'after-delimiter') {
      if (buf.length < 2 && (await more())) continue;
      if (buf.length < 2) throw new Error('Multipart body ends inside a boundary');
      if (buf[0] === 0x2d && buf[1] === 0x2d) break;
      const eol = buf.indexOf(CRLF);
      if (eol === -1) {
        if (!(await more())) throw new Error('Multipart body ends inside a boundary');
        continue;
      }
      buf = buf.subarray(eol + 2);
      state = 'headers';
    } else if (state === 'headers') {
      const i = buf.indexOf(HEADER_END);
      // A part with no headers at all starts with the blank line directly.
      if (buf.length >= 2 && buf[0] === 0x0d && buf[1] === 0x0a) {
        yield parseHeaders(Buffer.alloc(0));
        buf = buf.subarray(2);
        state = 'body';
        continue;
      }
      if (i === -1) {
        if (buf.length > MAX_HEADER_BYTES) throw new Error('Multipart part headers are too large');
        if (!(await more())) throw new Error('Multipart body ends inside part headers');
        continue;
      }
      yield parseHeaders(buf.subarray(0, i));
      buf = buf.subarray(i + HEADER_END.length);
      state = 'body';
    } else {
      const i = buf.indexOf(delimiter);
      if (i !== -1) {
        if (i > 0) yield { type: 'data', chunk: buf.subarray(0, i) };
        yield { type: 'end-part' };
        buf = buf.subarray(i + delimiter.length);
        state = 'after-delimiter';
        continue;
      }
      const safe = buf.length - (delimiter.length - 1);
      if (safe > 0) {
        yield { type: 'data', chunk: buf.subarray(0, safe) };
        buf = buf.subarray(safe);
      }
      if (!(await more())) throw new Error('Multipart body ends inside a part');
    }
  }
  // Drain the epilogue.
  while (await more()) buf = Buffer.alloc(0);
}
