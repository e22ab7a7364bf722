/** One part of a hand-built `multipart/form-data` body (test data, so that a test can cut it anywhere). */
export type FormPart = { field: string; value: string } | { field: string; filename: string; type?: string; data: Uint8Array };

export const BOUNDARY = '----rocketride-test-boundary-7MA4YWxkTrZu0gW';
export const FORM_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

/** The bytes of one part: its delimiter, headers and content (without the line break that ends it). */
export function partBytes(part: FormPart): Buffer {
  const head =
    'filename' in part
      ? `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${part.field}"; filename="${part.filename}"\r\ncontent-type: ${part.type ?? 'application/octet-stream'}\r\n\r\n`
      : `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${part.field}"\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), 'filename' in part ? part.data : Buffer.from(part.value)]);
}

/** A whole form: every part, each followed by a line break, then the closing delimiter. */
export function formBody(parts: FormPart[]): Buffer {
  return Buffer.concat([...parts.flatMap((p) => [partBytes(p), Buffer.from('\r\n')]), Buffer.from(`--${BOUNDARY}--\r\n`)]);
}
