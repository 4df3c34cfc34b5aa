/**
 * What a failing check costs the business, in the words a founder uses
 * when deciding what to fix first: the risk list puts it on every line.
 */
export type Impact =
  | 'browser-warning'
  | 'site-down'
  | 'lost-orders'
  | 'lost-mail'
  | 'spam-folder'
  | 'phishing'
  | 'data-leak'
  | 'slow'
  | 'broken-deploy'
  | 'unnoticed'

export interface ImpactInfo {
  readonly label: string
  readonly sentence: string
}

export const IMPACTS: Readonly<Record<Impact, ImpactInfo>> = {
  'browser-warning': {
    label: 'Browser warning',
    sentence:
      'Browsers show a security warning instead of your site, and most visitors leave.',
  },
  'site-down': {
    label: 'Site down',
    sentence:
      'The site or the admin can become unreachable, and orders wait until it is back.',
  },
  'lost-orders': {
    label: 'Lost orders',
    sentence:
      'Logins, carts or orders break for some visitors, with no error anyone sees.',
  },
  'lost-mail': {
    label: 'Lost mail',
    sentence:
      'Mail goes missing: customer replies, order alerts, password resets.',
  },
  'spam-folder': {
    label: 'Spam folder',
    sentence:
      'Order confirmations and password resets land in spam or are refused.',
  },
  phishing: {
    label: 'Phishing in your name',
    sentence:
      'Anyone can send mail that looks like yours to your customers and staff.',
  },
  'data-leak': {
    label: 'Data leak',
    sentence:
      'Customer data or credentials can end up where strangers can read them.',
  },
  slow: {
    label: 'Slow pages',
    sentence: 'Pages and admin actions are slow: staff wait, customers leave.',
  },
  'broken-deploy': {
    label: 'Broken deploy',
    sentence:
      'A deploy can fail or cannot be undone, and the fix happens under pressure.',
  },
  unnoticed: {
    label: 'Goes unnoticed',
    sentence:
      'When something breaks, nobody hears of it until a customer complains.',
  },
}

/** Each check's impact, by check id. */
const BY_CHECK: Readonly<Record<string, Impact>> = {
  'domain.production-host': 'lost-orders',
  'env.preview-only': 'lost-orders',
  'dns.apex': 'site-down',
  'dns.www': 'site-down',
  'dns.subdomains': 'site-down',
  'dns.nameservers': 'site-down',
  'dns.caa': 'browser-warning',
  'edge.https-redirect': 'data-leak',
  'edge.canonical': 'lost-orders',
  'edge.hsts': 'data-leak',
  'edge.cdn': 'site-down',
  'tls.valid': 'browser-warning',
  'tls.expiry': 'browser-warning',
  'tls.chain': 'browser-warning',
  'tls.protocol': 'browser-warning',
  'tls.key': 'browser-warning',
  'http.security-headers': 'data-leak',
  'secrets.repo': 'data-leak',
  'secrets.build-log': 'data-leak',
  'env.documented': 'broken-deploy',
  'env.example-clean': 'data-leak',
  'env.committed': 'data-leak',
  'deploy.clean-build': 'broken-deploy',
  'deploy.rollback': 'broken-deploy',
  'deploy.migrations': 'broken-deploy',
  'cache.static': 'slow',
  'cache.private-data': 'data-leak',
  'cache.api-reads': 'slow',
  'http.compression': 'slow',
  'http.payload-size': 'slow',
  'perf.latency': 'slow',
  'email.mx': 'lost-mail',
  'email.spf': 'spam-folder',
  'email.dkim': 'spam-folder',
  'email.dmarc': 'phishing',
  'email.mta-sts': 'data-leak',
  'email.tls-rpt': 'unnoticed',
  'email.test-send': 'lost-mail',
  'monitor.uptime': 'unnoticed',
  'monitor.synthetic-login': 'unnoticed',
  'monitor.alert-route': 'unnoticed',
  'http.request-id': 'unnoticed',
}

/** What failing `check` costs; undefined for a check not listed yet. */
export function impactOf(check: string): ImpactInfo | undefined {
  const impact = BY_CHECK[check]
  return impact && IMPACTS[impact]
}
