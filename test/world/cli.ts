import { relative } from 'node:path'
import { parseArgs } from 'node:util'
import {
  API_TOKEN_ENV,
  BULK_MAILER_DOMAIN,
  CANONICAL_SCENARIOS,
  MAIL_CONTROL,
  MAILER_DOMAIN,
  SMTP_PASSWORD_ENV,
  LAME_DOMAIN,
  scenarioDomain,
  STALE_DOMAIN,
  startWorld,
  type World,
} from './world'

/**
 * `npm run world`: starts the test world for a developer, prints how to
 * reach it, and keeps it up until Ctrl-C.
 *
 *   npm run world -- [--out .world/shop.launchready.yaml] [--net N|auto]
 *                    [--latency MS]
 */

const USAGE = `Usage: npm run world -- [--out FILE] [--net N|auto] [--latency MS]

Starts the Launch Ready test world on loopback: two knotd servers for
shop.test and its sibling zones, nginx as the edge (some hosts behind a
Cloudflare-like front), the shop's admin app behind www's /api/ and
/static/, misbehaving servers, SMTP servers (an MX that checks SPF, DKIM
and DMARC, a submission server that signs and relays) and a domain per
email mistake, certificates from a throwaway CA. Ctrl-C stops it.

  --out FILE     write the main workspace to FILE; the CA file and the
                 other workspaces go next to it; default: inside the
                 world's temp dir
  --net N        use 127.0.N.0/24 and ports offset by (N-1)*100
                 (default 1); "auto" picks a free block
  --latency MS   add MS of round-trip time to every server (default 0)`

async function main(): Promise<void> {
  const options = readOptions()
  if (!options) return
  const started = performance.now()
  const world = await startWorld(options)
  const ms = Math.round(performance.now() - started)
  stopOnSignal(world)
  process.stdout.write(describe(world, ms))
}

function readOptions(): Parameters<typeof startWorld>[0] | undefined {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      net: { type: 'string' },
      latency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return undefined
  }
  const net = values.net
  if (net !== undefined && net !== 'auto' && !/^\d+$/.test(net)) {
    throw new Error(`--net takes a number from 1 to 254, or "auto": ${net}`)
  }
  const latency = values.latency
  if (latency !== undefined && !/^\d+$/.test(latency)) {
    throw new Error(`--latency takes a whole number of ms: ${latency}`)
  }
  return {
    workspaceFile: values.out,
    net: net === undefined || net === 'auto' ? net : Number(net),
    latencyMs: latency === undefined ? undefined : Number(latency),
  }
}

/** Ctrl-C, SIGTERM or a closed terminal: stop everything, exit 0. */
function stopOnSignal(world: World): void {
  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    console.log(`\n${signal}: stopping the test world…`)
    world.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error)
        process.exit(1)
      },
    )
  }
  // Handlers stay: a second Ctrl-C must not kill us before the servers.
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  process.on('SIGHUP', stop)
}

/** The banner: where things are, a table of hosts, what to run next. */
function describe(world: World, ms: number): string {
  const shown = (file: string) => {
    const rel = relative(process.cwd(), file)
    return rel.startsWith('..') ? file : rel
  }
  const rows = world.hosts.map((h) => [
    h.name,
    h.address || `CNAME ${h.cname ?? ''}`,
    h.workspace,
    h.kind,
    h.purpose,
  ])
  const [ns1, ns2] = world.nameservers
  const scenarios = CANONICAL_SCENARIOS.map(scenarioDomain).join(', ')
  const latency = world.latencyMs ? `, ${world.latencyMs} ms added` : ''
  return [
    `Test world up in ${ms} ms (127.0.${world.net}.0/24${latency}).`,
    '',
    `Workspace  ${shown(world.workspaceFile)}  (main: ${world.domain})`,
    `           ${shown(world.hostileWorkspaceFile)}  (hostile)`,
    `           ${shown(world.deadDnsWorkspaceFile)}  (main, dead DNS)`,
    `           ${shown(world.badEndpointsWorkspaceFile)}  (main, bad endpoints)`,
    `CA         ${shown(world.caFile)}  (root only; trust it to talk TLS)`,
    `CAA        ${world.caaIdentity}  (network.caaIdentity)`,
    `DNS        ${ns1?.name} ${ns1?.endpoint}, ${ns2?.name} ${ns2?.endpoint}`,
    `           dead: ${world.deadResolver}; lame NS: ${world.lameNameserver}`,
    `Ports      http ${world.httpPort}, https ${world.httpsPort}, dns ${world.dnsPort}, ` +
      `MX ${world.smtpPort} (network.smtpPort), submission ${world.submissionPort}`,
    `Admin app  ${world.app.origin}, behind https://www.${world.domain}/api/ and /static/`,
    `Mail       received: ${world.mail.origin}${MAIL_CONTROL.mail} (reset: POST ${MAIL_CONTROL.reset})`,
    `           providers ${MAILER_DOMAIN} (approved), ${BULK_MAILER_DOMAIN} (not)`,
    `Webhooks   ${world.webhookOrigin}/services/… (Slack-like), any other path (generic); received: ${world.webhookOrigin}/__world/webhook`,
    `Zones      also ${STALE_DOMAIN} (ns2 stale), ${LAME_DOMAIN} (a dead NS);`,
    `           canonical scenarios ${scenarios}`,
    '',
    table([
      ['HOST', 'ADDRESS', 'WORKSPACE', 'KIND', 'WHAT IT IS FOR'],
      ...rows,
    ]),
    '',
    table([
      ['MAIL HOST', 'ADDRESS', 'PORT', 'KIND', 'WHAT IT IS FOR'],
      ...world.mail.hosts.map((h) => [
        h.name,
        h.address,
        `${h.port}`,
        h.kind,
        h.purpose,
      ]),
    ]),
    '',
    table([
      ['MAIL DOMAIN', 'EMAIL.DOMAIN', 'WHAT IT SHOWS'],
      ...world.mail.domains.map((d) => [d.zone, d.domain, d.purpose]),
    ]),
    '',
    // A throwaway value, new each start; the workspaces only name it.
    'The API token, for the vault (secret:shop-api-token):',
    `  export ${API_TOKEN_ENV}='${world.apiToken}'`,
    'The SMTP password, for the vault (secret:smtp-password):',
    `  export ${SMTP_PASSWORD_ENV}='${world.smtpPassword}'`,
    '',
    `Audit it:  node bin/launch-ready.js audit ${shown(world.workspaceFile)}`,
    '',
    'Press Ctrl-C to stop the world.',
    '',
  ].join('\n')
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) =>
    Math.max(...rows.map((row) => row[i]!.length)),
  )
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
