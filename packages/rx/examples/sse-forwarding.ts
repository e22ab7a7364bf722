import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { RocketRideClient } from '@rocketride-streams/core';
import { events$ } from '@rocketride-streams/rx';
import { startEngine } from '@rocketride-streams/testing';
import type { Observable } from 'rxjs';
import { ECHO } from './echo-pipeline.js';

/**
 * Writes an Observable to an HTTP response as Server-Sent Events, and unsubscribes when the browser
 * goes away: what a NestJS `@Sse()` handler does for you, and what an Express route does with it.
 */
export function sendEvents(res: ServerResponse, source: Observable<{ event: string; body?: unknown }>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const subscription = source.subscribe({
    next: (e) => res.write(`event: ${e.event}\ndata: ${JSON.stringify(e.body ?? null)}\n\n`),
    error: (err: { code?: string; message?: string }) =>
      res.end(`event: rocketride_error\ndata: ${JSON.stringify({ code: err.code, message: err.message })}\n\n`),
    complete: () => res.end(),
  });
  res.on('close', () => subscription.unsubscribe()); // the last one out removes the engine subscription
}

/** Serves `GET /events?token=…` and reads the first few messages with fetch, as a browser's EventSource would. */
export async function main(write: (text: string) => void = (t) => process.stdout.write(t)): Promise<string[]> {
  const engine = await startEngine(); // a local simulator: use your engine's URI and key instead
  const client = new RocketRideClient({ uri: engine.uri, auth: 'my-key' });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
    if (token === null) {
      res.writeHead(400).end('token required');
      return;
    }
    // Express: app.get('/events', (req, res) => sendEvents(res, events$(client, { token: String(req.query.token) })))
    sendEvents(res, events$(client, { token, types: ['SUMMARY', 'DETAIL'] }));
  });
  try {
    await client.connect();
    const { token } = await client.use({ pipeline: ECHO });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events?token=${token}`;

    const browser = new AbortController();
    const response = await fetch(url, { signal: browser.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const names: string[] = [];
    let text = '';
    const sending = client.send(token, 'some text', { name: 'note.txt' }, 'text/plain');
    while (!names.includes('apaevt_status_object')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      for (let i = text.indexOf('\n\n'); i !== -1; i = text.indexOf('\n\n')) {
        const name = /^event: (.*)$/m.exec(text.slice(0, i))?.[1] ?? 'message';
        names.push(name);
        write(`browser got: ${name}\n`);
        text = text.slice(i + 2);
      }
    }
    browser.abort(); // closing the tab unsubscribes on the server
    await sending;
    return names;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await client.disconnect();
    await engine.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
