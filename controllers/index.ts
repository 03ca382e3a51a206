import type { ControllerDefinition } from '../src/app/controller-definition.js';

/**
 * Every controller in this build, in start order. The routes, nodes and services controllers join this list with
 * their issues; `--controllers` accepts exactly these names.
 */
export const CONTROLLER_DEFINITIONS: readonly ControllerDefinition[] = [];

export function availableControllerNames(): readonly string[] {
  return CONTROLLER_DEFINITIONS.map((definition) => definition.name);
}
