import { type RocketRideEvent, ValidationError } from '@rocketride-streams/core';
import { filter, type OperatorFunction } from 'rxjs';
import type { EventName, EventOf } from './event-types.js';

/**
 * Keeps the events with one of the given names and narrows their type, so `body` is typed:
 * `events$(client, { token }).pipe(ofType('apaevt_status_update'))` is an `Observable` of status events.
 */
export function ofType<K extends EventName>(...names: [K, ...K[]]): OperatorFunction<RocketRideEvent, EventOf<K>> {
  if (names.length === 0 || !(names as unknown[]).every((n) => typeof n === 'string' && n !== '')) {
    throw new ValidationError(`ofType() needs one or more event names (non-empty strings; got ${names.length === 0 ? 'none' : 'another value'})`, { code: 'ERR_INVALID_ARGUMENT' });
  }
  const wanted = new Set<string>(names);
  return filter((event: RocketRideEvent): event is EventOf<K> => wanted.has(event.event));
}
