import type { PipeWritable, RocketRide } from 'rocketride-streams';
import type { UploadClient } from '../upload-handler.js';

/** The client, recording every sink the handler creates, so a test can see how each one ended. */
export function spying(rocketride: RocketRide): UploadClient & { sinks: PipeWritable[] } {
  const sinks: PipeWritable[] = [];
  return {
    sinks,
    isConnected: () => rocketride.isConnected(),
    pipe: (token, options) => {
      const sink = rocketride.pipe(token, options);
      sinks.push(sink);
      return sink;
    },
  };
}
