import { Readable } from 'node:stream';
import fc from 'fast-check';
import { RocketRide } from 'rocketride-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cases, type Check, checkCommitted, checkOutcome, crashes, eventually, SEEDS, settle, sha256, sleep } from './support/invariants.js';
import { bytesFor, chunksOf } from './support/payload.js';
import { checkServes, openSession, type Session } from './support/session.js';

/**
 * Random aborts and destroys at every phase of a pipe: before open, open in flight, write in flight,
 * between writes, close in flight. The engine's answer to the phase's request is delayed so the
 * window is wide; the abort comes once the engine has the request (or between two acknowledged
 * writes, or before anything was sent).
 */
const RUNS = 70;
const PHASES = ['before-open', 'open-in-flight', 'write-in-flight', 'between-writes', 'close-in-flight'] as const;
type Phase = (typeof PHASES)[number];
const HOWS = {
  datapipe: ['signal', 'dispose', 'disconnect'],
  pipe: ['signal', 'destroy', 'disconnect'],
  web: ['writer-abort', 'signal', 'disconnect'],
  upload: ['signal', 'disconnect'],
  send: ['signal', 'disconnect'],
} as const;
type Api = keyof typeof HOWS;

interface Case {
  api: Api;
  phase: Phase;
  how: string;
  size: number;
  chunks: number;
  delayMs: number;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    api: fc.constantFrom(...(Object.keys(HOWS) as Api[])),
    phase: fc.constantFrom(...PHASES),
    pick: fc.nat(),
    size: fc.integer({ min: 2, max: 60_000 }),
    chunks: fc.integer({ min: 2, max: 6 }),
    delayMs: fc.integer({ min: 60, max: 200 }),
  })
  .map(({ pick, ...c }) => ({ ...c, how: HOWS[c.api][pick % HOWS[c.api].length]! }));

const cases = new Cases('aborts');
beforeAll(() => crashes.install());
afterAll(() => {
  crashes.uninstall();
  console.log(cases.summary());
});

const DELAYED: Partial<Record<Phase, string>> = {
  'open-in-flight': 'rrext_process:open',
  'write-in-flight': 'rrext_process:write',
  'close-in-flight': 'rrext_process:close',
};

/** The engine has received `n` requests of `subcommand`. */
const received = (s: Session, subcommand: string, n = 1) => () =>
  s.engine.requests().filter((r) => r.command === 'rrext_process' && r.arguments.subcommand === subcommand).length >= n;

