// The modules `pnpm mutation` mutates in streams, each with the tests that are written for it. The
// memory test is never included: it needs --expose-gc and samples the heap.
const pipeTests = [
  'src/pipe-writable.test.ts',
  'src/close-in-flight.test.ts',
  'src/destroy-before-open.test.ts',
  'src/modes.test.ts',
  'src/text-bounds.test.ts',
  'src/text-cut.test.ts',
  'src/write-timeout.test.ts',
  'src/web-writable.test.ts',
  'src/session*.test.ts',
];
export const groups = {
  utf8: { mutate: ['src/utf8.ts'], include: ['src/utf8.test.ts'] },
  'byte-queue': { mutate: ['src/byte-queue.ts'], include: ['src/byte-queue.test.ts'] },
  session: { mutate: ['src/session.ts'], include: pipeTests },
  'pipe-writable': { mutate: ['src/pipe-writable.ts'], include: [...pipeTests, 'src/pipe-writable-errors.test.ts', 'src/pipe-writable-calls.test.ts', 'src/pipe-writable-drain.test.ts', 'src/backpressure*.test.ts'] },
};
