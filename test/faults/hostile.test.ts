import { WebSocket } from 'ws';
import fc from 'fast-check';
import { ECHO_PIPELINE, type Engine, type MalformedKind, startEngine } from '@rocketride-streams/testing';
import { RocketRide } from 'rocketride-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cases, type Check, checkCommitted, checkOutcome, crashes, SEEDS, settle, sha256, sleep } from './support/invariants.js';
import { bytesFor, UPLOAD_APIS, type UploadApi, uploadVia } from './support/payload.js';
import { type HostileAction, type HostileProxy, startHostileProxy } from './support/proxy.js';
import { KEY, checkServes, closeBoth } from './support/session.js';

/**
 * A hostile server cuts, stalls, refuses or garbles at a random point of a stream. The simulator's
 * fault injection does what it can (cut after N frames or bytes, withhold or delay a response, stall
 * `open`, push malformed frames, fail the pipeline, refuse upgrades); a WebSocket proxy in front of it
 * does the rest (cut, close, stall, drop or garble the N-th frame either way). Every case uploads
 * one object through one of the public APIs and checks the invariants of the fault suite.
 */
const RUNS = 60;
/** Bounds every request of a case, so a stalled or swallowed answer fails in time. */
const REQUEST_TIMEOUT = 1_000;

const GARBLES = ['null-body', 'success-string', 'no-request-seq', 'truncated', 'binary-bad-header', 'nested-error', 'wrong-request-seq', 'array'] as const;
type Garble = (typeof GARBLES)[number];

/** `{"error":{"error":…{"message":"deep"}…}}` as JSON text (JSON.stringify itself overflows the stack at this depth). */
function nestedJson(depth: number): string {
  return `${'{"error":'.repeat(depth)}{"message":"deep"}${'}'.repeat(depth)}`;
}

/** Replaces a server frame with a broken version of itself. */
function garbler(kind: Garble): Extract<HostileAction, { kind: 'garble' }>['garble'] {
  return (frame, binary) => {
    let msg: Record<string, unknown> = {};
    try {
      msg = binary ? {} : (JSON.parse(frame.toString('utf8')) as Record<string, unknown>);
    } catch {
      // keep {}
    }
    switch (kind) {
      case 'null-body':
        return { data: JSON.stringify({ ...msg, body: null }), binary: false };
      case 'success-string':
        return { data: JSON.stringify({ ...msg, success: 'yes' }), binary: false };
      case 'no-request-seq': {
        const { request_seq: _dropped, ...rest } = msg;
        return { data: JSON.stringify(rest), binary: false };
      }
      case 'truncated':
        return { data: frame.toString('utf8').slice(0, Math.max(1, frame.length >> 1)), binary: false };
      case 'binary-bad-header':
        return { data: Buffer.concat([Buffer.from('{"type":"response","arguments":null,'), Buffer.from([0x0a, 0xff, 0xfe])]), binary: true };
      case 'nested-error':
        return { data: JSON.stringify({ ...msg, success: true, body: { error: '<deep>' } }).replace('"<deep>"', nestedJson(20_000)), binary: false };
      case 'wrong-request-seq':
        return { data: JSON.stringify({ ...msg, request_seq: Number(msg.request_seq ?? 0) + 1000 }), binary: false };
      case 'array':
        return { data: '[1,2,3]', binary: false };
    }
  };
}

type Fault =
  | { via: 'sim'; kind: 'closeAfterFrames'; n: number }
  | { via: 'sim'; kind: 'closeAfterBytes'; fraction: number }
  | { via: 'sim'; kind: 'withhold'; what: 'open' | 'write' | 'close' }
  | { via: 'sim'; kind: 'delay'; what: 'open' | 'write' | 'close'; ms: number }
  | { via: 'sim'; kind: 'malformed'; malformed: MalformedKind; afterMs: number }
  | { via: 'sim'; kind: 'failPipeline' }
  | { via: 'sim'; kind: 'stallOpen'; ms: number }
  | { via: 'refuse'; cutAfterFrames: number; refuseMs: number }
  | { via: 'proxy'; direction: 'down' | 'up'; at: number; target?: Target; action: 'cut' | 'close' | 'stall' | 'drop' }
  | { via: 'proxy'; direction: 'down'; at: number; target?: Target; action: 'garble'; garble: Garble };
type Target = 'open' | 'write' | 'close';

