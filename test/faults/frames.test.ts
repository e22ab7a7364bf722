import fc from 'fast-check';
import { ECHO_PIPELINE, type Engine, startEngine } from '@rocketride-streams/testing';
import { RocketRide, events$, status$, task$ } from 'rocketride-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cases, type Check, checkCommitted, checkOutcome, crashes, eventually, SEEDS, settle, sha256 } from './support/invariants.js';
import { bytesFor } from './support/payload.js';
import { KEY, checkServes, closeBoth } from './support/session.js';

/**
 * Malformed frames of every shape, delivered mid-session: while a DataPipe with an `onSSE` callback
 * is open between two writes, while `events$`, `status$` and `task$` have subscribers, and (for
 * responses) while a request waits for the very answer that arrives broken.
 */
const CASES_PER_FAMILY = 6;
const FRAMES_PER_CASE = 4;

/** What the case knows of the live session, for frames aimed at it. */
interface Live {
  taskId: string;
  pipeId: number;
  projectId: string;
  source: string;
}

type Frame = { label: string; make: (live: Live) => { data: string | Buffer; binary: boolean } };

const text = (label: string, build: (live: Live) => unknown): Frame => ({
  label,
  make: (live) => {
    const v = build(live);
    return { data: typeof v === 'string' ? v : JSON.stringify(v), binary: false };
  },
});
const binary = (label: string, build: (live: Live) => Buffer): Frame => ({ label, make: (live) => ({ data: build(live), binary: true }) });

const EVENTS = [
  'apaext_account',
  'apaevt_sse',
  'apaevt_task',
  'apaevt_status_update',
  'apaevt_status_object',
  'apaevt_status_counts',
  'apaevt_flow',
  'apaevt_dashboard',
  'output',
  'apaevt_never_heard_of',
] as const;

/** Bodies of the wrong type or with wrongly typed fields. */
const badBody = fc.oneof(
  fc.constantFrom<unknown>(null, 0, 42, -1, 'text', '', true, false, [], [null], [1, 'a'], {}),
  fc.record({ tasks: fc.constantFrom<unknown>([null], 'x', 5, [{}], [{ action: 5 }], [null, { id: null }], null) }),
  fc.record({ pipe_id: fc.constantFrom<unknown>('0', null, -1, 1.5, {}), type: fc.constantFrom<unknown>(5, null, ''), data: fc.constantFrom<unknown>(null, 'x', []) }),
  fc.record({ state: fc.constantFrom<unknown>('3', null, {}), completed: fc.constantFrom<unknown>('yes', null), project_id: fc.constantFrom<unknown>(5, null) }),
  fc.record({ __id: fc.constantFrom<unknown>(null, 5, {}, []), action: fc.constantFrom<unknown>(null, 7, 'end') }),
);

/** Frames aimed at the live task and pipe: the routing keys are right, the payload is not. */
const aimedBody = fc.record({
  pipe_id: fc.constantFrom<unknown>('pipe', null, 0.5),
  type: fc.constantFrom<unknown>(null, 5, 'thinking', 'answer', {}),
  data: fc.constantFrom<unknown>(null, 'text', 5, [], { answer: null }),
  aim: fc.boolean(),
});

