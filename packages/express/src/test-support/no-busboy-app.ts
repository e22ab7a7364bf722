// Bundled by multipart-unsupported.test.ts into a folder where `busboy` cannot be resolved, and run
// in a child process: what an application sees when the optional peer is not installed.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ECHO_PIPELINE, startEngine } from '@rocketride-streams/testing';
import { connect } from 'rocketride-streams';
import { uploadHandler } from '../upload-handler.js';

async function main(): Promise<void> {
  let busboyResolvable = true;
  try {
    require.resolve('busboy');
  } catch {
    busboyResolvable = false;
  }
  // The simulator is imported (and so bundled) here: the façade's lazy `embedded` import names its
  // optional peer through a variable, which a bundle cannot follow.
  const engine = await startEngine({ apiKey: 'K' });
  const rocketride = await connect({ uri: engine.uri, auth: 'K', env: {} });
  const { token } = await rocketride.use({ pipeline: ECHO_PIPELINE });
  const server = createServer(uploadHandler(rocketride, { token }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const form = new FormData();
    form.append('f', new File(['some bytes'], 'a.bin'));
    const formRes = await fetch(url, { method: 'POST', body: form });
    const formBody = await formRes.json();
    const opensAfterForm = engine.requests().filter((r) => r.command === 'rrext_process' && r.arguments.subcommand === 'open').length;
    const plainRes = await fetch(`${url}?name=plain.txt`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'plain body' });
    const plain = { status: plainRes.status, received: engine.pipes().map((p) => p.received.toString()) };
    process.stdout.write(`${JSON.stringify({ busboyResolvable, form: { status: formRes.status, body: formBody }, opensAfterForm, plain })}\n`);
  } finally {
    server.closeAllConnections();
    server.close();
    await rocketride.disconnect();
    await engine.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
