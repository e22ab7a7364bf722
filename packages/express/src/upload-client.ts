import type { RocketRide } from 'rocketride-streams';

/** What an upload needs from the client: `rocketride.pipe()` and `isConnected()`. */
export type UploadClient = Pick<RocketRide, 'pipe' | 'isConnected'>;
