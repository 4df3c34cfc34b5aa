import { compareFindings, type Finding } from '../../shared/finding'
import { STAGES } from '../../shared/stages'
import { formatCalendarDate, formatZonedTime } from '../../shared/time'
import type { AlertChannelConfig, Workspace } from '../../shared/workspace'
import { secretRefName } from '../../shared/workspace'
import {
  handoverChecklist,
  rotationItemId,
  type HandoverItem,
} from '../handover/checklist'
import { redactSecretLike } from '../workspace/secret-values'
import type { DomainRecords } from './domain-records'

/**
 * The handover pack: what a successor needs to run the shop's stack
 * without the engineer who set it up. Built as plain blocks first, then
 * written as Markdown or as one printable HTML file, so both formats say
 * the same thing. Secret values never reach it: it is built from names,
 * and every workspace string that looks like a secret is hidden first.
 */

/** What the pack is made from; gathered by collectHandover. */
export interface HandoverSources {
  readonly workspace: Workspace
  /** The workspace file's name, for the reader's reference. */
  readonly fileName: string
  /** The latest stored audit; undefined when none has run. */
  readonly run?: {
    readonly startedAt: string
    readonly outcome: string
    readonly findings: readonly Finding[]
  }
  /** The domain's records now (live) or as the last audit saw them. */
  readonly records?: DomainRecords
  /** Secrets this machine holds, by name, and where each is kept. */
  readonly storedSecrets: ReadonlyMap<string, string>
  /** Why the vault could not be listed, when it could not. */
  readonly vaultProblem?: string
  readonly generatedAt: Date
  /** The reader's zone; the machine's when absent. */
  readonly userZone?: string
}

/** A run of text, a table, a list or written steps. */
export type Block =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'table'
      readonly head: readonly string[]
      readonly rows: readonly (readonly string[])[]
    }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  | { readonly kind: 'steps'; readonly title: string; readonly text: string }

/** One part of the pack, such as the renewal calendar. */
export interface Section {
  readonly id: string
  readonly title: string
  readonly blocks: readonly Block[]
}

/** The whole pack, ready to be written in either format. */
export interface HandoverDocument {
  readonly title: string
  readonly intro: readonly string[]
  readonly sections: readonly Section[]
}

/** Builds the pack's content from its sources; pure. */
export function buildHandover(sources: HandoverSources): HandoverDocument {
  // Hide anything secret-looking before a single string is used.
  const workspace = redactSecretLike(sources.workspace)
  const run = sources.run && {
    ...sources.run,
    findings: redactSecretLike(sources.run.findings),
  }
  const ctx: Context = {
    ...sources,
    workspace,
    run,
    items: handoverChecklist(workspace),
    when: (time, ownerZone) =>
      formatZonedTime(time, { userZone: sources.userZone, ownerZone }),
    day: (time, ownerZone) =>
      formatZonedTime(time, {
        userZone: sources.userZone,
        ownerZone,
        dateOnly: true,
      }),
  }
  return {
    title: `Handover pack: ${workspace.name}`,
    intro: [
      `${workspace.name} runs at ${workspace.canonicalOrigin} on the domain ${workspace.domain}.`,
      `Made ${ctx.when(sources.generatedAt)} from the workspace ${sources.fileName}. ` +
        'It names secrets and where they are kept, never their values.',
    ],
    sections: [
      architecture(ctx),
      results(ctx),
      checklistSection(ctx),
      owners(ctx),
      monitoring(ctx),
      runbooks(ctx),
      renewals(ctx),
      secrets(ctx),
    ],
  }
}

interface Context extends HandoverSources {
  readonly items: readonly HandoverItem[]
  /** A time in the reader's zone, with an owner's beside it. */
  when(time: Date | string, ownerZone?: string): string
  day(time: Date | string, ownerZone?: string): string
}

