import { execFile, execFileSync } from 'node:child_process'
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { extname, join, relative, resolve } from 'node:path'
import { buildSync } from 'esbuild'
import { random } from '../test/core/secrets/samples'

/**
 * Secret scanning next to secretlint 13 with its recommended preset, on
 * the same trees: a generated 200 MB tree of real package sources with
 * planted secrets, this repository, and a clean tree of real source code.
 * Each scanner runs in its own process under /usr/bin/time, which gives
 * its wall time and peak memory (max RSS). Run alone with
 * `npx tsx -e "import('./bench/secrets.ts').then(async m =>
 * console.log((await m.benchSecrets()).text))"`.
 */

const REPO = resolve(__dirname, '..')
const TREE_BYTES = 200 * 1024 * 1024
const CORPUS_BYTES = 24 * 1024 * 1024
const COPIES_PER_TYPE = 4
const TARGET_RATIO = 5
/** Runs per scanner and tree; the fastest counts. */
const PASSES = 2
const SECRETLINT = join(REPO, 'node_modules/secretlint/bin/secretlint.js')
const SECRETLINT_RC = JSON.stringify({
  rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }],
})

type Rnd = () => number

/**
 * A kind of credential to plant: the gitleaks rule meant to find it,
 * whether secretlint's recommended preset has a rule for that provider,
 * and a line of code holding a fresh random one.
 */
