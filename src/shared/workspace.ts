import { z } from 'zod'
import { isTimeZone } from './time'

/**
 * The workspace file, schema version 1. An engineer writes it by hand and
 * hands it over; the founder opens it. Secret values never appear here:
 * fields that need one hold a `secret:NAME` reference to the keychain.
 */

export const WORKSPACE_VERSION = 1

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i

/** True for a DNS name of letters, digits and hyphens (RFC 1123). */
export function isHostname(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false
  return value
    .replace(/\.$/, '')
    .split('.')
    .every((l) => HOST_LABEL.test(l))
}

const hostname = z
  .string()
  .trim()
  .toLowerCase()
  .refine(isHostname, 'must be a host name such as "shop.example.com"')

/** `secret:NAME` — a value kept in the OS keychain under NAME. */
export const SECRET_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/
const SECRET_REF = /^secret:([a-z0-9][a-z0-9._-]{0,63})$/

export const secretRef = z
  .string()
  .regex(
    SECRET_REF,
    'must be a keychain reference such as "secret:smtp-password"',
  )

/** The keychain name in a `secret:NAME` reference, or undefined. */
export function secretRefName(value: string): string | undefined {
  return SECRET_REF.exec(value)?.[1]
}

/** "host", "host:port", "[v6]:port" — a DNS server to ask. */
const hostPort = z
  .string()
  .trim()
  .regex(
    /^(\[[0-9a-f:.]+\]|[0-9a-z.-]+)(:\d{1,5})?$/i,
    'must be "address" or "address:port", e.g. "127.0.0.1:5353"',
  )

const port = z.number().int().min(1).max(65535)

const isOrigin = (u: URL) => u.pathname === '/' && !u.search && !u.hash

const origin = z
  .url({ protocol: /^https?$/ })
  .refine((u) => URL.canParse(u) && isOrigin(new URL(u)), {
    message: 'must be an origin with no path, e.g. "https://shop.example.com"',
  })
  .transform((u) => new URL(u).origin)

export const EndpointSchema = z.strictObject({
  name: z.string().min(1).max(120),
  url: z.url({ protocol: /^https?$/ }),
  method: z
    .enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])
    .default('GET'),
  kind: z.enum(['read', 'write']).default('read'),
  safeToRepeat: z.boolean().default(false),
  /** Values that are credentials must be `secret:NAME` references. */
  headers: z.record(z.string(), z.string()).default({}),
  /** The request body a write sends (JSON, form…), if any. */
  body: z
    .string()
    .max(64 * 1024)
    .optional(),
})

export const EmailSchema = z.strictObject({
  /** The domain mail is sent from; the workspace's domain when absent. */
  domain: hostname.optional(),
  /**
   * Who may send for the domain: SPF include domains such as
   * "_spf.google.com" or "sendgrid.net", or "ip4:"/"ip6:" ranges.
   */
  approvedSenders: z.array(z.string().min(1)).default([]),
  /** DKIM selectors to look up, besides the common providers' ones. */
  dkimSelectors: z.array(z.string().min(1)).default([]),
  /** The account test messages go out through. */
  smtp: z
    .strictObject({
      host: hostname,
      port: port.default(587),
      /** starttls (587), tls (465) or none (local relays only). */
      security: z.enum(['starttls', 'tls', 'none']).default('starttls'),
      username: z.string().optional(),
      password: secretRef.optional(),
      from: z.email().optional(),
    })
    .optional(),
  /** Where test messages (password reset, order alert) are sent. */
  testRecipient: z.email().optional(),
})

export const NetworkSchema = z.strictObject({
  /** DNS servers to ask instead of the system's, e.g. a private zone. */
  resolvers: z.array(hostPort).default([]),
  /** An extra CA certificate file (PEM) to trust, relative to the file. */
  caFile: z.string().min(1).optional(),
  /**
   * The CAA identifier of the CA in `caFile` (RFC 8659 issuer domain), so
   * dns.caa can tell whether CAA allows a private CA's certificates.
   */
  caaIdentity: hostname.optional(),
  /** Ports for sites that serve on non-standard ones (staging, tests). */
  httpPort: port.default(80),
  httpsPort: port.default(443),
  /** The port to ask authoritative nameservers on (dns.nameservers). */
  dnsPort: port.default(53),
  /** The port MX hosts are asked on (email.mx). */
  smtpPort: port.default(25),
})

