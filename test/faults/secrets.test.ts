import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { run } from '@rocketride-streams/cli';
import { ECHO_PIPELINE, type Engine, startEngine } from '@rocketride-streams/testing';
import { RocketRide, type RocketRideClient, connect } from 'rocketride-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cases, type Check, crashes, eventually, SEEDS, settle } from './support/invariants.js';

/**
 * Secrets: a distinctive fake API key must never show in what the library prints or hands out —
 * util.inspect and JSON.stringify of clients, results and errors, error messages and stacks, the
 * debug and protocol-message callbacks, getConnectionInfo(), the task stored on the engine, and the
 * CLI's output — after a connect, a failed auth and a reconnect.
 */
const SECRET = `rrk_FAKE_${fc.sample(fc.stringMatching(/^[A-Za-z0-9]{24}$/), { seed: SEEDS.secrets, numRuns: 1 })[0]}`;

const cases = new Cases('secrets');
let dir: string;
beforeAll(() => {
  crashes.install();
  dir = mkdtempSync(join(tmpdir(), 'rr-secrets-'));
  writeFileSync(join(dir, 'a.txt'), 'hello');
  writeFileSync(join(dir, 'echo.json'), JSON.stringify(ECHO_PIPELINE));
});
afterAll(() => {
  crashes.uninstall();
  console.log(cases.summary());
});

/** Text of anything, as a user would print it. */
function shown(value: unknown): string[] {
  const out = [inspect(value, { depth: Number.POSITIVE_INFINITY }), inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true, getters: true })];
  try {
    out.push(String(JSON.stringify(value)));
  } catch {
    // circular: JSON.stringify refuses, nothing printed
  }
  if (value instanceof Error) out.push(value.message, String(value.stack));
  return out;
}

function grep(check: Check, where: string, value: unknown): void {
  const leaked = shown(value).some((t) => t.includes(SECRET));
  check(!leaked, 'no credential in what is printed', where);
}

/** A client whose debug and protocol lines are all kept. */
function watchedClient(engine: Engine, extra: Record<string, unknown> = {}) {
  const lines: unknown[] = [];
  const client = new RocketRide({
    uri: engine.uri,
    auth: SECRET,
    env: { ROCKETRIDE_APIKEY: SECRET, ROCKETRIDE_URI: engine.uri },
    reconnectDelay: 20,
    onDebugMessage: (line) => lines.push(line),
    onProtocolMessage: (message, direction) => lines.push([direction, message]),
    ...extra,
  });
  client.on('connectError', (e) => lines.push(e));
  client.on('protocolError', (e) => lines.push(e));
  client.on('disconnected', (e) => lines.push(e));
  return { client, lines };
}

function grepClient(check: Check, where: string, client: RocketRideClient, lines: unknown[]): void {
  grep(check, `${where}: util.inspect/JSON of the client`, client);
  grep(check, `${where}: getConnectionInfo()`, client.getConnectionInfo());
  grep(check, `${where}: debug and protocol-message callbacks`, lines);
}

/** Runs the CLI in-process; returns what it printed. */
async function cli(argv: string[], env: Record<string, string>, signal?: AbortSignal): Promise<{ code: number | undefined; out: string }> {
  let out = '';
  const sink = { write: (t: string) => (out += t) };
  const r = await settle(run(argv, { stdout: sink, stderr: sink, env, ...(signal ? { signal } : {}) }), 15_000);
  return { code: r.status === 'resolved' ? r.value : undefined, out };
}

