import type { IncomingMessage, ServerResponse } from 'node:http';
import { ENGINE_VERSION } from '../catalog.js';
import type { EngineCore } from '../core.js';
import { isObject } from '../util.js';
import { serverFailure, toFailure } from '../failure.js';
import { servicesBody } from '../misc.js';
import { applyCors } from './cors.js';
import {
  type ValidationDetail,
  missingHeader,
  readBody,
  sendAccessDenied,
  sendFailure,
  sendNotFound,
  sendOk,
  sendValidationErrors,
} from './reply.js';
import { uploadData } from './upload.js';

interface Caller {
  /** Task token forced by a tk_/pk_ credential. */
  lockToken?: string;
  /** True for a pk_ credential (data permission only). */
  publicOnly?: boolean;
}

/**
 * Checks the caller: the Authorization header (optional `Bearer `), else `?auth=`. Sends the refusal itself and
 * returns undefined when the request must stop. Routes that declare the header refuse a query-only credential (422),
 * together with their other request-validation errors (`extra`, FastAPI order: query, header, body).
 */
function authenticate(
  core: EngineCore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  headerRequired: boolean,
  extra: { query?: ValidationDetail[]; body?: ValidationDetail[] } = {},
): Caller | undefined {
  const header = req.headers.authorization;
  const credential = header ?? url.searchParams.get('auth') ?? '';
  const checked = core.checkCredential(credential);
  if (!checked.ok) {
    sendAccessDenied(req, res);
    return undefined;
  }
  const detail = [
    ...(extra.query ?? []),
    ...(headerRequired && header === undefined ? [missingHeader('authorization')] : []),
    ...(extra.body ?? []),
  ];
  if (detail.length > 0) {
    sendValidationErrors(res, detail);
    return undefined;
  }
  const c = checked.credential;
  if (c.startsWith('tk_')) return { lockToken: c };
  if (c.startsWith('pk_')) return { lockToken: core.registry.byPublicToken(c)!.token, publicOnly: true };
  return {};
}

function tokenOf(caller: Caller, url: URL): string | null {
  return caller.lockToken ?? url.searchParams.get('token');
}

/** The HTTP routes that share the WebSocket port, as on the real server. */
export async function handleHttp(core: EngineCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (applyCors(core.corsOrigins, req, res)) return;
  const route = `${req.method ?? 'GET'} ${url.pathname.replace(/\/+$/, '') || '/'}`;
  try {
    switch (route) {
      case 'GET /version':
        return sendOk(res, { ...ENGINE_VERSION });
      case 'GET /services':
        return sendOk(res, servicesBody(url.searchParams.get('service') ?? undefined));
      case 'GET /status': {
        if (!authenticate(core, req, res, url, false)) return;
        const uptime = Math.floor((Date.now() - core.startTime) / 1000);
        return sendOk(res, { server: { version: { ...ENGINE_VERSION }, startTime: core.startTime / 1000, uptime } });
      }
      case 'POST /task':
      case 'PUT /task': {
        const threads = threadsQuery(url.searchParams.get('threads'));
        const body = await pipelineBody(req);
        const caller = authenticate(core, req, res, url, true, {
          query: 'error' in threads ? [threads.error] : [],
          body: 'error' in body ? [body.error] : [],
        });
        if (!caller || 'error' in threads || 'error' in body) return;
        if (caller.publicOnly) throw serverFailure("Permission 'task.control' denied", 'task_server.py', 240);
        const value = body.value;
        const pipeline = isObject(value.pipeline) && !('components' in value) ? value.pipeline : value;
        const token = tokenOf(caller, url);
        const task = await core.registry.execute(
          { pipeline, threads: threads.value, ...(token ? { token } : {}) },
          { threads: 4 },
        );
        return sendOk(res, { token: task.token });
      }
      case 'GET /task': {
        const caller = authenticate(core, req, res, url, true);
        if (!caller) return;
        if (caller.publicOnly) throw serverFailure("Permission 'task.monitor' denied", 'task_server.py', 240);
        return sendOk(res, core.registry.require(tokenOf(caller, url)).statusBody());
      }
      case 'DELETE /task': {
        const caller = authenticate(core, req, res, url, true);
        if (!caller) return;
        if (caller.publicOnly) throw serverFailure("Permission 'task.control' denied", 'task_server.py', 240);
        const task = core.registry.require(tokenOf(caller, url));
        if (!task.completed) await task.stop(1, 'Task cancelled by request');
        return sendOk(res);
      }
      case 'POST /task/data':
      case 'POST /webhook':
      case 'PUT /task/process': {
        const caller = authenticate(core, req, res, url, true);
        if (!caller) return;
        // The token is checked per object: a bad one is an object error in an HTTP 200.
        return sendOk(res, await uploadData(core, tokenOf(caller, url), req));
      }
      default:
        return sendNotFound(res);
    }
  } catch (err) {
    if (!req.complete) req.resume();
    sendFailure(res, toFailure(err));
  }
}

/** `threads`: an integer query parameter, 1–64, default 4; violations are FastAPI validation errors. */
function threadsQuery(text: string | null): { value: number } | { error: ValidationDetail } {
  if (text === null) return { value: 4 };
  const loc = ['query', 'threads'];
  if (!/^\s*[+-]?\d+\s*$/.test(text)) {
    return { error: { type: 'int_parsing', loc, msg: 'Input should be a valid integer, unable to parse string as an integer', input: text } };
  }
  const n = Number(text);
  if (n < 1) return { error: { type: 'greater_than_equal', loc, msg: 'Input should be greater than or equal to 1', input: text, ctx: { ge: 1 } } };
  if (n > 64) return { error: { type: 'less_than_equal', loc, msg: 'Input should be less than or equal to 64', input: text, ctx: { le: 64 } } };
  return { value: n };
}

/**
 * The pipeline body of `POST /task`, validated as FastAPI validates a `Dict[str, Any]` body: parsed as JSON only when
 * the Content-Type is absent or `application/json`/`application/*+json`; empty → missing; not an object → dict_type.
 */
async function pipelineBody(req: IncomingMessage): Promise<{ value: Record<string, unknown> } | { error: ValidationDetail }> {
  const raw = await readBody(req);
  if (raw.length === 0) return { error: { type: 'missing', loc: ['body'], msg: 'Field required', input: null } };
  const text = raw.toString('utf8');
  const contentType = req.headers['content-type'];
  const mime = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  const isJson = contentType === undefined || mime === 'application/json' || /^application\/[^/]*\+json$/.test(mime);
  let value: unknown = text;
  if (isJson) {
    try {
      value = JSON.parse(text);
    } catch (err) {
      const at = /position (\d+)/.exec(err instanceof Error ? err.message : '');
      return {
        error: {
          type: 'json_invalid',
          loc: ['body', at ? Number(at[1]) : 0],
          msg: 'JSON decode error',
          input: {},
          ctx: { error: 'Expecting value' },
        },
      };
    }
  }
  if (!isObject(value)) return { error: { type: 'dict_type', loc: ['body'], msg: 'Input should be a valid dictionary', input: value } };
  return { value };
}
