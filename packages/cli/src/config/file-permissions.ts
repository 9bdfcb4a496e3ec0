import { stat } from 'node:fs/promises';

/**
 * The config file names the accounts and, through `*Env`, where secrets live; warn when
 * other users can read it or change it (a writable config can redirect credentials).
 * POSIX permission bits mean nothing on Windows, so nothing is checked there.
 */
export async function configPermissionWarnings(file: string, platform = process.platform): Promise<string[]> {
  if (platform === 'win32') return [];
  const { mode } = await stat(file);
  const warnings: string[] = [];
  const octal = (mode & 0o777).toString(8).padStart(3, '0');
  if (mode & 0o004)
    warnings.push(
      `config file ${file} is readable by every user (mode ${octal}); restrict it with: chmod 600 ${file}`,
    );
  if (mode & 0o022)
    warnings.push(
      `config file ${file} is writable by ${mode & 0o002 ? 'every user' : 'its group'} (mode ${octal}); anyone who can change it can redirect your credentials; restrict it with: chmod 600 ${file}`,
    );
  return warnings;
}