function architecture(ctx: Context): Section {
  const { workspace, records } = ctx
  const blocks: Block[] = [
    {
      kind: 'list',
      items: [
        `Domain: ${workspace.domain}`,
        `Canonical origin (every variant should end here): ${workspace.canonicalOrigin}`,
        ...(workspace.subdomains.length > 0
          ? [`Subdomains: ${workspace.subdomains.join(', ')}`]
          : []),
        ...(workspace.email
          ? [`Mail domain: ${workspace.email.domain ?? workspace.domain}`]
          : []),
        ...workspace.environments.map(
          (e) =>
            `Environment ${e.name}: ${e.url ? plainUrl(e.url) : 'no URL recorded'}` +
            (e.envFile ? ` (variables in ${e.envFile})` : ''),
        ),
      ],
    },
  ]
  if (!records || records.records.length === 0) {
    blocks.push({
      kind: 'text',
      text: 'No DNS records could be read: make the pack online, or run an audit first.',
    })
  } else {
    blocks.push(
      {
        kind: 'text',
        text:
          records.source === 'live'
            ? `DNS records as they were when the pack was made (${ctx.when(records.at)}):`
            : `DNS records as the audit of ${ctx.when(records.at)} saw them (the pack was made offline):`,
      },
      {
        kind: 'table',
        head: ['Name', 'Type', 'Value', 'TTL'],
        rows: records.records.map((r) => [
          r.name,
          r.type,
          r.value,
          r.ttl === undefined ? '' : `${r.ttl} s`,
        ]),
      },
    )
  }
  return { id: 'architecture', title: 'Domain architecture', blocks }
}

const STATUS_WORD: Readonly<Record<Finding['status'], string>> = {
  fail: 'Fail',
  error: 'Could not check',
  warn: 'Warning',
  skip: 'Skipped',
  pass: 'Pass',
}

function results(ctx: Context): Section {
  const title = 'Latest results'
  if (!ctx.run) {
    return {
      id: 'results',
      title,
      blocks: [
        {
          kind: 'text',
          text: 'No audit has been stored for this workspace yet. Run one from the app, or with launch-ready audit.',
        },
      ],
    }
  }
  const sorted = [...ctx.run.findings].sort(compareFindings)
  const count = (s: Finding['status']) =>
    sorted.filter((f) => f.status === s).length
  const problems = sorted.filter(
    (f) => f.status === 'fail' || f.status === 'error' || f.status === 'warn',
  )
  const stage = (n: number) =>
    STAGES.find((s) => s.number === n)?.title ?? `Stage ${n}`
  const blocks: Block[] = [
    {
      kind: 'text',
      text:
        `The audit of ${ctx.when(ctx.run.startedAt)}` +
        (ctx.run.outcome === 'completed' ? '' : ` (${ctx.run.outcome})`) +
        `: ${count('fail')} failed, ${count('error')} could not be checked, ` +
        `${count('warn')} warnings, ${count('pass')} passed.`,
    },
  ]
  if (problems.length > 0) {
    blocks.push({
      kind: 'table',
      head: ['Result', 'Severity', 'Stage', 'Check', 'Target', 'Finding'],
      rows: problems.map((f) => [
        STATUS_WORD[f.status],
        f.severity,
        `${f.stage} ${stage(f.stage)}`,
        f.check,
        f.target,
        f.title,
      ]),
    })
  } else {
    blocks.push({ kind: 'text', text: 'Nothing failed.' })
  }
  return { id: 'results', title, blocks }
}

const STATE_WORD: Readonly<Record<HandoverItem['state'], string>> = {
  done: 'Done',
  incomplete: 'Incomplete',
  open: 'Open',
}

function checklistSection(ctx: Context): Section {
  const rows = ctx.items.map((item) => {
    const r = item.recorded
    return [
      STATE_WORD[item.state],
      item.title,
      r?.owner ?? '',
      r?.date ? formatCalendarDate(r.date) : '',
      [r?.provider, r?.note].filter(Boolean).join(': '),
      item.missing.length > 0 ? `missing ${item.missing.join(', ')}` : '',
    ]
  })
  const done = ctx.items.filter((i) => i.state === 'done').length
  return {
    id: 'checklist',
    title: 'Handover checklist',
    blocks: [
      { kind: 'text', text: `${done} of ${ctx.items.length} items done.` },
      {
        kind: 'table',
        head: ['State', 'Item', 'Owner', 'Date', 'Note', 'Still needed'],
        rows,
      },
    ],
  }
}