/** Budgets the performance checks judge against (PRODUCT.md, Stage 4). */
export const BudgetsSchema = z.strictObject({
  /** p95 of a read endpoint, in ms. */
  readP95Ms: z.number().int().positive().default(300),
  /** p95 of a write endpoint, in ms. */
  writeP95Ms: z.number().int().positive().default(800),
  /** The largest response body a page or read endpoint should send. */
  payloadBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
})

/** How perf.latency samples each endpoint. */
export const LatencySchema = z.strictObject({
  samples: z.number().int().min(5).max(1000).default(20),
  warmup: z.number().int().min(0).max(50).default(2),
  /** Requests in flight at once; 1 measures one user at a time. */
  concurrency: z.number().int().min(1).max(32).default(1),
})

/** An IANA time zone such as "Europe/London" (not an offset). */
const timeZone = z
  .string()
  .trim()
  .refine(isTimeZone, 'must be a time zone name such as "Europe/London"')

/**
 * One manual item: a Stage 3 runbook (deploy.rollback,
 * deploy.migrations) or a Stage 7 handover item (handover.access.*,
 * handover.rotation.<secret>, handover.support.*). Every item has an
 * owner, a date and a note; the other fields belong to some kinds only.
 */
export const ChecklistItemSchema = z.strictObject({
  id: z.string().min(1),
  done: z.boolean().default(false),
  owner: z.string().optional(),
  date: z.iso.date().optional(),
  note: z.string().optional(),
  /** The steps themselves (a runbook, how to rotate), when short. */
  steps: z.string().max(20_000).optional(),
  /** Access items: the provider's name, e.g. "Gandi" or "Vercel". */
  provider: z.string().trim().max(200).optional(),
  /** Rotation items: who has the access to rotate the secret. */
  whoCan: z.string().trim().max(500).optional(),
  /** Support items: the owner's time zone and hours, e.g. "Mon–Fri 9–18". */
  timeZone: timeZone.optional(),
  hours: z.string().trim().max(200).optional(),
  /** How to reach the owner: a phone number, a pager, a channel. */
  contact: z.string().trim().max(200).optional(),
})

/** A person the checklist names, with the clock they live by. */
export const OwnerSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  timeZone,
  contact: z.string().trim().max(200).optional(),
})

/** A relative path inside the repository, such as ".env.production". */
const repoFile = z
  .string()
  .trim()
  .min(1)
  .max(1024)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), {
    message: 'must be a path inside the repository, e.g. ".env.production"',
  })

/** One place the app is deployed to: its address and its env file. */
export const EnvironmentSchema = z.strictObject({
  name: z.string().trim().min(1).max(60),
  /** Where it is served; a non-production one's host counts as preview. */
  url: z.url({ protocol: /^https?$/ }).optional(),
  /** The dotenv file that holds its variables, relative to the repository. */
  envFile: repoFile.optional(),
  /** Whether it is production; by default the one named "production". */
  production: z.boolean().optional(),
})

/** The app's source: where it is, what documents its env, how it builds. */
export const RepoSchema = z.strictObject({
  /** The local git checkout, relative to the workspace file. */
  path: z.string().trim().min(1).max(4096),
  /** The file that documents every variable, relative to the repository. */
  documentedFile: repoFile.default('.env.example'),
  /** The production build, run by a shell in a clean clone. */
  buildCommand: z.string().trim().min(1).max(4096).default('npm run build'),
  /** The environment whose documented variables the build gets. */
  buildEnvironment: z.string().trim().min(1).default('production'),
  /** How long the clean build may take, in seconds. */
  buildTimeoutSeconds: z.number().int().min(5).max(7200).default(900),
})

/** Where the secret scanner looks (secrets.repo, secrets.build-log). */
export const SecretsSchema = z.strictObject({
  /** Build log files to scan, relative to the workspace file. */
  buildLogs: z.array(z.string().trim().min(1).max(4096)).max(100).default([]),
  /** Findings accepted with a reason, relative to the repository. */
  baseline: repoFile.default('.secrets-baseline.json'),
  /** Also scan every line ever committed (slower on long histories). */
  history: z.boolean().default(false),
  /** Files larger than this are skipped with a note. */
  maxFileBytes: z
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
})

const channelName = z
  .string()
  .trim()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,39}$/i,
    'must be a short name such as "ops-slack"',
  )

/** A webhook address: a keychain reference (it holds a token) or a URL. */
const webhookUrl = z.union([secretRef, z.url({ protocol: /^https?$/ })])

