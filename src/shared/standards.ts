/**
 * Where each check's rule comes from: the standard or the established
 * guide a fix follows, linked from the finding so a founder (or their
 * engineer) can read the reasoning at its source.
 */
export interface Standard {
  readonly name: string
  readonly url: string
}

const rfc = (number: number, section?: string, title?: string): Standard => ({
  name: `RFC ${number}${section ? ` §${section}` : ''}${title ? `: ${title}` : ''}`,
  url: `https://www.rfc-editor.org/rfc/rfc${number}${section ? `#section-${section}` : ''}`,
})

const TWELVE_FACTOR_CONFIG: Standard = {
  name: 'The Twelve-Factor App: III. Config',
  url: 'https://12factor.net/config',
}
const TWELVE_FACTOR_RELEASES: Standard = {
  name: 'The Twelve-Factor App: V. Build, release, run',
  url: 'https://12factor.net/build-release-run',
}
const OWASP_SECRETS: Standard = {
  name: 'OWASP Secrets Management Cheat Sheet',
  url: 'https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html',
}
const SRE_MONITORING: Standard = {
  name: 'Google SRE Book: Monitoring Distributed Systems',
  url: 'https://sre.google/sre-book/monitoring-distributed-systems/',
}
const DNS = rfc(1034, undefined, 'Domain Names, Concepts and Facilities')
const REDIRECTS = rfc(9110, '15.4', 'Redirection 3xx')

const BY_CHECK: Readonly<Record<string, Standard>> = {
  'domain.production-host': rfc(6265, '5.3', 'cookies belong to a host'),
  'env.preview-only': TWELVE_FACTOR_CONFIG,
  'dns.apex': DNS,
  'dns.www': DNS,
  'dns.subdomains': DNS,
  'dns.nameservers': rfc(2182, undefined, 'Secondary DNS Servers'),
  'dns.caa': rfc(8659, undefined, 'DNS CAA Resource Record'),
  'edge.https-redirect': REDIRECTS,
  'edge.canonical': REDIRECTS,
  'edge.hsts': rfc(6797, undefined, 'HTTP Strict Transport Security'),
  'edge.cdn': {
    name: 'OWASP Denial of Service Cheat Sheet',
    url: 'https://cheatsheetseries.owasp.org/cheatsheets/Denial_of_Service_Cheat_Sheet.html',
  },
  'tls.valid': rfc(5280, '6', 'Certification Path Validation'),
  'tls.expiry': {
    name: 'CA/Browser Forum Baseline Requirements',
    url: 'https://cabforum.org/working-groups/server/baseline-requirements/',
  },
  'tls.chain': rfc(8446, '4.4.2', 'the certificate chain a server sends'),
  'tls.protocol': rfc(8996, undefined, 'Deprecating TLS 1.0 and TLS 1.1'),
  'tls.key': {
    name: 'NIST SP 800-131A Rev. 2: key lengths',
    url: 'https://csrc.nist.gov/pubs/sp/800/131/a/r2/final',
  },
  'http.security-headers': {
    name: 'OWASP HTTP Headers Cheat Sheet',
    url: 'https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Headers_Cheat_Sheet.html',
  },
  'secrets.repo': OWASP_SECRETS,
  'secrets.build-log': OWASP_SECRETS,
  'env.documented': TWELVE_FACTOR_CONFIG,
  'env.example-clean': OWASP_SECRETS,
  'env.committed': OWASP_SECRETS,
  'deploy.clean-build': TWELVE_FACTOR_RELEASES,
  'deploy.rollback': TWELVE_FACTOR_RELEASES,
  'deploy.migrations': {
    name: 'The Twelve-Factor App: XII. Admin processes',
    url: 'https://12factor.net/admin-processes',
  },
  'cache.static': rfc(9111, undefined, 'HTTP Caching'),
  'cache.private-data': rfc(9111, '5.2.2.7', 'Cache-Control: private'),
  'cache.api-reads': rfc(9110, '13', 'Conditional Requests'),
  'http.compression': rfc(9110, '8.4', 'Content-Encoding'),
  'http.payload-size': {
    name: 'Lighthouse: Avoid enormous network payloads',
    url: 'https://developer.chrome.com/docs/lighthouse/performance/total-byte-weight',
  },
  'perf.latency': {
    name: 'Google SRE Book: Service Level Objectives',
    url: 'https://sre.google/sre-book/service-level-objectives/',
  },
  'email.mx': rfc(5321, '5', 'Address Resolution and Mail Handling'),
  'email.spf': rfc(7208, undefined, 'Sender Policy Framework'),
  'email.dkim': rfc(6376, undefined, 'DomainKeys Identified Mail'),
  'email.dmarc': rfc(7489, undefined, 'DMARC'),
  'email.mta-sts': rfc(8461, undefined, 'SMTP MTA Strict Transport Security'),
  'email.tls-rpt': rfc(8460, undefined, 'SMTP TLS Reporting'),
  'email.test-send': {
    name: 'Google: Email sender guidelines',
    url: 'https://support.google.com/a/answer/81126',
  },
  'monitor.uptime': SRE_MONITORING,
  'monitor.synthetic-login': SRE_MONITORING,
  'monitor.alert-route': {
    name: 'Google SRE Book: Being On-Call',
    url: 'https://sre.google/sre-book/being-on-call/',
  },
  'http.request-id': {
    name: 'W3C Trace Context',
    url: 'https://www.w3.org/TR/trace-context/',
  },
}

/** The standard behind `check`; undefined for a check not listed yet. */
export function standardOf(check: string): Standard | undefined {
  return BY_CHECK[check]
}

/** Every linked address: the only ones the app opens in the browser. */
export const STANDARD_URLS: ReadonlySet<string> = new Set(
  Object.values(BY_CHECK).map((s) => s.url),
)