function owners(ctx: Context): Section {
  const blocks: Block[] = []
  const support = ctx.items.filter((i) => i.kind === 'support')
  blocks.push({
    kind: 'table',
    head: ['Shift', 'Owner', 'Time zone', 'Hours', 'Contact'],
    rows: support.map((item) => [
      item.id === 'handover.support.after-hours'
        ? 'After hours'
        : 'Business hours',
      item.recorded?.owner ?? 'not named',
      item.timeZone ?? 'not given',
      item.recorded?.hours ?? '',
      item.recorded?.contact ?? '',
    ]),
  })
  const people = ctx.workspace.owners
  if (people.length > 0) {
    blocks.push(
      {
        kind: 'text',
        text: 'Everyone the checklist names, with the time where they are when the pack was made:',
      },
      {
        kind: 'table',
        head: ['Name', 'Time zone', 'Their time', 'Contact'],
        rows: people.map((o) => [
          o.name,
          o.timeZone,
          formatZonedTime(ctx.generatedAt, { userZone: o.timeZone }),
          o.contact ?? '',
        ]),
      },
    )
  }
  const owner = ctx.workspace.monitoring.owner
  if (owner) {
    blocks.push({
      kind: 'text',
      text: `Alerts name ${owner} as the owner of the site.`,
    })
  }
  return { id: 'owners', title: 'Owners and hours', blocks }
}

function monitoring(ctx: Context): Section {
  const m = ctx.workspace.monitoring
  const urls =
    m.uptime.urls.length > 0
      ? m.uptime.urls.map(plainUrl)
      : [ctx.workspace.canonicalOrigin]
  const daily =
    [
      m.daily.tls ? 'certificate expiry' : '',
      m.daily.records ? 'DNS and mail records, alerting on a change' : '',
    ]
      .filter(Boolean)
      .join('; ') || 'nothing'
  const blocks: Block[] = [
    {
      kind: 'list',
      items: [
        `Uptime: ${urls.join(', ')} every ${m.uptime.intervalSeconds} s, ` +
          `confirmed by a re-check after ${m.confirmAfterSeconds} s before anyone is alerted.`,
        `Daily, every ${m.daily.intervalHours} h: ${daily}.`,
        `History kept: samples ${m.retention.samplesDays} days, hourly trends ${m.retention.hourDays} days.`,
      ],
    },
  ]
  if (m.alerts.length === 0) {
    blocks.push({
      kind: 'text',
      text: 'No alert channel is configured: nobody hears about an outage. Add one under monitoring.alerts.',
    })
  } else {
    blocks.push({
      kind: 'table',
      head: ['Channel', 'Kind', 'Goes to'],
      rows: m.alerts.map((c) => [c.name, c.kind, alertDestination(c)]),
    })
  }
  return { id: 'monitoring', title: 'Monitoring and alert routing', blocks }
}

/**
 * A URL without its query, fragment or user info: a monitored page's
 * address sometimes carries a token (`/health?key=…`), which the pack
 * has no need to repeat.
 */
function plainUrl(url: string): string {
  if (!URL.canParse(url)) return url
  const u = new URL(url)
  const hidden = u.search || u.hash || u.username || u.password
  u.search = ''
  u.hash = ''
  u.username = ''
  u.password = ''
  return hidden ? `${u.href} (query not shown)` : u.href
}

/**
 * Where a channel delivers, without what makes it work: a webhook's
 * address is as good as a password, so only its host is named.
 */
function alertDestination(channel: AlertChannelConfig): string {
  switch (channel.kind) {
    case 'tray':
      return 'a notification on the laptop running Launch Ready'
    case 'email':
      return channel.to.join(', ')
    case 'slack':
    case 'webhook': {
      const name = secretRefName(channel.url)
      if (name) return `the address kept as the secret "${name}"`
      const host = URL.canParse(channel.url)
        ? new URL(channel.url).host
        : 'an address'
      return `${host} (full address not shown: it works as a password)`
    }
  }
}

function runbooks(ctx: Context): Section {
  const blocks: Block[] = []
  for (const item of ctx.items) {
    if (item.kind !== 'runbook' && item.kind !== 'rotation') continue
    const r = item.recorded
    const steps = r?.steps?.trim()
    const about: string[] = []
    if (item.usedIn?.length) about.push(`Used in ${item.usedIn.join(', ')}.`)
    if (r?.whoCan) about.push(`Who can rotate it: ${r.whoCan}.`)
    if (r?.note) about.push(`Where the steps are: ${r.note}.`)
    if (r?.owner) about.push(`Kept current by ${r.owner}.`)
    if (!steps && !r?.note)
      about.push(`Not written yet. It should say: ${lowerFirst(item.asks)}`)
    const name = runbookName(item)
    blocks.push({ kind: 'text', text: `${name}. ${about.join(' ')}` })
    if (steps) blocks.push({ kind: 'steps', title: name, text: steps })
  }
  return { id: 'runbooks', title: 'Runbooks', blocks }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}