async function runCase(c: Case, index: number, check: Check): Promise<void> {
  const s = await openSession({}, {}, (o) => new RocketRide(o));
  const client = s.client as RocketRide;
  try {
    const name = `abort-${index}.bin`;
    const data = bytesFor(index, c.size, false);
    const source = sha256(data);
    const parts = chunksOf(data, Math.ceil(data.length / c.chunks));
    const sub = DELAYED[c.phase];
    if (sub) s.engine.faults.delayResponse(sub, c.delayMs);
    const ac = new AbortController();
    if (c.phase === 'before-open' && c.how === 'signal') ac.abort();
    const mimeType = 'application/octet-stream';
    // Between writes: the source holds its next chunk until the abort happened.
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const gated = () =>
      Readable.from(
        (async function* () {
          for (const [i, p] of parts.entries()) {
            if (i === 1 && c.phase === 'between-writes') await gate;
            yield p;
          }
        })(),
      );

    let act: () => unknown = () => ac.abort();
    let outcome: Promise<unknown>;
    switch (c.api) {
      case 'datapipe': {
        const pipe = client.openPipe(s.token, { name, size: data.length }, mimeType);
        const o = { signal: ac.signal };
        if (c.how === 'dispose') act = () => pipe[Symbol.asyncDispose]();
        outcome = (async () => {
          await pipe.open(o);
          for (const [i, p] of parts.entries()) {
            if (i === 1 && c.phase === 'between-writes') await gate;
            await pipe.write(p, o);
          }
          return pipe.close(o);
        })();
        break;
      }
      case 'pipe': {
        const sink = client.pipe(s.token, { name, mimeType, size: data.length, maxWriteBytes: parts[0]!.length, signal: ac.signal });
        // destroy() without an error must not emit 'error' (nothing listens then); an abort or a lost
        // connection fails the stream, which a user of pipe() listens for (as pipeline() does).
        if (c.how === 'destroy') act = () => sink.destroy();
        else sink.on('error', (e) => check.coded(e, "the pipe's 'error'"));
        gated().pipe(sink);
        outcome = sink.result;
        break;
      }
      case 'web': {
        const w = client.writable(s.token, { name, mimeType, size: data.length, maxWriteBytes: parts[0]!.length, signal: ac.signal });
        const writer = w.getWriter();
        if (c.how === 'writer-abort') act = () => writer.abort();
        // The writer's own promises reject with the abort reason (WHATWG streams); the library's
        // answer is `result`.
        void (async () => {
          for (const [i, p] of parts.entries()) {
            if (i === 1 && c.phase === 'between-writes') await gate;
            await writer.write(p);
          }
          await writer.close();
        })().catch(() => {});
        outcome = w.result;
        break;
      }
      case 'upload':
        outcome = client.upload(s.token, gated(), { name, mimeType, size: data.length, maxWriteBytes: parts[0]!.length, signal: ac.signal });
        break;
      case 'send':
        outcome = client.send(s.token, data, { name }, mimeType, { signal: ac.signal });
        break;
    }
    if (c.how === 'disconnect') act = () => client.disconnect();
    outcome.catch(() => {});

    // Wait for the phase, then abort.
    let reached = true;
    switch (c.phase) {
      case 'before-open':
        break;
      case 'open-in-flight':
        reached = await eventually(received(s, 'open'));
        break;
      case 'write-in-flight':
        reached = await eventually(received(s, 'write'));
        break;
      case 'between-writes':
        // One write acknowledged (the engine applied it), the next one held back by the source.
        reached = c.api === 'send' || (await eventually(() => (s.engine.pipes().find((p) => p.object.name === name)?.writes ?? 0) >= 1));
        await sleep(5);
        break;
      case 'close-in-flight':
        reached = await eventually(received(s, 'close'));
        break;
    }
    check(reached, 'the case reaches its phase', c.phase);
    const acted = await settle(Promise.resolve().then(act));
    check.settledCoded(acted, `${c.how} itself`);
    release();
    const settled = await settle(outcome);
    checkOutcome(s.engine, name, source, settled, check);
    if (c.phase !== 'close-in-flight' && c.phase !== 'between-writes' && !(c.api === 'send' && c.phase === 'write-in-flight')) {
      // Aborted before the close could be sent: it must fail, and nothing may be committed.
      check(settled.status === 'rejected', 'an upload aborted before its close fails', settled.status);
      check(s.engine.pipes().every((p) => p.object.name !== name || p.state !== 'closed'), 'no close for a truncated object', name);
    }
    checkCommitted(s.engine, new Map([[name, source]]), check);
    s.engine.faults.reset();
    if (!(await checkServes(client, check, false))) return;
    const again = `${name}.again`;
    const after = await settle(client.send(s.token, data, { name: again }, mimeType));
    check(after.status === 'resolved', 'the connection carries a whole object afterwards', after.status);
    checkOutcome(s.engine, again, source, after, check);
  } finally {
    await s.close();
  }
}

describe('fault suite: aborts and destroys at every phase of a pipe', () => {
  const all = fc.sample(caseArb, { seed: SEEDS.aborts, numRuns: RUNS });
  // Every (api, phase, how) at least once, then the random draws.
  const grid: Case[] = (Object.keys(HOWS) as Api[]).flatMap((api) =>
    PHASES.flatMap((phase) => HOWS[api].map((how) => ({ api, phase, how, size: 30_000, chunks: 3, delayMs: 120 }))),
  );

  it(`every api × phase × way of aborting (${grid.length} cases)`, { timeout: 120_000 }, async () => {
    for (const [i, c] of grid.entries()) {
      await cases.run('grid', `${c.api} ${c.phase} ${c.how}`, (check) => runCase(c, 2000 + i, check));
    }
    expect(cases.of('grid')).toEqual([]);
  });

  it(`${RUNS} random aborts (sizes, chunking, delays)`, { timeout: 120_000 }, async () => {
    for (const [i, c] of all.entries()) {
      await cases.run('random', `#${i} ${c.api} ${c.phase} ${c.how} ${c.size} B in ${c.chunks} ${c.delayMs} ms`, (check) => runCase(c, i, check));
    }
    expect(cases.of('random')).toEqual([]);
  });
});
