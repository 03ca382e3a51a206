import type { ControllerDefinition } from '../src/app/controller-definition.js';
import { nodesController } from './nodes/index.js';
import { createRoutesController } from './routes/index.js';
import { servicesController } from './services/index.js';

/**
 * Every controller in this build, in start order; `--controllers` accepts exactly these names.
 */
export const CONTROLLER_DEFINITIONS: readonly ControllerDefinition[] = [
  createRoutesController(),
  nodesController,
  servicesController,
];

export function availableControllerNames(): readonly string[] {
  return CONTROLLER_DEFINITIONS.map((definition) => definition.name);
}