function runbookName(item: HandoverItem): string {
  if (item.kind === 'rotation') {
    return `Rotating "${item.id.slice('handover.rotation.'.length)}"`
  }
  if (item.id === 'deploy.rollback') return 'Rollback'
  if (item.id === 'deploy.migrations') return 'Database migrations'
  return item.title
}

/** Renew this many days before expiry: tls.expiry warns from 21. */
const RENEW_MARGIN_DAYS = 21

/** One certificate's expiry, with every host that serves it. */
interface Expiry {
  readonly at: number
  readonly certificate: string
  readonly hosts: string[]
}

function renewals(ctx: Context): Section {
  const expiries = new Map<string, Expiry>()
  const add = (host: string, certificate: string, validTo: string) => {
    const at = Date.parse(validTo)
    if (Number.isNaN(at)) return
    const key = `${certificate}|${at}`
    const entry = expiries.get(key) ?? { at, certificate, hosts: [] }
    if (!entry.hosts.includes(host)) entry.hosts.push(host)
    expiries.set(key, entry)
  }
  for (const f of ctx.run?.findings ?? []) {
    if (f.check === 'tls.expiry') {
      const cert = f.evidence['certificate']
      if (!cert || typeof cert !== 'object' || Array.isArray(cert)) continue
      const { validTo, issuer } = cert as Record<string, unknown>
      if (typeof validTo !== 'string') continue
      const by = typeof issuer === 'string' ? `, issued by ${issuer}` : ''
      add(f.target, `the site's own${by}`, validTo)
    } else if (f.check === 'tls.chain') {
      // tls.chain records each intermediate as "<subject> (until <date>)".
      const seen = f.evidence['intermediates']
      for (const line of Array.isArray(seen) ? seen : []) {
        const m =
          typeof line === 'string' && /^(.*) \(until (\S+)\)$/.exec(line)
        if (m) add(f.target, `intermediate ${m[1]}`, m[2]!)
      }
    }
  }
  const day = 86_400_000
  const rows = [...expiries.values()]
    .sort((a, b) => a.at - b.at || a.certificate.localeCompare(b.certificate))
    .map((e) => [
      e.hosts.sort().join(', '),
      e.certificate,
      ctx.day(new Date(e.at)),
      `${Math.floor((e.at - ctx.generatedAt.getTime()) / day)}`,
      ctx.day(new Date(e.at - RENEW_MARGIN_DAYS * day)),
    ])
  const blocks: Block[] =
    rows.length === 0
      ? [
          {
            kind: 'text',
            text: 'No certificate dates are known yet: the calendar fills in after an audit checks TLS.',
          },
        ]
      : [
          {
            kind: 'text',
            text:
              'Certificates, soonest first, as the latest audit saw them; days are counted from when the pack was made. ' +
              `Renewal should be automatic: check it happened by the "Check by" date, ${RENEW_MARGIN_DAYS} days ahead.`,
          },
          {
            kind: 'table',
            head: ['Hosts', 'Certificate', 'Expires', 'Days left', 'Check by'],
            rows,
          },
        ]
  return { id: 'renewals', title: 'Renewal calendar', blocks }
}

function secrets(ctx: Context): Section {
  const used = new Map<string, readonly string[]>()
  for (const item of ctx.items) {
    if (item.kind === 'rotation') {
      used.set(item.id.slice('handover.rotation.'.length), item.usedIn ?? [])
    }
  }
  const names = [...new Set([...used.keys(), ...ctx.storedSecrets.keys()])]
  const state = (name: string) =>
    ctx.items.find((i) => i.id === rotationItemId(name))?.state
  const blocks: Block[] =
    names.length === 0
      ? [{ kind: 'text', text: 'The workspace refers to no secrets.' }]
      : [
          {
            kind: 'text',
            text:
              'Names and places only. Values stay in the keychain of each machine that needs them.' +
              (ctx.vaultProblem
                ? ` The keychain of this machine could not be read (${ctx.vaultProblem}), so only environment variables are listed.`
                : ''),
          },
          {
            kind: 'table',
            head: ['Secret', 'Used in', 'Kept in', 'Rotation steps'],
            rows: names.sort().map((name) => {
              const s = state(name)
              return [
                name,
                used.get(name)?.join(', ') || 'not referenced by the workspace',
                ctx.storedSecrets.get(name) ?? 'not stored on this machine',
                s ? STATE_WORD[s] : 'not needed',
              ]
            }),
          },
        ]
  return { id: 'secrets', title: 'Secrets inventory', blocks }
}