function nestedArray(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}
function nestedObject(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const families: Record<string, fc.Arbitrary<Frame>> = {
  'null-and-wrong-bodies': fc
    .tuple(fc.constantFrom(...EVENTS), badBody)
    .map(([event, body]) => text(`${event} body ${JSON.stringify(body)}`, (live) => ({ type: 'event', seq: 1, event, body: addId(body, live) }))),
  'aimed-at-the-open-pipe': fc.tuple(fc.constantFrom('apaevt_sse', 'apaevt_task', 'apaevt_status_update'), aimedBody).map(([event, b]) =>
    text(`${event} aimed ${JSON.stringify(b)}`, (live) => ({
      type: 'event',
      seq: 2,
      event,
      body: { __id: live.taskId, project_id: live.projectId, source: live.source, pipe_id: b.aim ? live.pipeId : b.pipe_id, type: b.type, data: b.data, tasks: b.data },
    })),
  ),
  'wrong-envelope-types': fc
    .record({
      type: fc.constantFrom<unknown>('event', 'response', 'request', 5, null, undefined, ''),
      seq: fc.constantFrom<unknown>(1, '1', null, -5, 1e20, undefined),
      event: fc.constantFrom<unknown>('apaevt_task', 5, null, undefined, {}),
      request_seq: fc.constantFrom<unknown>(999_999, '1', null, undefined, -1),
      success: fc.constantFrom<unknown>(true, 'yes', null, undefined, 0),
      command: fc.constantFrom<unknown>('rrext_ping', 42, null, undefined),
      body: badBody,
    })
    .map((m) => text(`envelope ${JSON.stringify(m)}`, () => m)),
  'not-json-or-not-objects': fc
    .constantFrom('', ' ', 'null', '"str"', '123', 'true', '[1,2,3]', '{', '{"type":"event",', '}{', 'NaN', '\u0000', '{"type":"event"}\n{"type":"event"}')
    .map((s) => text(`text ${JSON.stringify(s)}`, () => s)),
  'huge-and-deep-json': fc
    .oneof(
      fc.integer({ min: 1_000, max: 30_000 }).map((d) => text(`array nested ${d} deep`, () => `{"type":"event","seq":3,"event":"apaevt_task","body":${nestedArray(d)}}`)),
      fc.integer({ min: 1_000, max: 30_000 }).map((d) => text(`object nested ${d} deep`, () => `{"type":"event","seq":3,"event":"apaevt_sse","body":${nestedObject(d)}}`)),
      fc.integer({ min: 1, max: 6 }).map((mb) => text(`${mb} MiB string body`, () => ({ type: 'event', seq: 4, event: 'apaevt_status_update', body: { status: 'x'.repeat(mb * 1024 * 1024) } }))),
      fc.integer({ min: 10_000, max: 200_000 }).map((n) => text(`tasks array of ${n}`, () => ({ type: 'event', seq: 5, event: 'apaevt_task', body: { action: 'running', tasks: Array.from({ length: n }, () => null) } }))),
    ),
  'prototype-keys': fc
    .tuple(fc.constantFrom('apaevt_task', 'apaevt_sse', 'apaevt_status_update', 'apaext_account'), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'))
    .map(([event, key]) =>
      text(`${event} with ${key} keys`, (live) =>
        `{"type":"event","seq":6,"event":"${event}","${key}":{"polluted":1},"body":{"${key}":{"polluted":1,"prototype":{"polluted":1}},"__id":"${live.taskId}","pipe_id":${live.pipeId},"type":"answer","data":{"${key}":{"polluted":1}},"tasks":[{"${key}":{"polluted":1}}]}}`,
      ),
    ),
  'binary-bad-headers': fc
    .constantFrom(
      { l: 'no newline, not JSON', b: () => Buffer.from('garbage without newline') },
      { l: 'empty', b: () => Buffer.alloc(0) },
      { l: 'newline only', b: () => Buffer.from([0x0a]) },
      { l: 'header null', b: () => Buffer.from('null\npayload') },
      { l: 'header array', b: () => Buffer.from('[1,2]\npayload') },
      { l: 'arguments null', b: () => Buffer.from('{"type":"event","seq":7,"event":"apaevt_sse","arguments":null}\npayload') },
      { l: 'arguments not object', b: () => Buffer.from('{"type":"response","seq":7,"request_seq":999999,"success":true,"arguments":5}\n\u0001') },
      { l: 'body null', b: () => Buffer.from('{"type":"event","seq":7,"event":"apaext_account","body":null}\n') },
      { l: 'invalid UTF-8 header', b: () => Buffer.concat([Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from('\npayload')]) },
      { l: 'huge header without newline', b: () => Buffer.from(`{"type":"event","seq":8,"event":"output","body":{"output":"${'y'.repeat(2 * 1024 * 1024)}"}}`) },
      { l: 'huge header before newline', b: () => Buffer.from(`{"pad":"${'z'.repeat(1024 * 1024)}"}\nx`) },
    )
    .map((v) => binary(`binary ${v.l}`, v.b)),
};

/** Every event name with every body of the wrong type (a grid, whatever the random draws cover). */
const GRID_BODIES: unknown[] = [
  null,
  0,
  'text',
  true,
  [],
  [null],
  {},
  { action: 'running', tasks: [null] },
  { action: 'running', tasks: 'x' },
  { action: 'begin', tasks: [{}] },
  { pipe_id: 'x', type: 5, data: null },
];
const gridFrames = (event: string): Frame[] =>
  GRID_BODIES.map((body) => text(`${event} body ${JSON.stringify(body)}`, (live) => ({ type: 'event', seq: 1, event, body: addId(body, live) })));

/** Gives a body the live task's `__id` when it is an object without one (so it routes to the task). */
function addId(body: unknown, live: Live): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || '__id' in body) return body;
  return { ...body, __id: live.taskId };
}

