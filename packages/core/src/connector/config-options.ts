import { z } from 'zod';
import type { ConnectorDefinition, SecretField } from './connector.ts';

/**
 * One row of a connector's options table: a config key (dotted for nested objects) and
 * what a user needs to know to set it.
 *
 * Conventions every connector's config schema follows (checked by the conformance kit):
 * - every field carries a description: `.describe('...')` or `.meta({ description: '...' })`;
 * - a field holding a secret is marked `.meta({ secret: true, description: '...' })` (preferred)
 *   or has a description containing `Secret:` (e.g. 'Qualys password. Secret: read from
 *   QUALYS_PASSWORD.'), and is also listed in the definition's `secrets` (which names its
 *   environment variable).
 */
export interface ConfigOption {
  /** Dotted key path, e.g. `baseUrl` or `http.timeoutMs`. */
  path: string;
  /** Human-readable type, e.g. `string (URL)`, `integer`, `'a' | 'b'`, `string[]`. */
  type: string;
  /** The default as JSON, or null when the option has none. */
  defaultValue: string | null;
  /** Must be present in the config (no default, not optional, parents required). */
  required: boolean;
  secret: boolean;
  description: string | null;
}

/** The subset of JSON Schema that zod 4's `toJSONSchema` produces and we read. */
export interface JsonSchemaNode {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  allOf?: JsonSchemaNode[];
  items?: JsonSchemaNode | JsonSchemaNode[];
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: JsonSchemaNode | boolean;
  required?: string[];
  default?: unknown;
  description?: string;
  secret?: unknown;
  [keyword: string]: unknown;
}

/** The JSON Schema of a config's input side (defaults make keys optional). */
export function configJsonSchema(schema: z.ZodType): JsonSchemaNode {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
}

/** Lists every option of a zod object schema, nested objects as dotted paths, in declaration order. */
export function describeConfigOptions(schema: z.ZodType): ConfigOption[] {
  return configOptionsFromJsonSchema(configJsonSchema(schema));
}

export function configOptionsFromJsonSchema(root: JsonSchemaNode): ConfigOption[] {
  const options: ConfigOption[] = [];
  const objectRoot = objectMember(root);
  if (!objectRoot) return options;
  walkObject(objectRoot, '', true, options);
  return options;
}

function walkObject(
  node: JsonSchemaNode,
  prefix: string,
  parentRequired: boolean,
  into: ConfigOption[],
): void {
  const required = new Set(node.required ?? []);
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const isRequired = parentRequired && required.has(key) && child.default === undefined;
    into.push({
      path,
      type: renderType(child),
      defaultValue: child.default === undefined ? null : JSON.stringify(child.default),
      required: isRequired,
      secret: isSecret(child),
      description: describeNode(child),
    });
    const nested = objectMember(child);
    if (nested?.properties && Object.keys(nested.properties).length > 0) {
      walkObject(nested, path, isRequired, into);
    }
  }
}

/** The object schema inside a node (itself, or the object member of an optional/nullable union). */
function objectMember(node: JsonSchemaNode): JsonSchemaNode | null {
  if (node.properties || node.type === 'object') return node;
  const members = node.anyOf ?? node.oneOf ?? node.allOf ?? [];
  const objects = members.filter((member) => member.properties !== undefined);
  return objects.length === 1 ? (objects[0] ?? null) : null;
}

const secretInDescription = /\bsecret:/i;

function isSecret(node: JsonSchemaNode): boolean {
  const marked = (candidate: JsonSchemaNode) =>
    candidate.secret === true ||
    (typeof candidate.description === 'string' && secretInDescription.test(candidate.description));
  const members = [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])];
  return marked(node) || members.some(marked);
}

function describeNode(node: JsonSchemaNode): string | null {
  if (typeof node.description === 'string' && node.description.trim() !== '') return node.description.trim();
  for (const member of [...(node.allOf ?? []), ...(node.anyOf ?? [])]) {
    if (typeof member.description === 'string' && member.description.trim() !== '') {
      return member.description.trim();
    }
  }
  return null;
}

const formatNames: Record<string, string> = {
  uri: 'URL',
  email: 'email',
  'date-time': 'ISO-8601 date-time',
  date: 'date',
  uuid: 'UUID',
  ipv4: 'IPv4',
  ipv6: 'IPv6',
};

export function renderType(node: JsonSchemaNode): string {
  if (node.const !== undefined) return JSON.stringify(node.const).replaceAll('"', "'");
  if (node.enum) return node.enum.map((value) => JSON.stringify(value).replaceAll('"', "'")).join(' | ');
  const members = node.anyOf ?? node.oneOf;
  if (members) return unique(members.map(renderType)).join(' | ');
  if (node.allOf && node.allOf.length > 0) return unique(node.allOf.map(renderType)).join(' & ');
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  if (types.length === 0) return 'any';
  return unique(types.map((type) => renderSingleType(type, node))).join(' | ');
}

function renderSingleType(type: string, node: JsonSchemaNode): string {
  switch (type) {
    case 'string':
      return node.format ? `string (${formatNames[node.format] ?? node.format})` : 'string';
    case 'array': {
      if (Array.isArray(node.items)) return `[${node.items.map(renderType).join(', ')}]`;
      const inner = node.items ? renderType(node.items) : 'any';
      return inner.includes(' ') ? `(${inner})[]` : `${inner}[]`;
    }
    case 'object':
      if (!node.properties && typeof node.additionalProperties === 'object') {
        return `Record<string, ${renderType(node.additionalProperties)}>`;
      }
      return 'object';
    default:
      return type;
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** A connector's options for machines: what `posturesync spec` prints (see the CLI README). */
export interface ConnectorSpec {
  type: string;
  displayName: string;
  description: string;
  sourceName: string;
  /** Options that are secrets: never written in the config file, read from `env` (or `<key>Env`). */
  secrets: SecretField[];
  /** JSON Schema (draft 2020-12) of the config block's input form, defaults included. */
  schema: JsonSchemaNode;
}

/**
 * The JSON Schema of a connector's config, from the same function the README options tables
 * are rendered from (`configJsonSchema`). Each secret property is marked `secret: true` and
 * `writeOnly: true` (JSON Schema's word for a value that is sent but never shown) and names
 * the environment variable it is read from.
 */
export function connectorSpec(definition: ConnectorDefinition<unknown>): ConnectorSpec {
  const schema = configJsonSchema(definition.configSchema);
  const root = objectMember(schema);
  for (const secret of definition.secrets) {
    const property = root?.properties?.[secret.key];
    if (property === undefined) continue;
    property.secret = true;
    property.writeOnly = true;
    property.env = secret.env;
  }
  return {
    type: definition.id,
    displayName: definition.displayName,
    description: definition.description,
    sourceName: definition.sourceName,
    secrets: definition.secrets.map((secret) => ({ ...secret })),
    schema,
  };
}
