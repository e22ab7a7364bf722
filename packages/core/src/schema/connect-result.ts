/** A team the authenticated user belongs to, with its permissions. */
export interface TeamInfo {
  id: string;
  name: string;
  permissions: string[];
}

/** An organisation the authenticated user belongs to. */
export interface OrganizationInfo {
  id: string;
  name: string;
  permissions: string[];
  teams: TeamInfo[];
}

/** The body of a successful `auth` response: who the connection is authenticated as. */
export interface ConnectResult {
  /** The credential to use on later reconnects (in OSS mode: the credential itself). */
  userToken: string;
  userId: string;
  displayName?: string;
  givenName?: string;
  familyName?: string;
  preferredUsername?: string;
  email?: string;
  emailVerified?: boolean;
  phoneNumber?: string;
  phoneNumberVerified?: boolean;
  locale?: string;
  defaultTeam?: string;
  organizations?: OrganizationInfo[];
  apps?: Array<Record<string, unknown>>;
  /** e.g. `["oss"]` or `["saas"]`. */
  capabilities?: string[];
  [key: string]: unknown;
}