/** Broken answers to a request that is waiting for them. */
const badAnswers = fc.record({
  success: fc.constantFrom<unknown>(true, false, 'yes', null, undefined),
  body: badBody,
  message: fc.constantFrom<unknown>(undefined, null, 5, 'x'.repeat(100_000)),
  type: fc.constantFrom<unknown>('response', 'event', null),
});

const cases = new Cases('frames');
beforeAll(() => crashes.install());
afterAll(() => {
  crashes.uninstall();
  console.log(cases.summary());
});

interface Watch {
  name: string;
  errors: unknown[];
}

async function runCase(frames: Frame[], index: number, check: Check): Promise<void> {
  const engine: Engine = await startEngine({ apiKey: KEY });
  const client = new RocketRide({ uri: engine.uri, auth: KEY, env: {}, requestTimeout: 1_500 });
  const subs: { unsubscribe(): void }[] = [];
  client.on('protocolError', (error) => check.coded(error, "'protocolError'"));
  try {
    await client.connect();
    const use = await client.use({ pipeline: ECHO_PIPELINE });
    const { token } = use;
    // rx subscribers of every kind, active through the frames.
    const watches: Watch[] = [];
    const watch = (name: string, o: { subscribe: (s: { error: (e: unknown) => void }) => { unsubscribe(): void } }) => {
      const w: Watch = { name, errors: [] };
      watches.push(w);
      subs.push(o.subscribe({ error: (e) => w.errors.push(e) }));
    };
    watch('events$', events$(client, { token, types: ['SUMMARY', 'TASK', 'SSE', 'DETAIL', 'OUTPUT'] }));
    watch('status$', status$(client, token));
    watch('task$', task$(client, token));
    watch('events$ *', events$(client, { token: '*', types: ['DASHBOARD'] }));
    const name = `frames-${index}.bin`;
    const data = bytesFor(index, 20_000, false);
    const source = sha256(data);
    const sse: unknown[] = [];
    const pipe = client.openPipe(token, { name }, 'application/octet-stream', { onSSE: (type, body) => void sse.push([type, body]) });
    await pipe.open();
    await pipe.write(data.subarray(0, 10_000));
    const live: Live = { taskId: use.id ?? '', pipeId: pipe.pipeId ?? 0, projectId: ECHO_PIPELINE.project_id as string, source: use.source ?? 'webhook_1' };
    for (const f of frames) {
      const { data: frame, binary } = f.make(live);
      engine.faults.sendFrame(frame, { binary });
    }
    // The frames went out before the rest of the object: its next write and close come after them.
    const rest = await settle(pipe.write(data.subarray(10_000)));
    check.settledCoded(rest, 'write after the frames');
    const closed = await settle(pipe.close());
    checkOutcome(engine, name, source, closed, check);
    check(closed.status === 'resolved', 'the open pipe is committed after the frames', closed.status === 'rejected' ? String((closed.error as Error).message) : closed.status);
    checkCommitted(engine, new Map([[name, source]]), check);
    for (const w of watches) for (const e of w.errors) check.coded(e, `${w.name} error`);
    check(({} as Record<string, unknown>).polluted === undefined, 'Object.prototype stays intact', 'polluted');
    if (!(await checkServes(client, check, false))) return; // wedged: the rest would only time out
    // The event path still works: a new status$ subscriber gets the task's status.
    let got = false;
    subs.push(status$(client, token).subscribe({ next: () => (got = true), error: () => {} }));
    check(await eventually(() => got, 3_000), 'events still flow after the frames', 'no status on a new status$');
  } finally {
    for (const s of subs) s.unsubscribe();
    await closeBoth(client, engine);
  }
}

