import { describe, expect, it } from 'vitest';
import { ValidationError } from '@rocketride-streams/core';
import { modeForMime, resolvePipeOptions } from './options.js';

describe('pipe options', () => {
  it('infers the mode from the MIME type', () => {
    expect(modeForMime('text/csv')).toBe('text');
    expect(modeForMime('text/plain; charset=utf-8')).toBe('text');
    expect(modeForMime('lane/text')).toBe('text');
    expect(modeForMime('lane/documents')).toBe('documents');
    expect(modeForMime('application/rocketride-question')).toBe('documents');
    expect(modeForMime('application/json')).toBe('bytes');
    expect(modeForMime('image/png')).toBe('bytes');
  });

  it('looks the MIME type up from the name, then falls back by mode', () => {
    expect(resolvePipeOptions({ name: 'dir/report.csv' }).mimeType).toBe('text/csv');
    expect(resolvePipeOptions({ name: 'blob' }).mimeType).toBe('application/octet-stream');
    // A bare name is not an extension: 'f' is not Fortran source, so not text mode either.
    expect(resolvePipeOptions({ name: 'f' })).toMatchObject({ mimeType: 'application/octet-stream', mode: 'bytes' });
    expect(resolvePipeOptions({ mode: 'text' }).mimeType).toBe('text/plain');
    expect(resolvePipeOptions({ mode: 'documents' }).mimeType).toBe('lane/documents');
    expect(resolvePipeOptions({ name: 'a.txt', mimeType: 'application/x-custom' }).mode).toBe('bytes');
  });

  it('puts name and size into objinfo without mutating the caller object', () => {
    const objinfo = { tag: 1 };
    const r = resolvePipeOptions({ objinfo, name: 'x.bin', size: 12 });
    expect(r.objinfo).toEqual({ tag: 1, name: 'x.bin', size: 12 });
    expect(objinfo).toEqual({ tag: 1 });
    expect(r.total).toBe(12);
  });

  it('refuses nonsensical options with a coded ValidationError', () => {
    const bad = [{ maxWriteBytes: 0 }, { highWaterMark: -1 }, { idleFlushMs: Number.NaN }, { mode: 'lines' as never }, { maxWriteBytes: 1.5 }];
    for (const options of bad) {
      expect(() => resolvePipeOptions(options)).toThrow(ValidationError);
      expect(() => resolvePipeOptions(options)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    }
  });
});
