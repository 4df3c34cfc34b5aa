import { CATALOGUE } from '../../shared/catalogue'
import { cacheApiReads } from './cache-api-reads'
import { cachePrivateData } from './cache-private'
import { cacheStatic } from './cache-static'
import { caa } from './caa'
import { canonical } from './canonical'
import { cdn } from './cdn'
import type { Check } from './check'
import { deployCleanBuild } from './deploy-clean-build'
import { deployMigrations, deployRollback } from './deploy-manual'
import { dnsApex, dnsSubdomains, dnsWww } from './dns-resolution'
import { compression } from './compression'
import { emailDkim } from './email-dkim'
import { emailDmarc } from './email-dmarc'
import { emailMx } from './email-mx'
import { emailMtaSts, emailTlsRpt } from './email-policies'
import { emailSpf } from './email-spf'
import { emailTestSend } from './email-test-send'
import { envCommitted } from './env-committed'
import { envDocumented } from './env-documented'
import { envExampleClean } from './env-example-clean'
import { envPreviewOnly } from './env-preview-only'
import { hsts } from './hsts'
import { httpsRedirect } from './https-redirect'
import { latency } from './latency'
import { monitorAlertRoute } from './monitor-alert-route'
import { monitorSyntheticLogin } from './monitor-synthetic-login'
import { monitorUptime } from './monitor-uptime'
import { nameservers } from './nameservers'
import { payloadSize } from './payload-size'
import { productionHost } from './production-host'
import { requestId } from './request-id'
import { securityHeaders } from './security-headers'
import { secretsBuildLog } from './secrets-build-log'
import { secretsRepo } from './secrets-repo'
import { tlsChain } from './tls-chain'
import { tlsExpiry } from './tls-expiry'
import { tlsKey } from './tls-key'
import { tlsProtocol } from './tls-protocol'
import { tlsValid } from './tls-valid'

const ALL: readonly Check[] = [
  productionHost,
  envPreviewOnly,
  dnsApex,
  dnsWww,
  dnsSubdomains,
  nameservers,
  caa,
  httpsRedirect,
  canonical,
  hsts,
  cdn,
  tlsValid,
  tlsExpiry,
  tlsChain,
  tlsProtocol,
  tlsKey,
  securityHeaders,
  secretsRepo,
  secretsBuildLog,
  envDocumented,
  envExampleClean,
  envCommitted,
  deployCleanBuild,
  deployRollback,
  deployMigrations,
  cacheStatic,
  cachePrivateData,
  cacheApiReads,
  compression,
  payloadSize,
  latency,
  emailMx,
  emailSpf,
  emailDkim,
  emailDmarc,
  emailMtaSts,
  emailTlsRpt,
  emailTestSend,
  monitorUptime,
  monitorSyntheticLogin,
  monitorAlertRoute,
  requestId,
]

/** Every check this version runs, in catalogue order. */
export const CHECKS: readonly Check[] = CATALOGUE.map((entry) => {
  const check = ALL.find((c) => c.info.id === entry.id)
  if (!check)
    throw new Error(`The catalogue lists ${entry.id}, which has no check.`)
  return check
})

/**
 * The checks named by `only` (ids, or prefixes ending in '.' such as
 * "tls."), or every check. Unknown names are returned for the caller to
 * report.
 */
export function selectChecks(only?: readonly string[]): {
  readonly checks: readonly Check[]
  readonly unknown: readonly string[]
} {
  // Checks with side effects run only when named: never in a full audit
  // or by prefix.
  if (!only || only.length === 0) {
    return { checks: CHECKS.filter((c) => !c.info.onDemand), unknown: [] }
  }
  const matches = (check: Check, name: string) =>
    name.endsWith('.')
      ? check.info.id.startsWith(name) && !check.info.onDemand
      : check.info.id === name
  return {
    checks: CHECKS.filter((c) => only.some((name) => matches(c, name))),
    unknown: only.filter((name) => !CHECKS.some((c) => matches(c, name))),
  }
}
