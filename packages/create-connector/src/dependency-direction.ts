import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface PackageRule {
  /** Workspace packages (folder names) shipped code may import, or `*` for any. */
  source: readonly string[] | '*';
  /** The same for tests (`*.test.ts`, `test/`, `test-support/`): they may also drive a simulator. */
  tests: readonly string[] | '*';
}

const connectorImports: readonly string[] = ['core', 'qualys-common'];
/** A connector's tests may also drive the simulator, its sibling connector and the engine and store. */
const connectorTestImports: readonly string[] = [
  ...connectorImports,
  'qualys-simulator',
  'qualys-pcrs',
  'qualys-pc-report',
  'engine',
  'store-sqlite',
];

/**
 * Which workspace packages each package may import, from the bottom up. Data flows one way: core
 * knows no source and no store; the Qualys protocol sits on core; connectors use core and the
 * Qualys protocol, never a store; the engine and stores use core (a store also the engine's
 * interface); only the tools at the top (`*`) wire everything together. A package missing here
 * fails the check, so a new package gets a place on purpose.
 */
export const dependencyRules: Readonly<Record<string, PackageRule>> = {
  core: { source: [], tests: [] },
  'qualys-common': { source: ['core'], tests: ['core'] },
  engine: { source: ['core'], tests: ['core'] },
  'store-sqlite': { source: ['core', 'engine'], tests: ['core', 'engine'] },
  // Its tests compare it with the SQLite store, row for row.
  'store-postgres': { source: ['core', 'engine'], tests: ['core', 'engine', 'store-sqlite'] },
  'qualys-pcrs': { source: connectorImports, tests: connectorTestImports },
  'qualys-pc-report': { source: connectorImports, tests: connectorTestImports },
  'qualys-simulator': { source: ['core', 'qualys-common'], tests: ['core', 'qualys-common'] },
  cli: { source: '*', tests: '*' },
  'fault-suite': { source: '*', tests: '*' },
  benchmarks: { source: '*', tests: '*' },
  distribution: { source: '*', tests: '*' },
  'create-connector': { source: '*', tests: '*' },
};

/** Packages whose code must not know any vendor: core, the engine and the stores. */
export const vendorNeutralPackages: readonly string[] = ['core', 'engine', 'store-sqlite', 'store-postgres'];

/**
 * The one vendor name allowed in vendor-neutral code: the model's Qualys host id field (a database
 * column since the first migration; renaming it is a schema change of its own).
 */
export const allowedVendorWords: readonly RegExp[] = [/sourceHostId/g, /source_host_id/g];

export interface UpwardImport {
  file: string;
  imported: string;
  message: string;
}

export interface VendorMention {
  file: string;
  line: number;
  text: string;
}

/** Every import of a workspace package that the rules above do not allow. */
export function findUpwardImports(root: string, rules = dependencyRules): UpwardImport[] {
  const problems: UpwardImport[] = [];
  const names = workspacePackageNames(root);
  for (const [folder, name] of names) {
    const rule = rules[folder];
    if (rule === undefined) {
      problems.push({
        file: join('packages', folder, 'package.json'),
        imported: name,
        message: `packages/${folder} has no place in dependencyRules (packages/create-connector/src/dependency-direction.ts); add it`,
      });
      continue;
    }
    for (const file of sourceFiles(join(root, 'packages', folder))) {
      const allowed = isTestFile(file) ? rule.tests : rule.source;
      if (allowed === '*') continue;
      for (const specifier of importedModules(readFileSync(file, 'utf8'))) {
        const target = workspaceFolderOf(specifier, names);
        if (target === null || target === folder || allowed.includes(target)) continue;
        problems.push({
          file: relative(root, file),
          imported: specifier,
          message: `${relative(root, file)} imports ${specifier}, which packages/${folder} may not use (allowed: ${allowed.join(', ') || 'no workspace package'})`,
        });
      }
    }
  }
  return problems;
}

/** Every mention of Qualys outside comments in the vendor-neutral packages. */
export function findVendorMentions(root: string, packages = vendorNeutralPackages): VendorMention[] {
  const mentions: VendorMention[] = [];
  for (const folder of packages) {
    const directory = join(root, 'packages', folder, 'src');
    if (!existsSync(directory)) continue;
    for (const file of sourceFiles(directory)) {
      const text = readFileSync(file, 'utf8');
      for (const token of codeTokens(text)) {
        let cleaned = token.text;
        for (const allowed of allowedVendorWords) cleaned = cleaned.replace(allowed, '');
        if (/qualys/i.test(cleaned)) {
          const line = text.slice(0, token.start).split('\n').length;
          mentions.push({ file: relative(root, file), line, text: token.text.slice(0, 80) });
        }
      }
    }
  }
  return mentions;
}

/** The module specifiers a file imports or re-exports, static or dynamic. */
export function importedModules(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName);
}

const codeKinds = new Set([
  ts.SyntaxKind.Identifier,
  ts.SyntaxKind.PrivateIdentifier,
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle,
  ts.SyntaxKind.TemplateTail,
  ts.SyntaxKind.RegularExpressionLiteral,
  ts.SyntaxKind.JsxText,
]);

/** The identifiers and literals of a file (what the program says, not its comments). */
function* codeTokens(text: string): Generator<{ text: string; start: number }> {
  const source = ts.createSourceFile('file.ts', text, ts.ScriptTarget.Latest, true);
  const pending: ts.Node[] = [source];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (codeKinds.has(node.kind)) yield { text: node.getText(source), start: node.getStart(source) };
    node.forEachChild((child) => {
      pending.push(child);
    });
  }
}

/** folder name -> package name, for every `packages/<folder>/package.json`. */
function workspacePackageNames(root: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const entry of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const manifest = join(root, 'packages', entry.name, 'package.json');
    if (!existsSync(manifest)) continue;
    const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
    if (typeof name === 'string') names.set(entry.name, name);
  }
  return names;
}

function workspaceFolderOf(specifier: string, names: Map<string, string>): string | null {
  for (const [folder, name] of names) {
    if (specifier === name || specifier.startsWith(`${name}/`)) return folder;
  }
  return null;
}

function isTestFile(file: string): boolean {
  return /\.test\.ts$/.test(file) || /[\\/](test|test-support)[\\/]/.test(file);
}

function* sourceFiles(directory: string): Generator<string> {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}
