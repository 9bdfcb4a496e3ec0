import { z } from 'zod';

/** Instance names appear in `--connector`, the database and logs: keep them simple and stable. */
export const instanceNamePattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const connectorBlockSchema = z.looseObject({
  name: z
    .string()
    .regex(
      instanceNamePattern,
      'expected a kebab-case instance name (lowercase letters, digits, single hyphens), e.g. "pcrs-prod"',
    ),
  type: z.string().min(1),
});

/**
 * The file's outer shape. Each connector block is validated afterwards by its own
 * definition's schema, once its secrets are filled in from the environment.
 */
/**
 * `database:` as a block: a PostgreSQL server. No password field on purpose: the password comes
 * from the environment only (PGPASSWORD, or the variable `passwordEnv` names).
 */
export const postgresDatabaseBlockSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).optional(),
  user: z.string().min(1).optional(),
  database: z.string().min(1),
  ssl: z.union([z.boolean(), z.enum(['disable', 'require', 'verify-ca', 'verify-full'])]).optional(),
  schema: z.string().min(1).optional(),
  passwordEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
    .optional(),
});

export type PostgresDatabaseBlock = z.infer<typeof postgresDatabaseBlockSchema>;

export const configEnvelopeSchema = z.strictObject({
  /** A SQLite file path, a postgres:// URL, or a PostgreSQL block. */
  database: z.union([z.string().min(1), postgresDatabaseBlockSchema]).optional(),
  /**
   * Connector packages to load besides the built-ins: package names (resolved from the config
   * file's folder, as Node would) or paths relative to the config file.
   */
  plugins: z.array(z.string().min(1)).optional(),
  connectors: z
    .array(connectorBlockSchema)
    .min(1, 'expected at least one connector block (run `posturesync init` for an example)')
    .superRefine((blocks, context) => {
      const seen = new Map<string, number>();
      blocks.forEach((block, index) => {
        const first = seen.get(block.name);
        if (first === undefined) seen.set(block.name, index);
        else
          context.addIssue({
            code: 'custom',
            path: [index, 'name'],
            message: `duplicate instance name "${block.name}" (also used by connectors[${first}]); instance names must be unique`,
          });
      });
    }),
});

export type ConnectorBlock = z.output<typeof connectorBlockSchema>;
export type ConfigEnvelope = z.output<typeof configEnvelopeSchema>;