interface Plant {
  readonly kind: string
  readonly secretlint: boolean
  line(rnd: Rnd): string
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const HEX = '0123456789abcdef'
const pick = (rnd: Rnd, chars: string, n: number) =>
  Array.from({ length: n }, () => chars[Math.floor(rnd() * chars.length)]).join(
    '',
  )
const digits = (rnd: Rnd, n: number) => pick(rnd, '0123456789', n)
const uuid = (rnd: Rnd) =>
  [8, 4, 4, 4, 12].map((n) => pick(rnd, HEX, n)).join('-')

const PLANTS: readonly Plant[] = [
  {
    // secretlint's AWS rule looks for key IDs only with enableIDScanRule,
    // off in its recommended preset; it looks for the secret key instead.
    kind: 'aws-access-token',
    secretlint: false,
    line: (r) =>
      `const awsKeyId = "AKIA${pick(r, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}"`,
  },
  {
    kind: 'aws-secret-access-key',
    secretlint: true,
    line: (r) =>
      `aws_secret_access_key = "${pick(r, ALNUM + '+/', 38)}${digits(r, 2)}"`,
  },
  {
    kind: 'github-pat',
    secretlint: true,
    line: (r) => `const githubToken = "ghp_${pick(r, ALNUM, 36)}"`,
  },
  {
    kind: 'github-fine-grained-pat',
    secretlint: true,
    line: (r) =>
      `const gh = "github_pat_${pick(r, ALNUM, 22)}_${pick(r, ALNUM, 59)}"`,
  },
  {
    kind: 'gitlab-pat',
    secretlint: true,
    line: (r) => `const gitlab = "glpat-${pick(r, ALNUM, 20)}"`,
  },
  {
    kind: 'slack-bot-token',
    secretlint: true,
    line: (r) =>
      `const slack = "xoxb-${digits(r, 12)}-${digits(r, 13)}-${pick(r, ALNUM, 24)}"`,
  },
  {
    kind: 'slack-webhook-url',
    secretlint: true,
    line: (r) =>
      `const hook = "https://hooks.slack.com/services/T${pick(r, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 8)}/B${pick(r, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 10)}/${pick(r, ALNUM, 24)}"`,
  },
  {
    kind: 'stripe-access-token',
    secretlint: true,
    line: (r) => `const stripe = "sk_live_${pick(r, ALNUM, 24)}"`,
  },
  {
    kind: 'sendgrid-api-token',
    secretlint: true,
    line: (r) =>
      `const sendgrid = "SG.${pick(r, ALNUM, 22)}.${pick(r, ALNUM, 43)}"`,
  },
  {
    kind: 'npm-access-token',
    secretlint: true,
    line: (r) => `//registry.npmjs.org/:_authToken=npm_${pick(r, ALNUM, 36)}`,
  },
  {
    kind: 'private-key',
    secretlint: true,
    line: (r) =>
      [
        'const pem = `-----BEGIN RSA PRIVATE KEY-----',
        // A 2048-bit key's DER starts MIIEow…; 25 lines of 64 like one.
        'MIIEowIBAAKCAQEA' + pick(r, ALNUM + '+/', 48),
        ...Array.from({ length: 24 }, () => pick(r, ALNUM + '+/', 64)),
        '-----END RSA PRIVATE KEY-----`',
      ].join('\n'),
  },
  {
    kind: 'openai-api-key',
    secretlint: true,
    line: (r) =>
      `const openai = "sk-${pick(r, ALNUM, 20)}T3BlbkFJ${pick(r, ALNUM, 20)}"`,
  },
  {
    kind: 'anthropic-api-key',
    secretlint: true,
    line: (r) =>
      `const anthropic = "sk-ant-api03-${pick(r, ALNUM + '_-', 93)}AA"`,
  },
  {
    kind: 'shopify-access-token',
    secretlint: true,
    line: (r) => `const shopify = "shpat_${pick(r, HEX, 32)}"`,
  },
  {
    kind: 'linear-api-key',
    secretlint: true,
    line: (r) => `const linear = "lin_api_${pick(r, ALNUM, 40)}"`,
  },
  {
    kind: 'huggingface-access-token',
    secretlint: true,
    line: (r) =>
      `const hf = "hf_${pick(r, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 34)}"`,
  },
  {
    kind: 'databricks-api-token',
    secretlint: true,
    line: (r) => `const databricks = "dapi${pick(r, HEX, 32)}"`,
  },
  {
    kind: 'grafana-service-account-token',
    secretlint: true,
    line: (r) =>
      `const grafana = "glsa_${pick(r, ALNUM, 32)}_${pick(r, HEX, 8)}"`,
  },
  {
    kind: 'jwt',
    secretlint: false,
    line: (r) =>
      `const session = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIx${pick(r, ALNUM, 30)}.${pick(r, ALNUM + '_-', 43)}"`,
  },
  {
    kind: 'twilio-api-key',
    secretlint: false,
    line: (r) => `const twilio = "SK${pick(r, HEX, 32)}"`,
  },
  {
    kind: 'mailchimp-api-key',
    secretlint: false,
    line: (r) => `const mailchimp_key = "${pick(r, HEX, 32)}-us12"`,
  },
  {
    kind: 'heroku-api-key',
    secretlint: false,
    line: (r) => `HEROKU_API_KEY = "${uuid(r)}"`,
  },
  {
    kind: 'generic-api-key',
    secretlint: false,
    // With digits: gitleaks' generic rule lets letters-only values go.
    line: (r) => `const db_password = "${pick(r, ALNUM, 17)}${digits(r, 3)}"`,
  },
]

interface Planted {
  readonly kind: string
  readonly secretlint: boolean
  readonly file: string
  readonly line: number
}

/** One scanner's run on one tree. */
interface Run {
  readonly seconds: number
  /** User and system CPU time: steadier than wall time on a busy host. */
  readonly cpuSeconds: number
  readonly maxRssMb: number
  /** "file:line" of each finding, file relative to the tree. */
  readonly places: readonly string[]
  readonly rules: readonly string[]
}

const SOURCE_EXT = new Set(['.js', '.mjs', '.cjs', '.ts', '.md', '.json'])

/** Real package sources from node_modules, test folders left out. */
export function corpus(limit: number): string[] {
  const files: string[] = []
  let bytes = 0
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (bytes >= limit) return
      const path = join(dir, e.name)
      if (e.isDirectory()) {
        if (!/^(test|tests|__tests__|fixtures?|examples?|\.bin)$/.test(e.name))
          walk(path)
      } else if (
        e.isFile() &&
        SOURCE_EXT.has(extname(e.name)) &&
        !/\.min\.|lock/.test(e.name)
      ) {
        const size = statSync(path).size
        if (size < 512 || size > 256 * 1024) continue
        files.push(path)
        bytes += size
      }
    }
  }
  walk(join(REPO, 'node_modules'))
  return files
}

