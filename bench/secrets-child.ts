import { scanTree } from '../src/core/secrets'

/**
 * Scans one tree in its own process for bench/secrets.ts, so its time
 * and peak memory are its own: `node --import tsx bench/secrets-child.ts
 * <root>` prints the findings (file, line, rule) as JSON.
 */
async function run(root: string): Promise<void> {
  const result = await scanTree(root)
  process.stdout.write(
    JSON.stringify({
      findings: result.findings.map((f) => ({
        file: f.file,
        line: f.line,
        rule: f.rule,
      })),
      files: result.stats.files,
      bytes: result.stats.bytes,
      skipped: result.skipped.length,
    }),
  )
}

void run(process.argv[2] ?? '.')