/** Where alerts go (issue 7). Each channel's name identifies it. */
export const AlertChannelSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('tray'),
    name: channelName.default('tray'),
  }),
  z.strictObject({
    kind: z.literal('email'),
    name: channelName.default('email'),
    /** Sent through email.smtp, with its password from the keychain. */
    to: z.array(z.email()).min(1),
  }),
  z.strictObject({
    kind: z.literal('slack'),
    name: channelName.default('slack'),
    /** The incoming webhook, best kept as "secret:slack-webhook". */
    url: webhookUrl,
  }),
  z.strictObject({
    kind: z.literal('webhook'),
    name: channelName.default('webhook'),
    url: webhookUrl,
    /** Values that are credentials must be `secret:NAME` references. */
    headers: z.record(z.string(), z.string()).default({}),
  }),
])

const selector = z.string().trim().min(1).max(500)

/** One step of the critical action: type into a field, or click. */
const SyntheticStepSchema = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('fill'),
    selector,
    /** Text to type; `secret:NAME` is read from the keychain. */
    value: z.string().max(500),
  }),
  z.strictObject({ action: z.literal('click'), selector }),
])

/**
 * A scripted admin login (monitor.synthetic-login): open the login page,
 * fill the fields, submit, see the dashboard, then one critical action.
 * Selectors are CSS or anything Playwright's locator() accepts.
 */
export const SyntheticLoginSchema = z.strictObject({
  /** The login page. */
  url: z.url({ protocol: /^https?$/ }),
  username: z.string().min(1).max(200),
  usernameField: selector.default('input[name="username"]'),
  password: secretRef,
  passwordField: selector.default('input[type="password"]'),
  submit: selector.default('button[type="submit"]'),
  /** Text the dashboard shows only to a signed-in admin. */
  dashboardText: z.string().trim().min(1).max(200),
  /** One action an admin relies on, e.g. an order lookup. */
  criticalAction: z
    .strictObject({
      name: z.string().trim().min(1).max(100).default('critical action'),
      /** Opened first, when given. */
      url: z.url({ protocol: /^https?$/ }).optional(),
      steps: z.array(SyntheticStepSchema).max(20).default([]),
      /** Text the page must show once the action is done. */
      expectText: z.string().trim().min(1).max(200),
    })
    .optional(),
  /** The whole script, browser start excluded, must finish within this. */
  budgetMs: z.number().int().min(500).max(120_000).default(15_000),
  intervalMinutes: z.number().int().min(1).max(1440).default(15),
  /** A Chromium-family browser; found on the machine when absent. */
  browserPath: z.string().trim().min(1).max(1000).optional(),
})

/** Scheduled monitoring (PRODUCT.md, Stage 6). */
export const MonitoringSchema = z.strictObject({
  /** Who answers for the site when it is down, named in every alert. */
  owner: z.string().trim().min(1).max(200).optional(),
  uptime: z
    .strictObject({
      /** Pages to watch; the canonical origin when empty. */
      urls: z.array(z.url({ protocol: /^https?$/ })).default([]),
      /** Every 1–5 minutes. */
      intervalSeconds: z.number().int().min(60).max(300).default(60),
      timeoutSeconds: z.number().int().min(1).max(60).default(10),
    })
    .prefault({}),
  /** TLS expiry and the DNS and mail records, re-checked for drift. */
  daily: z
    .strictObject({
      intervalHours: z.number().int().min(1).max(168).default(24),
      tls: z.boolean().default(true),
      records: z.boolean().default(true),
    })
    .prefault({}),
  /** How long after a failure the re-check that confirms it runs. */
  confirmAfterSeconds: z.number().int().min(1).max(300).default(30),
  /**
   * Endpoints that tell whether this machine is online: when none
   * answers, a failure means "you are offline", not "the site is down".
   */
  referenceUrls: z
    .array(z.url({ protocol: /^https?$/ }))
    .default([
      'https://www.cloudflare.com/cdn-cgi/trace',
      'https://www.google.com/generate_204',
    ]),
  alerts: z
    .array(AlertChannelSchema)
    .default([])
    .refine((list) => new Set(list.map((c) => c.name)).size === list.length, {
      message: 'alert channel names must be unique',
    }),
  /** A browser signs in to the admin and does one critical action. */
  syntheticLogin: SyntheticLoginSchema.optional(),
  /** How long history is kept, in days. */
  retention: z
    .strictObject({
      samplesDays: z.number().int().min(1).max(400).default(30),
      minuteDays: z.number().int().min(1).max(400).default(30),
      hourDays: z.number().int().min(1).max(2000).default(400),
      dayDays: z.number().int().min(1).max(4000).default(1830),
    })
    .prefault({}),
})