/** Writes ~TREE_BYTES of copied sources with secrets planted in some. */
export function generateTree(
  root: string,
  sources: readonly string[],
): Planted[] {
  const rnd = random(42)
  const planted: Planted[] = []
  const plants = PLANTS.flatMap((p) =>
    Array.from({ length: COPIES_PER_TYPE }, () => p),
  )
  let bytes = 0
  let n = 0
  const every = Math.floor(
    TREE_BYTES / (CORPUS_BYTES / sources.length) / (plants.length + 1),
  )
  while (bytes < TREE_BYTES) {
    const source = sources[n % sources.length]!
    const dir = join(root, `d${Math.floor(n / 100)}`)
    if (n % 100 === 0) mkdirSync(dir, { recursive: true })
    const name = `f${n}${extname(source)}`
    const plant = n % every === every - 1 ? plants[planted.length] : undefined
    if (plant) {
      const lines = readFileSync(source, 'utf8').split('\n')
      const at = Math.min(3, lines.length)
      lines.splice(at, 0, plant.line(rnd))
      const text = lines.join('\n')
      writeFileSync(join(dir, name), text)
      bytes += Buffer.byteLength(text)
      planted.push({
        kind: plant.kind,
        secretlint: plant.secretlint,
        file: relative(root, join(dir, name)),
        line: at + 1,
      })
    } else {
      copyFileSync(source, join(dir, name))
      bytes += statSync(source).size
    }
    n++
  }
  return planted
}

/** This repository's src and a few packages' own sources: no secrets. */
function cleanTree(root: string): void {
  const copy = (from: string, to: string) => {
    for (const e of readdirSync(from, { withFileTypes: true })) {
      if (/^(test|tests|__tests__|fixtures?|examples?|docs?)$/.test(e.name))
        continue
      const a = join(from, e.name)
      const b = join(to, e.name)
      if (e.isDirectory()) {
        mkdirSync(b, { recursive: true })
        copy(a, b)
      } else if (e.isFile() && SOURCE_EXT.has(extname(e.name))) {
        copyFileSync(a, b)
      }
    }
  }
  mkdirSync(join(root, 'launch-ready'), { recursive: true })
  copy(join(REPO, 'src'), join(root, 'launch-ready'))
  for (const pkg of ['zod', 'yaml', 'htmlparser2', 'nodemailer', 'tldts']) {
    mkdirSync(join(root, pkg), { recursive: true })
    copy(join(REPO, 'node_modules', pkg), join(root, pkg))
  }
}

function treeBytes(root: string): number {
  let bytes = 0
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) bytes += statSync(join(e.parentPath, e.name)).size
  }
  return bytes
}

