import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@posturesync/core';

/** Every spelling of a new connector's name the templates need. */
export interface ConnectorNames {
  /** kebab-case folder, connector id and package suffix: `acme-demo`. */
  id: string;
  packageName: string;
  displayName: string;
  /** camelCase, for values: `acmeDemo`. */
  camel: string;
  /** PascalCase, for types: `AcmeDemo`. */
  pascal: string;
  /** The exported definition: `acmeDemoConnector`. */
  exportName: string;
  /** UPPER_SNAKE: the source name and env prefix, `ACME_DEMO`. */
  constant: string;
}

const kebabCase = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Throws a ConfigError saying what to change when `name` cannot be a new connector in `root`. */
export function validateConnectorName(name: string, root: string): void {
  if (!kebabCase.test(name)) {
    throw new ConfigError(
      `"${name}" is not a valid connector name: use kebab-case (lowercase letters and digits, single hyphens, starting with a letter), e.g. "acme-scanner"`,
    );
  }
  if (name.length > 50)
    throw new ConfigError(`"${name}" is too long: keep connector names under 50 characters`);
  if (existsSync(join(root, 'packages', name))) {
    throw new ConfigError(`packages/${name} already exists: choose another name or remove that folder first`);
  }
}

export function connectorNames(id: string, displayName?: string): ConnectorNames {
  const words = id.split('-');
  const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
  const camel = words.map((word, index) => (index === 0 ? word : capitalize(word))).join('');
  return {
    id,
    packageName: `@posturesync/${id}`,
    displayName: displayName?.trim() || words.map(capitalize).join(' '),
    camel,
    pascal: capitalize(camel),
    exportName: `${camel}Connector`,
    constant: words.map((word) => word.toUpperCase()).join('_'),
  };
}
