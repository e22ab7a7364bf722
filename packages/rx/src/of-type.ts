import type { RocketRideEvent } from '@rocketride-streams/core';
import { filter, type OperatorFunction } from 'rxjs';
import type { EventName, EventOf } from './event-types.js';

/**
 * Keeps the events with one of the given names and narrows their type, so `body` is typed:
 * `events$(client, { token }).pipe(ofType('apaevt_status_update'))` is an `Observable` of status events.
 */
export function ofType<K extends EventName>(...names: [K, ...K[]]): OperatorFunction<RocketRideEvent, EventOf<K>> {
  const wanted = new Set<string>(names);
  return filter((event: RocketRideEvent): event is EventOf<K> => wanted.has(event.event));
}
