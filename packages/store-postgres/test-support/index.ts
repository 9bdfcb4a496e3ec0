export {
  findPostgresBinaries,
  type PostgresServer,
  type StartPostgresOptions,
  startPostgresServer,
} from './postgres-server.ts';
