import { Controller, type MessageEvent, Sse } from '@nestjs/common';
import { InjectRocketRide } from '@rocketride-streams/nest';
import { RocketRide } from 'rocketride-streams';
import { map, type Observable } from 'rxjs';
import { PipelineService } from './pipeline.service';

@Controller()
export class EventsController {
  constructor(
    @InjectRocketRide() private readonly rocketride: RocketRide,
    private readonly pipeline: PipelineService,
  ) {}

  /**
   * The pipeline's engine events as Server-Sent Events (`data: {"event": …, "body": …}`). Nest
   * unsubscribes when the browser goes away, and `events$` then removes the engine subscription.
   */
  @Sse('events')
  events(): Observable<MessageEvent> {
    return this.rocketride.events$(this.pipeline.token).pipe(map((event) => ({ data: { event: event.event, body: event.body ?? {} } })));
  }
}
