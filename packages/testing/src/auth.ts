import type { Handler } from './context.js';
import { EngineFailure } from './failure.js';

const MAX_AUTH_ATTEMPTS = 5;

const TEAM_PERMISSIONS = [
  'team.admin',
  'read',
  'write',
  'execute',
  'task.control',
  'task.data',
  'task.monitor',
  'task.debug',
  'task.store',
];

/** The ConnectResult body an OSS server sends after a successful `auth`. */
export function connectResult(userToken: string): Record<string, unknown> {
  return {
    userToken,
    userId: 'local',
    displayName: 'RocketRide Developer',
    givenName: '',
    familyName: '',
    preferredUsername: 'developer',
    email: '',
    emailVerified: false,
    phoneNumber: '',
    phoneNumberVerified: false,
    locale: '',
    defaultTeam: 'local',
    organizations: [
      {
        id: 'local',
        name: 'Local',
        permissions: ['org.admin'],
        teams: [{ id: 'local', name: 'Development', permissions: [...TEAM_PERMISSIONS] }],
      },
    ],
    apps: [{ id: 'rocketride-simulator', appStatus: 'free', onDesktop: true }],
    capabilities: ['oss'],
  };
}

const authFailure = (message: string, lineno: number) =>
  new EngineFailure(message, { file: 'task_conn.py', lineno, disconnect: true });

/** `auth`: every attempt counts; a failure is answered, then the connection closes. */
export const onAuth: Handler = async ({ core, conn, args }) => {
  conn.authAttempts++;
  if (conn.authAttempts > MAX_AUTH_ATTEMPTS) throw authFailure('Too many authentication attempts', 298);
  // The real check is asynchronous: frames arriving meanwhile are still unauthenticated (PROTOCOL.md §2.1).
  await new Promise((resolve) => setImmediate(resolve));
  const checked = core.checkCredential(args.auth);
  if (!checked.ok) {
    core.dashboard('auth_failed', { connectionId: conn.id, reason: checked.message });
    throw authFailure(checked.message, 312);
  }
  const credential = checked.credential;
  let lock: { kind: 'tk' | 'pk'; token: string } | undefined;
  if (credential.startsWith('tk_')) lock = { kind: 'tk', token: credential };
  if (credential.startsWith('pk_')) lock = { kind: 'pk', token: core.registry.byPublicToken(credential)!.token };
  conn.clientName = typeof args.clientName === 'string' ? args.clientName : '';
  conn.clientVersion = typeof args.clientVersion === 'string' ? args.clientVersion : '';
  conn.setAuthenticated(credential, lock);
  return connectResult(credential);
};

/** `deauth`: the connection stays open but unauthenticated. */
export const onDeauth: Handler = async ({ conn }) => {
  conn.setUnauthenticated();
  return {};
};