// ---- Markdown ----------------------------------------------------------

/** The pack as Markdown. */
export function handoverMarkdown(doc: HandoverDocument): string {
  const out = [`# ${mdText(doc.title)}`, '']
  for (const line of doc.intro) out.push(mdText(line), '')
  for (const section of doc.sections) {
    out.push(`## ${mdText(section.title)}`, '')
    for (const block of section.blocks) out.push(...mdBlock(block), '')
  }
  return out.join('\n')
}

function mdBlock(block: Block): string[] {
  switch (block.kind) {
    case 'text':
      return [mdText(block.text)]
    case 'list':
      return block.items.map((i) => `- ${mdText(i)}`)
    case 'table':
      return [
        `| ${block.head.map(mdText).join(' | ')} |`,
        `|${block.head.map(() => '---').join('|')}|`,
        ...block.rows.map((r) => `| ${r.map(mdText).join(' | ')} |`),
      ]
    case 'steps': {
      // A fence longer than any backtick run in the steps cannot close early.
      const longest = Math.max(
        2,
        ...(block.text.match(/`+/g) ?? []).map((m) => m.length),
      )
      const fence = '`'.repeat(longest + 1)
      return [fence + 'text', block.text, fence]
    }
  }
}

/** One line of plain text, with Markdown's and tables' specials escaped. */
function mdText(text: string): string {
  return text
    .replace(/[\\`*_{}[\]<>#|!~]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, ' ')
}

// ---- HTML --------------------------------------------------------------

const CSS = `
@page { size: A4; margin: 16mm 14mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1a1a1a; margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 18pt; margin: 0 0 4mm; }
h2 { font-size: 13pt; margin: 8mm 0 2mm; padding-bottom: 1mm;
  border-bottom: 1px solid #888; break-after: avoid; page-break-after: avoid; }
p, ul { margin: 0 0 3mm; }
table { border-collapse: collapse; width: 100%; margin: 0 0 4mm; font-size: 9pt; }
th, td { border: 1px solid #999; padding: 1mm 1.5mm; text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
th { background: #eee; white-space: nowrap; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f4f4f4;
  border: 1px solid #ccc; padding: 2mm; font: 9pt/1.4 ui-monospace, Menlo, Consolas, monospace;
  break-inside: avoid; }
@media print { body { padding: 0; } a { color: inherit; text-decoration: none; } }
`.trim()

/**
 * The pack as one self-contained HTML file: inline CSS, no scripts, no
 * outside resources, every piece of text escaped, laid out for A4 so the
 * app can print it to PDF as it is.
 */
export function handoverHtml(doc: HandoverDocument): string {
  const body: string[] = [`<h1>${html(doc.title)}</h1>`]
  for (const line of doc.intro) body.push(`<p>${html(line)}</p>`)
  for (const section of doc.sections) {
    body.push(`<section id="${html(section.id)}">`)
    body.push(`<h2>${html(section.title)}</h2>`)
    for (const block of section.blocks) body.push(htmlBlock(block))
    body.push('</section>')
  }
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${html(doc.title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

function htmlBlock(block: Block): string {
  switch (block.kind) {
    case 'text':
      return `<p>${html(block.text)}</p>`
    case 'list':
      return `<ul>${block.items.map((i) => `<li>${html(i)}</li>`).join('')}</ul>`
    case 'table':
      return [
        '<table>',
        `<thead><tr>${block.head.map((h) => `<th scope="col">${html(h)}</th>`).join('')}</tr></thead>`,
        '<tbody>',
        ...block.rows.map(
          (r) => `<tr>${r.map((c) => `<td>${html(c)}</td>`).join('')}</tr>`,
        ),
        '</tbody>',
        '</table>',
      ].join('\n')
    case 'steps':
      return `<pre aria-label="${html(block.title)}">${html(block.text)}</pre>`
  }
}

function html(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[
        c
      ]!,
  )
}
