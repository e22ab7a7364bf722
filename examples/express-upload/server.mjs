// An Express app with a small web page: pick a file, watch it upload and the engine work on it, then see
// the pipeline's result. `npm start` serves it on http://127.0.0.1:3000 (PORT to change), against the
// embedded engine simulator unless ROCKETRIDE_URI (and ROCKETRIDE_APIKEY) name a real engine.
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sseHandler, uploadHandler } from '@rocketride-streams/express';
import express from 'express';
import { connect } from 'rocketride-streams';

/** Largest upload the page accepts (413 beyond it). */
export const UPLOAD_LIMIT = 512 * 1024 * 1024;

/**
 * Connects to the engine, runs the echo pipeline and starts the web server.
 * Resolves to `{ url, rocketride, token, close }`; `close()` stops the server and disconnects.
 */
export async function start({ port = 3000, host = '127.0.0.1' } = {}) {
  const rocketride = await connect({ embedded: true });
  const pipeline = JSON.parse(await readFile(new URL('./echo.json', import.meta.url), 'utf8'));
  const { token } = await rocketride.use({ pipeline, useExisting: true });

  const app = express();
  app.use(express.static(fileURLToPath(new URL('./public', import.meta.url))));
  // The request body streams into the pipeline; the answer is the engine's result as JSON.
  app.post('/upload', uploadHandler(rocketride, { token, limit: UPLOAD_LIMIT }));
  // The engine's events for the task, as Server-Sent Events for the page's EventSource.
  app.get('/events', sseHandler(rocketride, { token, types: ['SUMMARY', 'DETAIL'] }));

  const server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.once('error', reject);
  });
  const { port: actualPort } = server.address();
  return {
    url: `http://${host}:${actualPort}/`,
    rocketride,
    token,
    async close() {
      server.closeAllConnections(); // the pages' event streams stay open otherwise
      await new Promise((resolve) => server.close(() => resolve()));
      await rocketride.disconnect();
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const app = await start({ port: Number(process.env.PORT ?? 3000) });
  const engine = app.rocketride.engine ? 'the embedded simulator' : `the engine at ${app.rocketride.getConnectionInfo().uri}`;
  console.log(`Serving ${app.url} (echo pipeline on ${engine}); Ctrl-C to stop`);
  process.once('SIGINT', () => app.close().then(() => process.exit(0)));
  process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
}
