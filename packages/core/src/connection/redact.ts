import type { DAPMessage } from '../codec/types.js';
import { isRecord } from '../config/shape.js';

/**
 * A message as `onProtocolMessage` sees it: the credential of `auth` and the session token of its
 * reply and of `apaext_account` replaced by `***`, and so are the values of the server environment that
 * `rrext_account_me` `set_env` sends and `get_env` returns (they hold the server's API key). A body that
 * is not an object is left as it is.
 */
export function redactAuth(message: DAPMessage): DAPMessage {
  if (message.type === 'request' && message.command === 'auth' && isRecord(message.arguments)) {
    return { ...message, arguments: { ...message.arguments, auth: '***' } };
  }
  if (message.type === 'response' && message.command === 'auth' && isRecord(message.body)) {
    return { ...message, body: { ...message.body, userToken: '***' } };
  }
  if (message.type === 'event' && message.event === 'apaext_account' && isRecord(message.body)) {
    return { ...message, body: { ...message.body, userToken: '***' } };
  }
  if (message.type === 'request' && message.command === 'rrext_account_me' && isRecord(message.arguments) && isRecord(message.arguments.env)) {
    return { ...message, arguments: { ...message.arguments, env: masked(message.arguments.env) } };
  }
  if (message.type === 'response' && message.command === 'rrext_account_me' && isRecord(message.body) && isRecord(message.body.env)) {
    return { ...message, body: { ...message.body, env: masked(message.body.env) } };
  }
  return message;
}

function masked(env: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.keys(env).map((k) => [k, '***']));
}
