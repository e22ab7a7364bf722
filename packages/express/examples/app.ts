import { sseHandler, uploadHandler } from '@rocketride-streams/express';
import express, { type Request } from 'express';
import type { RocketRide } from 'rocketride-streams';

export function createApp(rocketride: RocketRide, token: string): express.Express {
  const app = express();

  // POST /upload: the body streams into the pipeline (Content-Type → MIME type, X-File-Name or ?name= → name).
  // 200 with the engine's result as JSON; errors as { error: { code, message } } with 400/404/413/415/500/502/503/504.
  // A multipart/form-data form puts each file into its own pipe: 200 with [{ field, name, mimeType, size, result }].
  app.post('/upload', uploadHandler(rocketride, { token, limit: 100 * 1024 * 1024 }));

  // The same with the task picked per request, here from the path.
  app.post('/tasks/:token/upload', uploadHandler(rocketride, { resolveToken: (req: Request) => String(req.params.token) }));

  // GET /events: the task's events as Server-Sent Events, for the browser's EventSource.
  app.get('/events', sseHandler(rocketride, { token, types: ['SUMMARY', 'DETAIL'] }));

  return app;
}