/** Runs a command under /usr/bin/time; resolves to stdout, time, RSS. */
function timed(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{
  stdout: string
  seconds: number
  maxRssMb: number
  cpuSeconds: number
}> {
  return new Promise((done, fail) => {
    execFile(
      '/usr/bin/time',
      ['-f', 'BENCH %e %M %U %S', command, ...args],
      { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const m = /BENCH ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(stderr)
        if (!m) return fail(error ?? new Error(stderr))
        done({
          stdout,
          seconds: Number(m[1]),
          maxRssMb: Number(m[2]) / 1024,
          cpuSeconds: Number(m[3]) + Number(m[4]),
        })
      },
    )
  })
}

/**
 * Bundles the child as the CLI ships (one JavaScript file, no
 * TypeScript compiler at start-up), so both sides start like a release.
 */
function bundleChild(dir: string): string {
  const outdir = join(dir, 'bundle')
  buildSync({
    entryPoints: [
      join(REPO, 'bench/secrets-child.ts'),
      join(REPO, 'src/core/secrets/tree-worker.ts'),
    ],
    entryNames: '[name]',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    outdir,
    logLevel: 'error',
  })
  return join(outdir, 'secrets-child.js')
}

async function runOurs(child: string, root: string): Promise<Run> {
  // From the repository, where the child finds the bundled rule file.
  const { stdout, seconds, maxRssMb, cpuSeconds } = await timed(
    process.execPath,
    [child, root],
    REPO,
  )
  const out = JSON.parse(stdout) as {
    findings: { file: string; line: number; rule: string }[]
  }
  return {
    seconds,
    cpuSeconds,
    maxRssMb,
    places: out.findings.map((f) => `${f.file}:${f.line}`),
    rules: out.findings.map((f) => f.rule),
  }
}

async function runSecretlint(root: string): Promise<Run> {
  const { stdout, seconds, maxRssMb, cpuSeconds } = await timed(
    process.execPath,
    [
      SECRETLINT,
      '--secretlintrcJSON',
      SECRETLINT_RC,
      '--format',
      'unix',
      '--no-color',
      '**/*',
    ],
    root,
  )
  const places: string[] = []
  const rules: string[] = []
  for (const line of stdout.split('\n')) {
    const m =
      /^(.+?):(\d+):\d+: .*> @secretlint\/secretlint-rule-([\w-]+)\]$/.exec(
        line,
      )
    if (!m) continue
    places.push(`${relative(root, m[1]!)}:${m[2]}`)
    rules.push(m[3]!)
  }
  return { seconds, cpuSeconds, maxRssMb, places, rules }
}

function secretlintVersion(): string {
  const pkg = JSON.parse(
    readFileSync(join(REPO, 'node_modules/secretlint/package.json'), 'utf8'),
  ) as { version: string }
  return pkg.version
}

const mb = (bytes: number) => bytes / 1024 / 1024

function count(items: readonly string[]): string {
  const counts = new Map<string, number>()
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1)
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(', ') || 'none'
}

