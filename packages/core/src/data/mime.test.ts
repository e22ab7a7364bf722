import { describe, expect, it } from 'vitest';
import { lookupMimeType, mimeTypeOf } from './mime.js';

describe('MIME type from a name', () => {
  it('uses the extension only', () => {
    expect(mimeTypeOf('report.csv')).toBe('text/csv');
    expect(mimeTypeOf('dir.v2/archive.tar.gz')).toBe('application/gzip');
    expect(lookupMimeType('photo.PNG')).toBe('image/png');
  });

  it('gives a bare name no type, even one that looks like an extension (f, c, js, txt)', () => {
    for (const name of ['f', 'c', 'js', 'txt', 'data', 'dir.d/f', '.env']) expect(lookupMimeType(name)).toBeUndefined();
    expect(mimeTypeOf('c')).toBe('application/octet-stream');
    expect(mimeTypeOf(undefined)).toBe('application/octet-stream');
  });
});