const what = fc.constantFrom('open' as const, 'write' as const, 'close' as const);
/** Which frames the proxy counts: those about one subcommand (small `at`), or all of them. */
const aimed = fc.oneof(
  fc.record({ at: fc.integer({ min: 0, max: 2 }), target: what }),
  fc.record({ at: fc.integer({ min: 0, max: 10 }) }),
);
const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ via: fc.constant('sim' as const), kind: fc.constant('closeAfterFrames' as const), n: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ via: fc.constant('sim' as const), kind: fc.constant('closeAfterBytes' as const), fraction: fc.double({ min: 0.01, max: 1, noNaN: true }) }),
  fc.record({ via: fc.constant('sim' as const), kind: fc.constant('withhold' as const), what }),
  fc.record({ via: fc.constant('sim' as const), kind: fc.constant('delay' as const), what, ms: fc.integer({ min: 0, max: 200 }) }),
  fc.record({
    via: fc.constant('sim' as const),
    kind: fc.constant('malformed' as const),
    malformed: fc.constantFrom<MalformedKind>('invalid-json', 'not-object', 'bad-fields', 'binary-no-newline', 'multiline-json'),
    afterMs: fc.integer({ min: 0, max: 20 }),
  }),
  fc.record({ via: fc.constant('sim' as const), kind: fc.constant('failPipeline' as const) }),
  fc.record({ via: fc.constant('sim' as const), kind: fc.constant('stallOpen' as const), ms: fc.integer({ min: 10, max: 300 }) }),
  fc.record({ via: fc.constant('refuse' as const), cutAfterFrames: fc.integer({ min: 1, max: 6 }), refuseMs: fc.integer({ min: 50, max: 400 }) }),
  fc.tuple(
    fc.record({
      via: fc.constant('proxy' as const),
      direction: fc.constantFrom('down' as const, 'up' as const),
      action: fc.constantFrom('cut' as const, 'close' as const, 'stall' as const, 'drop' as const),
    }),
    aimed,
  ).map(([f, a]): Fault => ({ ...f, ...a })),
  fc.tuple(
    fc.record({
      via: fc.constant('proxy' as const),
      direction: fc.constant('down' as const),
      action: fc.constant('garble' as const),
      garble: fc.constantFrom(...GARBLES),
    }),
    aimed,
  ).map(([f, a]): Fault => ({ ...f, ...a })),
);

interface Case {
  api: UploadApi;
  text: boolean;
  size: number;
  chunk: number;
  persist: boolean;
  fault: Fault;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  api: fc.constantFrom(...UPLOAD_APIS),
  text: fc.boolean(),
  size: fc.integer({ min: 1, max: 120_000 }),
  chunk: fc.integer({ min: 512, max: 32_768 }),
  persist: fc.boolean(),
  fault: faultArb,
});

const kindOf = (f: Fault): string => (f.via === 'sim' ? f.kind : f.via === 'refuse' ? 'refuse' : `proxy-${f.action}`);

/** Starts the fault; returns what undoes it once the upload settled. */
async function injectFault(fault: Fault, engine: Engine, proxy: HostileProxy, size: number, done: Promise<unknown>): Promise<() => void> {
  const f = engine.faults;
  if (fault.via === 'proxy') {
    proxy.arm({
      direction: fault.direction,
      at: fault.at,
      ...(fault.target ? { target: fault.target } : {}),
      action: fault.action === 'garble' ? { kind: 'garble', garble: garbler(fault.garble) } : { kind: fault.action },
    });
    return () => proxy.disarm();
  }
  if (fault.via === 'refuse') {
    // Every unauthenticated slot of this IP taken: reconnects get 403 until they are released.
    const holders = await Promise.all(
      Array.from({ length: 2 }, () => new Promise<WebSocket>((resolve) => {
        const ws = new WebSocket(engine.uri);
        ws.once('open', () => resolve(ws));
        ws.once('error', () => resolve(ws));
      })),
    );
    f.closeAfterFrames(fault.cutAfterFrames);
    const release = setTimeout(() => {
      for (const ws of holders) ws.terminate();
    }, fault.refuseMs);
    return () => {
      clearTimeout(release);
      for (const ws of holders) ws.terminate();
      f.reset();
    };
  }
  switch (fault.kind) {
    case 'closeAfterFrames':
      f.closeAfterFrames(fault.n);
      break;
    case 'closeAfterBytes':
      f.closeAfterBytes(Math.max(1, Math.floor(size * fault.fraction)));
      break;
    case 'withhold':
      f.withholdResponse(`rrext_process:${fault.what}`, { times: 1 });
      break;
    case 'delay':
      f.delayResponse(`rrext_process:${fault.what}`, fault.ms);
      break;
    case 'malformed': {
      const timer = setTimeout(() => f.sendMalformed(fault.malformed), fault.afterMs);
      void done.finally(() => clearTimeout(timer));
      break;
    }
    case 'failPipeline':
      f.failPipeline(true);
      break;
    case 'stallOpen': {
      f.stallOpen(true);
      const timer = setTimeout(() => f.stallOpen(false), fault.ms);
      void done.finally(() => clearTimeout(timer));
      break;
    }
  }
  return () => f.reset();
}

