import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { importedModules } from './dependency-direction.ts';

/**
 * What every `tsconfig.build.json` must leave out of `dist`: tests beside the code and the
 * helpers they share (see "Where tests go" in CONTRIBUTING.md).
 */
export const requiredBuildExcludes: readonly string[] = ['src/**/*.test.ts', 'src/**/test-support/**'];

interface Manifest {
  private?: boolean;
  exports?: Record<string, unknown>;
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

function isTestOnlyFile(file: string): boolean {
  return /\.test\.(?:ts|mts)$/.test(file) || /[\\/]test-support[\\/]/.test(file);
}

function* shippedSourceFiles(directory: string): Generator<string> {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'test-support') continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* shippedSourceFiles(path);
    else if (/\.(?:ts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') && !isTestOnlyFile(path))
      yield path;
  }
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * Test code that would reach users: a `tsconfig.build.json` that does not leave out tests and
 * their helpers, a shipped module that imports a test helper (from `test/` or a `test-support/`
 * folder), or a published package's module that imports vitest outside its explicit `./testing`
 * entry point (`src/testing/`). One message per problem, naming the file and what to do.
 */
export function findTestCodeInShippedSource(root: string): string[] {
  const problems: string[] = [];
  const packages = join(root, 'packages');
  for (const entry of readdirSync(packages, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const directory = join(packages, entry.name);
    const manifest = readJson<Manifest>(join(directory, 'package.json'));
    const source = join(directory, 'src');
    if (!manifest || !existsSync(source)) continue;
    const where = `packages/${entry.name}`;

    const buildConfig = join(directory, 'tsconfig.build.json');
    if (existsSync(buildConfig)) {
      const config = readJson<{ exclude?: unknown }>(buildConfig);
      const excludes = Array.isArray(config?.exclude) ? config.exclude : [];
      for (const pattern of requiredBuildExcludes) {
        if (!excludes.includes(pattern)) {
          problems.push(`${where}/tsconfig.build.json does not exclude "${pattern}": add it to "exclude".`);
        }
      }
    }

    const hasTestingEntry = Object.hasOwn(manifest.exports ?? {}, './testing');
    const testingFolder = join(source, 'testing') + sep;
    for (const file of shippedSourceFiles(source)) {
      const name = toPosix(relative(root, file));
      for (const specifier of importedModules(readFileSync(file, 'utf8'))) {
        if (specifier.startsWith('.')) {
          const target = toPosix(relative(directory, resolve(dirname(file), specifier)));
          if (target.startsWith('test/') || target.split('/').includes('test-support')) {
            problems.push(
              `${name} imports the test helper ${specifier}: shipped modules may not depend on test code.`,
            );
          }
          continue;
        }
        const isVitest = specifier === 'vitest' || /^(?:vitest|@vitest)\//.test(specifier);
        if (!isVitest || manifest.private === true) continue;
        if (hasTestingEntry && file.startsWith(testingFolder)) continue;
        problems.push(
          `${name} imports ${specifier} but is shipped: move it beside its test, into a test-support/ folder, or behind the package's ./testing entry point (src/testing/).`,
        );
      }
    }
  }
  return problems;
}