export const WorkspaceSchema = z.strictObject({
  version: z.literal(WORKSPACE_VERSION).describe('Schema version; 1.'),
  name: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .describe('What the team calls this site.'),
  domain: hostname.describe('The registered domain, e.g. "shop.example.com".'),
  canonicalOrigin: origin.describe(
    'The one origin every variant should end on, e.g. "https://www.shop.example.com".',
  ),
  subdomains: z
    .array(hostname)
    .default([])
    .describe('Other hosts to check, as labels ("admin") or full names.'),
  endpoints: z
    .array(EndpointSchema)
    .default([])
    .refine((list) => new Set(list.map((e) => e.name)).size === list.length, {
      message: 'endpoint names must be unique; checks report by name',
    })
    .describe('Admin endpoints to probe for caching and latency.'),
  assets: z
    .array(z.url({ protocol: /^https?$/ }))
    .default([])
    .describe(
      'Static asset URLs to check for caching; more are found in the canonical page.',
    ),
  budgets: BudgetsSchema.prefault({}).describe(
    'p95 latency budgets (ms) for read and write endpoints, and the payload budget (bytes).',
  ),
  latency: LatencySchema.prefault({}).describe(
    'How perf.latency samples each endpoint: samples, warm-up requests, concurrency.',
  ),
  email: EmailSchema.optional().describe(
    'Email sending: SPF, DKIM, DMARC, SMTP.',
  ),
  network: NetworkSchema.describe(
    'How to reach the site in unusual setups: private DNS, an extra CA, ports.',
  ).prefault({}),
  repo: RepoSchema.optional().describe(
    'The local checkout of the app: its path, documented env file and build command.',
  ),
  secrets: SecretsSchema.prefault({}).describe(
    'Secret scanning: build logs to scan, the baseline of accepted findings, history.',
  ),
  environments: z
    .array(EnvironmentSchema)
    .default([])
    .refine((list) => new Set(list.map((e) => e.name)).size === list.length, {
      message: 'environment names must be unique',
    })
    .describe(
      'Where the app is deployed: name, URL and env file of each environment.',
    ),
  previewHosts: z
    .array(hostname)
    .default([])
    .describe(
      'Hosts that serve previews or staging; production must not point at them.',
    ),
  checklist: z
    .array(ChecklistItemSchema)
    .default([])
    .refine((list) => new Set(list.map((c) => c.id)).size === list.length, {
      message: 'checklist ids must be unique',
    })
    .describe(
      'Manual items (runbooks, access, secret rotation, support) with owner, date and note.',
    ),
  owners: z
    .array(OwnerSchema)
    .default([])
    .refine((list) => new Set(list.map((o) => o.name)).size === list.length, {
      message: 'owner names must be unique',
    })
    .describe('The people the checklist names, with their time zones.'),
  monitoring: MonitoringSchema.prefault({}).describe(
    'Scheduled monitoring: owner, uptime URLs and interval, daily re-checks, alert channels, retention.',
  ),
})

export type Workspace = z.infer<typeof WorkspaceSchema>
export type WorkspaceInput = z.input<typeof WorkspaceSchema>
export type Endpoint = z.infer<typeof EndpointSchema>
export type Environment = z.infer<typeof EnvironmentSchema>
export type Repo = z.infer<typeof RepoSchema>
export type Monitoring = z.infer<typeof MonitoringSchema>
export type AlertChannelConfig = z.infer<typeof AlertChannelSchema>
export type SyntheticLogin = z.infer<typeof SyntheticLoginSchema>
export type ChecklistItem = z.infer<typeof ChecklistItemSchema>
export type Owner = z.infer<typeof OwnerSchema>

/**
 * The hosts the domain checks look at: apex, www and every subdomain,
 * each once. A subdomain may be written as a label ("admin") or in full.
 */
export function workspaceHosts(ws: Pick<Workspace, 'domain' | 'subdomains'>) {
  const full = (name: string) =>
    name.includes('.') ? name.replace(/\.$/, '') : `${name}.${ws.domain}`
  return [
    ...new Set([ws.domain, `www.${ws.domain}`, ...ws.subdomains.map(full)]),
  ]
}
