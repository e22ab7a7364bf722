// A simulator in its own process for the pool's tests, driven over IPC. Unlike the `rocketride-sim` bin it keeps
// every payload byte (`record: true`), so the parent can check what this engine committed (SHA-256 per closed
// pipe), and it samples each task's open pipes and withheld opens. `die` writes a snapshot and then SIGKILLs the
// process from the same synchronous step: nothing can be committed between the snapshot and the death.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { startEngine } from '@rocketride-streams/testing';

const port = Number(process.argv[2] ?? 0);
const apiKey = process.argv[3] || undefined;
const engine = await startEngine({ host: '127.0.0.1', port, record: true, maxPipeHistory: Number.POSITIVE_INFINITY, maxRequestLog: 100, ...(apiKey ? { apiKey } : {}) });

/** token → the most open pipes and withheld opens seen at once. */
const peak = {};
const sample = () => {
  for (const t of engine.tasks()) {
    peak[t.token] ??= { open: 0, waiting: 0 };
    const p = peak[t.token];
    p.open = Math.max(p.open, t.openPipes);
    p.waiting = Math.max(p.waiting, t.waitingOpens);
  }
};
const sampler = setInterval(sample, 5);

const snapshot = () => {
  sample();
  return {
    pipes: engine.pipes().map((p) => ({
      token: p.token,
      name: typeof p.object.name === 'string' ? p.object.name : '',
      state: p.state,
      bytes: p.bytes,
      sha256: p.state === 'closed' ? createHash('sha256').update(p.received).digest('hex') : undefined,
    })),
    tasks: engine.tasks().map((t) => ({ token: t.token, threads: t.threads, openPipes: t.openPipes, waitingOpens: t.waitingOpens })),
    peak,
  };
};

process.on('message', (message) => {
  if (message.type === 'snapshot') process.send({ type: 'snapshot', id: message.id, snapshot: snapshot() });
  else if (message.type === 'die') {
    writeFileSync(message.file, JSON.stringify(snapshot()));
    process.kill(process.pid, 'SIGKILL');
  } else if (message.type === 'stop') {
    clearInterval(sampler);
    engine.close().then(() => process.exit(0));
  }
});
process.send({ type: 'listening', uri: engine.uri, port: engine.port });
