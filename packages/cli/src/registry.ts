import type { ConnectorDefinition } from '@posturesync/core';
import * as qualysPcReport from '@posturesync/qualys-pc-report';
import * as qualysPcrs from '@posturesync/qualys-pcrs';

// TEMPORARY until the connector packages export their definitions; replaced by direct imports.
function pick(module: object, name: string): ConnectorDefinition<unknown> | undefined {
  return (module as Record<string, ConnectorDefinition<unknown> | undefined>)[name];
}

/** Every connector type the CLI knows, by the `type` used in config files. */
export function connectorRegistry(): ReadonlyMap<string, ConnectorDefinition<unknown>> {
  const definitions = [
    pick(qualysPcrs, 'qualysPcrsConnector'),
    pick(qualysPcReport, 'qualysPcReportConnector'),
  ];
  return new Map(
    definitions
      .filter((definition): definition is ConnectorDefinition<unknown> => definition !== undefined)
      .map((definition) => [definition.id, definition]),
  );
}

export const knownConnectorTypes = ['qualys-pcrs', 'qualys-pc-report'] as const;
