import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** The parts of a V8 `.cpuprofile` the summary reads. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    hitCount?: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  share: number;
}

export interface ProfileSummary {
  file: string;
  /** Self time by area: a workspace package directory, a dependency, node internals, GC. */
  areas: ProfileEntry[];
  /** Self time by function. */
  functions: ProfileEntry[];
}

/** Where a sampled frame's code lives, coarse enough to point at the package to fix. */
export function areaOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)' || functionName === '(idle)') return functionName;
  const workspace = /packages\/([^/]+)\/src\/(?:([^/]+)\/)?/.exec(url);
  if (workspace) {
    const [, pkg, folder] = workspace;
    return folder && !folder.endsWith('.ts') ? `${pkg}/${folder}` : `${pkg}`;
  }
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency?.[1]) return dependency[1];
  if (url.startsWith('node:') || url === '') return 'node internals / native';
  return url;
}

function top(counts: Map<string, number>, total: number, limit: number): ProfileEntry[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, hits]) => ({ name, share: total > 0 ? hits / total : 0 }));
}

export function summariseProfile(profile: CpuProfile, file: string, limit = 12): ProfileSummary {
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    total += hits;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + hits);
    const label =
      `${functionName || '(anonymous)'} ${url ? `${path.basename(url)}:${lineNumber + 1}` : ''}`.trim();
    functions.set(label, (functions.get(label) ?? 0) + hits);
  }
  return { file, areas: top(areas, total, limit), functions: top(functions, total, limit) };
}

export async function summariseProfiles(directory: string): Promise<ProfileSummary[]> {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.cpuprofile')).sort();
  const summaries: ProfileSummary[] = [];
  for (const file of files) {
    const profile = JSON.parse(await readFile(path.join(directory, file), 'utf8')) as CpuProfile;
    summaries.push(summariseProfile(profile, file));
  }
  return summaries;
}

export function renderProfileSummaries(summaries: readonly ProfileSummary[]): string {
  const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
  return summaries
    .map(
      (summary) =>
        `### ${summary.file}\n\nSelf time by area: ${summary.areas.map((entry) => `${entry.name} ${percent(entry.share)}`).join(', ')}\n\nTop functions (self time): ${summary.functions
          .slice(0, 8)
          .map((entry) => `\`${entry.name}\` ${percent(entry.share)}`)
          .join(', ')}\n`,
    )
    .join('\n');
}
