import { Inject } from '@nestjs/common';
import { ROCKETRIDE_CLIENT } from './tokens.js';

/** Parameter or property decorator injecting the connected `RocketRide` client. */
export const InjectRocketRide = (): PropertyDecorator & ParameterDecorator => Inject(ROCKETRIDE_CLIENT);
