// The modules `pnpm mutation` mutates in core, each with the tests that are written for it (a mutant
// is killed only by these, not by every socket test that happens to pass through the codec).
export const groups = {
  codec: {
    mutate: ['src/codec/*.ts', '!src/codec/*.test.ts'],
    include: ['src/codec/*.test.ts'],
  },
  pending: {
    mutate: ['src/transport/pending.ts'],
    include: ['src/transport/*.test.ts'],
  },
  'pipe-protocol': {
    mutate: ['src/data/pipe-protocol.ts'],
    include: ['src/data/*.test.ts'],
  },
};
