import type { RocketRide } from 'rocketride-streams';

/** What the store handlers need from the client: the file store (`rocketride.store`) and `isConnected()`. */
export type StoreClient = Pick<RocketRide, 'store' | 'isConnected'>;
