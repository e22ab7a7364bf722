// The modules `pnpm mutation` mutates in core, each with the tests that are written for it (a mutant
// is killed only by these, not by every socket test that happens to pass through the codec). The
// socket tests under test/ (their own package, as they need the simulator) run in the sandbox too:
// vitest.mutation.ts resolves @rocketride-streams/testing to its sources, which import the sandbox's
// (mutated) core.
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
    // The unit tests beside it, and the socket tests of the pipe commands that moved to test/ with
    // the core restructure (the pipe-* files drive open/write/close through DataPipe and PipeChannel,
    // which build their requests and read their answers with this module's functions).
    include: ['src/data/pipe-*.test.ts', 'test/data/pipe-*.test.ts', 'test/data/data-plane.test.ts'],
  },
  'pipe-channel': {
    mutate: ['src/data/pipe-channel.ts'],
    // Its own tests, and the socket tests of DataPipe (built on the channel): reconnect guard, commit
    // outcomes and timeouts, SSE open/close, a poisoned text pipe; one-shot-reconnect for the
    // connection guard `sameConnection` (send() checks it between its steps). Not pipe-arguments
    // (refused before a channel exists) nor pipe-open-unknown-task (pipeOpen alone).
    include: [
      'test/data/pipe-channel*.test.ts',
      'test/connection/one-shot-reconnect.test.ts',
      'test/data/data-pipe-reconnect.test.ts',
      'test/data/pipe-commit.test.ts',
      'test/data/pipe-sse.test.ts',
      'test/data/data-plane.test.ts',
    ],
  },
};