/** Runs the comparison; `text` is the report section bench/run.ts prints. */
export async function benchSecrets(): Promise<{ text: string }> {
  const work = await mkdtemp(join(tmpdir(), 'bench-secrets-'))
  try {
    const planted = join(work, 'planted')
    const clean = join(work, 'clean')
    const child = bundleChild(work)
    const sources = corpus(CORPUS_BYTES)
    const plants = generateTree(planted, sources)
    cleanTree(clean)
    const trees = [
      { name: 'generated, planted', root: planted },
      { name: 'this repository', root: REPO },
      { name: 'clean real source', root: clean },
    ]
    const rows: string[] = []
    const runs = new Map<string, { ours: Run; theirs: Run; bytes: number }>()
    let worstRatio = Infinity
    for (const tree of trees) {
      const bytes = tree.root === REPO ? repoBytes() : treeBytes(tree.root)
      // Alternate, and keep each side's faster pass: the first reader
      // of a freshly written tree also pays for its write-back.
      let ours = await runOurs(child, tree.root)
      let theirs = await runSecretlint(tree.root)
      for (let pass = 1; pass < PASSES; pass++) {
        ours = faster(ours, await runOurs(child, tree.root))
        theirs = faster(theirs, await runSecretlint(tree.root))
      }
      runs.set(tree.name, { ours, theirs, bytes })
      const ratio = theirs.seconds / ours.seconds
      if (tree.root === planted) worstRatio = ratio
      rows.push(
        [
          tree.name.padEnd(20),
          `${mb(bytes).toFixed(0).padStart(4)} MB`,
          describeRun(ours, bytes),
          describeRun(theirs, bytes),
          `${ratio.toFixed(1)}× (${(theirs.cpuSeconds / ours.cpuSeconds).toFixed(1)}×)`,
        ].join(' | '),
      )
    }
    const big = runs.get('generated, planted')!
    const ourPlaces = new Set(big.ours.places)
    const theirPlaces = new Set(big.theirs.places)
    const ourMissed = plants.filter(
      (p) => !ourPlaces.has(`${p.file}:${p.line}`),
    )
    const theirsCovered = plants.filter((p) => p.secretlint)
    const theirMissed = theirsCovered.filter(
      (p) => !theirPlaces.has(`${p.file}:${p.line}`),
    )
    const cleanRun = runs.get('clean real source')!
    const recall = (found: number, of: number) =>
      `${found}/${of} (${((100 * found) / of).toFixed(0)} %)`
    const lines = [
      `Secret scanning: launch-ready (gitleaks rules) vs secretlint ${secretlintVersion()} ` +
        '(preset-recommend), each in its own process; time and peak RSS from ' +
        `/usr/bin/time, the faster of ${PASSES} alternating passes; ` +
        `${availableParallelism()} cores, load average ${load()} at the end.`,
      '',
      'tree                 |  size   | launch-ready: wall (CPU), MB/s, peak | secretlint: wall (CPU), MB/s, peak | speed-up wall (CPU)',
      ...rows,
      '',
      `Speed-up on the 200 MB tree: ${worstRatio.toFixed(1)}× ` +
        `(target ≥ ${TARGET_RATIO}×: ${worstRatio >= TARGET_RATIO ? 'met' : 'NOT met'}).`,
      `Recall on ${plants.length} planted secrets (${PLANTS.length} kinds × ${COPIES_PER_TYPE}):`,
      `  launch-ready ${recall(plants.length - ourMissed.length, plants.length)}` +
        ` (target 100 %: ${ourMissed.length === 0 ? 'met' : 'NOT met'})` +
        (ourMissed.length
          ? `; missed ${count(ourMissed.map((p) => p.kind))}`
          : ''),
      `  secretlint ${recall(theirsCovered.length - theirMissed.length, theirsCovered.length)}` +
        ` of the ${theirsCovered.length} whose provider its preset covers` +
        (theirMissed.length
          ? `; missed ${count(theirMissed.map((p) => p.kind))}`
          : ''),
      `False positives on the clean tree (${mb(cleanRun.bytes).toFixed(1)} MB of real source: ` +
        "this repo's src, zod, yaml, htmlparser2, nodemailer, tldts):",
      `  launch-ready ${cleanRun.ours.places.length}: ${count(cleanRun.ours.rules)}`,
      `  secretlint ${cleanRun.theirs.places.length}: ${count(cleanRun.theirs.rules)}`,
    ]
    return { text: lines.join('\n') }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** Host load while the bench runs, so a reader can weigh the times. */
function load(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')
}

function faster(a: Run, b: Run): Run {
  return b.seconds < a.seconds ? b : a
}

function describeRun(run: Run, bytes: number): string {
  const rate = mb(bytes) / run.seconds
  return (
    `${run.seconds.toFixed(2)} s (CPU ${run.cpuSeconds.toFixed(2)} s), ` +
    `${rate.toFixed(1)} MB/s, ${run.maxRssMb.toFixed(0)} MB`
  )
}

/** What both scanners read of this repository: the files git tracks. */
function repoBytes(): number {
  const files = execFileSync('git', ['ls-files', '-z'], {
    cwd: REPO,
    encoding: 'utf8',
  })
  let bytes = 0
  for (const file of files.split('\0').filter(Boolean)) {
    bytes += statSync(join(REPO, file), { throwIfNoEntry: false })?.size ?? 0
  }
  return bytes
}
