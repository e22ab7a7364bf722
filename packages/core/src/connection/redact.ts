import type { DAPMessage } from '../codec/types.js';
import { isRecord } from '../config/shape.js';

/**
 * A message as `onProtocolMessage` sees it: the credential of `auth` and the session token of its
 * reply and of `apaext_account` replaced by `***`, and so are the values of the environments that
 * `rrext_account_me`/`_org`/`_teams` `set_env` send and `get_env` return (the user's holds the server's API key). A body that
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
  const envCommand = message.type !== 'event' && ENV_COMMANDS.has(message.command ?? '');
  if (message.type === 'request' && envCommand && isRecord(message.arguments) && isRecord(message.arguments.env)) {
    return { ...message, arguments: { ...message.arguments, env: masked(message.arguments.env) } };
  }
  if (message.type === 'response' && envCommand && isRecord(message.body) && isRecord(message.body.env)) {
    return { ...message, body: { ...message.body, env: masked(message.body.env) } };
  }
  return message;
}

/** The account commands whose `set_env`/`get_env` carry an environment (the user's, an org's, a team's). */
const ENV_COMMANDS = new Set(['rrext_account_me', 'rrext_account_org', 'rrext_account_teams']);

function masked(env: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.keys(env).map((k) => [k, '***']));
}