const cases = new Cases('hostile');
beforeAll(() => crashes.install());
afterAll(() => {
  crashes.uninstall();
  console.log(cases.summary());
});

async function runCase(c: Case, index: number, check: Check): Promise<void> {
  const engine = await startEngine({ apiKey: KEY, maxUnauthenticatedPerIp: 2 });
  const proxy = await startHostileProxy(engine.uri);
  const client = new RocketRide({
    uri: proxy.uri,
    auth: KEY,
    env: {},
    persist: c.persist,
    requestTimeout: REQUEST_TIMEOUT,
    reconnectDelay: 20,
    maxReconnectDelay: 200,
  });
  client.on('protocolError', (error) => check.coded(error, "'protocolError'"));
  client.on('connectError', (error) => check.coded(error, "'connectError'"));
  try {
    await client.connect();
    const { token } = await client.use({ pipeline: ECHO_PIPELINE });
    const name = `hostile-${index}.${c.text ? 'txt' : 'bin'}`;
    const data = bytesFor(index, c.size, c.text);
    const source = sha256(data);
    let finish!: () => void;
    const done = new Promise<void>((r) => {
      finish = r;
    });
    const undo = await injectFault(c.fault, engine, proxy, c.size, done);
    const outcome = await settle(uploadVia(client, token, { api: c.api, name, mimeType: c.text ? 'text/plain' : 'application/octet-stream', data, chunk: c.chunk }));
    finish();
    undo();
    checkOutcome(engine, name, source, outcome, check);
    checkCommitted(engine, new Map([[name, source]]), check);
    // A garbled or stalled frame may have left the old socket useless; the hostile server is done now.
    await sleep(20);
    await checkServes(client, check, c.persist);
    // And the connection carries a whole object again, committed exactly.
    const again = `${name}.again`;
    const after = await settle(client.send(token, data, { name: again }, 'application/octet-stream'));
    checkOutcome(engine, again, source, after, check);
    check(after.status === 'resolved', 'the connection carries a whole object afterwards', after.status);
  } finally {
    await closeBoth(client, undefined);
    await proxy.close();
    await settle(engine.close(), 3_000);
  }
}

describe('fault suite: a hostile server', () => {
  const all = fc.sample(caseArb, { seed: SEEDS.hostile, numRuns: RUNS });

  it(`cuts, stalls, refuses and garbles at random points of ${RUNS} streams without breaking an invariant`, { timeout: 120_000 }, async () => {
    for (const [i, c] of all.entries()) {
      await cases.run(kindOf(c.fault), `#${i} ${c.api} ${c.size} B/${c.chunk} ${c.persist ? 'persist' : 'once'} ${JSON.stringify(c.fault)}`, (check) => runCase(c, i, check));
    }
    const failing = [...new Set(all.map((c) => kindOf(c.fault)))].flatMap((k) => cases.of(k));
    expect(failing).toEqual([]);
  });

  // Every garble on every kind of answer at least once, whatever the random draw above covered.
  const targets: Target[] = ['open', 'write', 'close'];
  const grid = GARBLES.flatMap((garble) => targets.map((target) => ({ garble, target })));
  const picks = fc.sample(fc.record({ api: fc.constantFrom(...UPLOAD_APIS), persist: fc.boolean(), size: fc.integer({ min: 1, max: 40_000 }) }), {
    seed: SEEDS.hostile + 1,
    numRuns: grid.length,
  });

  it(`garbles the answer to open, write and close in each of ${GARBLES.length} ways without breaking an invariant`, { timeout: 120_000 }, async () => {
    for (const [i, { garble, target }] of grid.entries()) {
      const p = picks[i]!;
      const c: Case = { ...p, text: false, chunk: 8_192, fault: { via: 'proxy', direction: 'down', at: 0, target, action: 'garble', garble } };
      await cases.run('garble-grid', `${garble} on ${target} via ${p.api} ${p.size} B ${p.persist ? 'persist' : 'once'}`, (check) => runCase(c, 1000 + i, check));
    }
    expect(cases.of('garble-grid')).toEqual([]);
  });
});
