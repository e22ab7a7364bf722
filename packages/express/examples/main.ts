import type { AddressInfo } from 'node:net';
import { connect } from 'rocketride-streams';
import { createApp } from './app.js';
import { ECHO } from './echo-pipeline.js';

/** Starts the app on the embedded engine, uploads a file with fetch and reads one event, as a browser would. */
export async function main(): Promise<{ result: unknown; firstEvent: string }> {
  const rocketride = await connect({ embedded: true }); // or set ROCKETRIDE_URI and ROCKETRIDE_APIKEY
  const { token } = await rocketride.use({ pipeline: ECHO, useExisting: true });
  const server = createApp(rocketride, token).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const events = await fetch(`${base}/events`); // new EventSource('/events') in a page
    const upload = await fetch(`${base}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-file-name': 'hello.txt' },
      body: 'Hello, pipeline!',
    });
    const result = await upload.json(); // { name: 'hello.txt', text: ['Hello, pipeline!\n\n'], ... }
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!/^event: /m.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    return { result, firstEvent: /^event: (.*)$/m.exec(text)![1]! };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rocketride.disconnect();
  }
}