/** A request waits for its answer; the answer arrives broken. */
async function runAnswerCase(answer: Record<string, unknown>, index: number, check: Check): Promise<void> {
  const engine: Engine = await startEngine({ apiKey: KEY });
  // No request timeout: an answer that is recognisably a response (type "response", its request_seq)
  // must settle the request by itself. Other frames are not its answer, and the caller gives up.
  const client = new RocketRide({ uri: engine.uri, auth: KEY, env: {} });
  const signal = answer.type === 'response' ? undefined : AbortSignal.timeout(600);
  client.on('protocolError', (error) => check.coded(error, "'protocolError'"));
  try {
    await client.connect();
    const { token } = await client.use({ pipeline: ECHO_PIPELINE });
    const commands = ['rrext_ping', 'rrext_get_task_status', 'rrext_process:open', 'rrext_services'] as const;
    const command = commands[index % commands.length]!;
    engine.faults.withholdResponse(command, { times: 1 });
    const call =
      command === 'rrext_ping'
        ? client.ping({ signal })
        : command === 'rrext_get_task_status'
          ? client.getTaskStatus(token, { signal })
          : command === 'rrext_services'
            ? client.getServices({ signal })
            : client.openPipe(token, { name: `answer-${index}` }, 'text/plain').open({ signal });
    const outcome = settle<unknown>(call);
    await eventually(() => engine.requests().some((r) => `${String(r.command)}${r.arguments.subcommand ? `:${String(r.arguments.subcommand)}` : ''}` === command));
    const req = engine.requests().filter((r) => `${String(r.command)}${r.arguments.subcommand ? `:${String(r.arguments.subcommand)}` : ''}` === command).at(-1)!;
    engine.faults.sendFrame(JSON.stringify({ seq: 9, request_seq: req.seq, command: command.split(':')[0], ...answer }), { binary: false });
    const o = await outcome;
    check.settledCoded(o, `${command} answered ${JSON.stringify(answer).slice(0, 120)}`);
    await checkServes(client, check, false);
  } finally {
    await closeBoth(client, engine);
  }
}

describe('fault suite: malformed frames mid-session', () => {
  for (const [family, arb] of Object.entries(families)) {
    const draws = fc.sample(fc.array(arb, { minLength: FRAMES_PER_CASE, maxLength: FRAMES_PER_CASE }), {
      seed: SEEDS.frames + family.length,
      numRuns: CASES_PER_FAMILY,
    });
    it(`${family}: ${CASES_PER_FAMILY * FRAMES_PER_CASE} frames with an SSE pipe open and rx subscribers active`, { timeout: 120_000 }, async () => {
      for (const [i, frames] of draws.entries()) {
        await cases.run(family, `#${i} [${frames.map((f) => f.label.slice(0, 140)).join(' | ')}]`, (check) => runCase(frames, i, check));
      }
      expect(cases.of(family)).toEqual([]);
    });
  }

  it(`every event name with each of ${GRID_BODIES.length} wrongly typed bodies (${EVENTS.length} sessions)`, { timeout: 120_000 }, async () => {
    for (const [i, event] of EVENTS.entries()) {
      await cases.run('event-body-grid', event, (check) => runCase(gridFrames(event), 500 + i, check));
    }
    expect(cases.of('event-body-grid')).toEqual([]);
  });

  const answers = fc.sample(badAnswers, { seed: SEEDS.frames, numRuns: 12 });
  it('broken answers to a waiting request: it settles with a coded error or a value, and the connection stays', { timeout: 120_000 }, async () => {
    for (const [i, a] of answers.entries()) {
      await cases.run('broken-answers', `#${i} ${JSON.stringify(a).slice(0, 160)}`, (check) => runAnswerCase(a as Record<string, unknown>, i, check));
    }
    expect(cases.of('broken-answers')).toEqual([]);
  });
});
