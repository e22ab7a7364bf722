import type { Connection } from './connection.js';
import type { MalformedKind } from './types.js';

/** Pushes one malformed or unusual frame to a connection (fault injection). */
export function sendMalformed(conn: Connection, kind: MalformedKind): void {
  if (!conn.isOpen) return;
  switch (kind) {
    case 'invalid-json':
      conn.ws.send('{"type":"event","seq":');
      return;
    case 'not-object':
      conn.ws.send('[1,2,3]');
      return;
    case 'bad-fields':
      conn.ws.send(JSON.stringify({ type: 'response', seq: 'x', request_seq: 'nope', command: 42, success: 'yes' }));
      return;
    case 'binary-no-newline': {
      // A binary frame without 0x0A is one JSON document: a valid event, with a real seq.
      const event = { type: 'event', seq: conn.nextSeq(), event: 'apaevt_sim_probe', body: { kind } };
      conn.ws.send(Buffer.from(JSON.stringify(event), 'utf8'), { binary: true });
      return;
    }
    case 'multiline-json': {
      const event = { type: 'event', seq: conn.nextSeq(), event: 'apaevt_sim_probe', body: { kind } };
      conn.ws.send(JSON.stringify(event, null, 2));
      return;
    }
  }
}
