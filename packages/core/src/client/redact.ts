import type { DAPMessage } from '../codec/types.js';
import { isRecord } from './shape.js';

/**
 * A message as `onProtocolMessage` sees it: the credential of `auth` and the session token of its
 * reply and of `apaext_account` replaced by `***`. A body that is not an object is left as it is.
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
  return message;
}
