import type { ConnectorDefinition } from '@posturesync/core';
import { qualysPcReportConnector } from '@posturesync/qualys-pc-report';
import { qualysPcrsConnector } from '@posturesync/qualys-pcrs';

/** The built-in connector definitions; a config block's `type` picks one by id. */
export const builtInConnectors: readonly ConnectorDefinition<unknown>[] = [
  qualysPcrsConnector as ConnectorDefinition<unknown>,
  qualysPcReportConnector as ConnectorDefinition<unknown>,
];

/** Every connector type the CLI knows, by the `type` used in config files. */
export function connectorRegistry(): ReadonlyMap<string, ConnectorDefinition<unknown>> {
  return new Map(builtInConnectors.map((definition) => [definition.id, definition]));
}