describe('fault suite: secrets', () => {
  it('after connect: clients, results, errors, callbacks, connection info and the stored task', { timeout: 60_000 }, async () => {
    await cases.run('after-connect', 'core and façade clients', async (check) => {
      const engine = await startEngine({ apiKey: SECRET, env: {} });
      const { client, lines } = watchedClient(engine, { persist: true });
      try {
        await client.connect();
        // A placeholder for the key must not be filled in by the client and stored in the task.
        const pipeline = { ...ECHO_PIPELINE, components: ECHO_PIPELINE.components.map((c, i) => (i === 0 ? { ...c, config: { ...(c.config as object), key: '${ROCKETRIDE_APIKEY}' } } : c)) };
        const use = await client.use({ pipeline });
        grep(check, 'use() result', use);
        const result = await client.send(use.token, 'hello', { name: 'a.txt' });
        grep(check, 'send() result', result);
        const failed = await settle(client.send('no-such-token', 'x', { name: 'b.txt' }));
        check(failed.status === 'rejected', 'a failing call fails', failed.status);
        if (failed.status === 'rejected') grep(check, 'an engine error (message, stack, inspect, JSON)', failed.error);
        grepClient(check, 'connected', client, lines);
        grep(check, 'the task as the engine stores it', engine.tasks().map((t) => t.pipeline));
        grep(check, 'what the client sent besides auth', engine.requests().filter((r) => r.command !== 'auth'));
        const facade = await connect({ uri: engine.uri, auth: SECRET, env: {} });
        grep(check, 'util.inspect/JSON of a façade client', facade);
        await facade.disconnect();
      } finally {
        await settle(client.disconnect(), 3_000);
        await settle(engine.close(), 3_000);
      }
    });
    expect(cases.of('after-connect')).toEqual([]);
  });

  it('failed auth: the error, its stack and every callback', { timeout: 60_000 }, async () => {
    await cases.run('failed-auth', 'wrong key', async (check) => {
      const engine = await startEngine({ apiKey: 'the-right-key', env: {} });
      const { client, lines } = watchedClient(engine);
      try {
        const r = await settle(client.connect());
        check(r.status === 'rejected', 'auth with a wrong key fails', r.status);
        if (r.status === 'rejected') {
          check.coded(r.error, 'connect()');
          grep(check, 'the auth error', r.error);
        }
        const again = await settle(connect({ uri: engine.uri, auth: SECRET, env: {} }));
        if (again.status === 'rejected') grep(check, 'the façade connect() error', again.error);
        grepClient(check, 'after a failed auth', client, lines);
      } finally {
        await settle(client.disconnect(), 3_000);
        await settle(engine.close(), 3_000);
      }
    });
    expect(cases.of('failed-auth')).toEqual([]);
  });

  it('reconnect: after a cut, persist mode re-authenticates without printing the key', { timeout: 60_000 }, async () => {
    await cases.run('reconnect', 'persist reconnect', async (check) => {
      const engine = await startEngine({ apiKey: SECRET, env: {} });
      const { client, lines } = watchedClient(engine, { persist: true });
      try {
        await client.connect();
        const generation = client.generation;
        engine.faults.closeAfterFrames(1);
        const lost = await settle(client.ping());
        if (lost.status === 'rejected') grep(check, 'the error of the request cut off', lost.error);
        check(await eventually(() => client.generation > generation && client.isConnected()), 'reconnects in persist mode', 'no reconnect');
        check((await settle(client.ping())).status === 'resolved', 'the connection still serves ping() afterwards', 'ping failed');
        grepClient(check, 'after a reconnect', client, lines);
      } finally {
        await settle(client.disconnect(), 3_000);
        await settle(engine.close(), 3_000);
      }
    });
    expect(cases.of('reconnect')).toEqual([]);
  });

  it('CLI output: upload, status and events, with the right key and a wrong one', { timeout: 90_000 }, async () => {
    const engine = await startEngine({ apiKey: SECRET, env: {} });
    const env = { ROCKETRIDE_URI: engine.uri, ROCKETRIDE_APIKEY: SECRET };
    try {
      const client = new RocketRide({ uri: engine.uri, auth: SECRET, env: {} });
      await client.connect();
      const { token } = await client.use({ pipeline: ECHO_PIPELINE, useExisting: true });
      await client.disconnect();
      const runs: [string, string[], Record<string, string>, number?][] = [
        ['upload --json', ['upload', join(dir, 'a.txt'), '--pipeline', join(dir, 'echo.json'), '--json'], env],
        ['upload', ['upload', join(dir, 'a.txt'), '--pipeline', join(dir, 'echo.json')], env],
        ['status', ['status', '--token', token], env],
        ['events', ['events', '--token', token, '--types', 'SUMMARY,TASK'], env, 300],
        ['upload, wrong key', ['upload', join(dir, 'a.txt'), '--pipeline', join(dir, 'echo.json')], { ...env, ROCKETRIDE_URI: engine.uri }],
        ['status, key as --apikey on a server that refuses it', ['status', '--token', token, '--apikey', SECRET, '--uri', engine.uri.replace(/\/task\/service$/, '/nope')], {}],
        ['status, missing token', ['status'], env],
      ];
      for (const [label, argv, e, abortAfter] of runs) {
        await cases.run('cli', label, async (check) => {
          const ac = new AbortController();
          const timer = abortAfter ? setTimeout(() => ac.abort(), abortAfter) : undefined;
          const { out } = await cli(argv, e, abortAfter ? ac.signal : undefined);
          clearTimeout(timer);
          check(out.length > 0, 'the CLI printed something to look at', label);
          check(!out.includes(SECRET), 'no credential in what is printed', `${label}: ${out.slice(0, 200)}`);
        });
      }
      // The engine refusing the key: its answer must not echo it either.
      const wrong = await startEngine({ apiKey: 'the-right-key', env: {} });
      await cases.run('cli', 'status against an engine that refuses the key', async (check) => {
        const { out } = await cli(['status', '--token', token], { ROCKETRIDE_URI: wrong.uri, ROCKETRIDE_APIKEY: SECRET });
        check(out.length > 0, 'the CLI printed something to look at', 'nothing');
        check(!out.includes(SECRET), 'no credential in what is printed', out.slice(0, 200));
      });
      await settle(wrong.close(), 3_000);
    } finally {
      await settle(engine.close(), 3_000);
    }
    expect(cases.of('cli')).toEqual([]);
  });
});
