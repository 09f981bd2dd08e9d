import { spawn } from 'node:child_process';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run --silent <script> -- …args` against `databaseUrl`, as a user would. */
export function runScript(script: string, args: string[], databaseUrl: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Runs one CLI command and parses its single JSON document. */
export async function cli(databaseUrl: string, ...args: string[]): Promise<CliResult & { json: unknown }> {
  const result = await runScript('cli', args, databaseUrl);
  let json: unknown = undefined;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    json = undefined;
  }
  return { ...result, json };
}
