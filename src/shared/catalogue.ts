import type { StageNumber } from './finding'

/** What the UI and reports say about a check, whatever its result. */
export interface CheckInfo {
  readonly id: string
  readonly stage: StageNumber
  readonly title: string
  /** Why it matters, in a founder's words. */
  readonly why: string
  /**
   * The number in a finding's evidence worth following from run to run,
   * for checks that measure something.
   */
  readonly trend?: {
    readonly key: string
    readonly label: string
    readonly unit: string
  }
  /**
   * A check with side effects (it sends real mail) runs only when asked
   * for by name; this is the label of the button that asks.
   */
  readonly onDemand?: string
  /** Why it is left out of the audit, after "Not part of the audit:". */
  readonly onDemandWhy?: string
}

/** The checks this version runs, by id (see PRODUCT.md's catalogue). */
export const CATALOGUE: readonly CheckInfo[] = [
  {
    id: 'domain.production-host',
    stage: 1,
    title: 'Production runs on your own domain',
    why:
      'A preview host such as *.vercel.app belongs to your hosting ' +
      'provider, not to you: you cannot move it, protect it with your own ' +
      'edge, or keep its links, cookies and search ranking if you leave. ' +
      'Customers and staff should only ever learn your own address.',
  },
  {
    id: 'env.preview-only',
    stage: 1,
    title: 'Production settings point at production services',
    why:
      'A production setting left pointing at a preview deployment, ' +
      'localhost or a staging server sends real orders, emails and ' +
      'payments somewhere that is not production, and nobody notices ' +
      'until a customer does.',
  },
  {
    id: 'dns.apex',
    stage: 2,
    title: 'The bare domain resolves',
    why:
      'People type the bare domain. If it does not resolve, or points at ' +
      'a name that no longer exists, they get "site can\'t be reached" ' +
      'before any redirect can help.',
  },
  {
    id: 'dns.www',
    stage: 2,
    title: 'www resolves',
    why:
      'Links, old bookmarks and habits still send people to www. It must ' +
      'resolve so the redirect to your canonical address can happen.',
  },
  {
    id: 'dns.subdomains',
    stage: 2,
    title: 'Every subdomain resolves',
    why:
      'A subdomain that does not resolve is an outage for whoever uses it. ' +
      'One that points (CNAME) at a name that no longer exists is worse: ' +
      'whoever registers that name at the provider serves pages under your ' +
      'domain — a subdomain takeover.',
  },
  {
    id: 'dns.nameservers',
    stage: 2,
    title: 'Nameservers answer and agree',
    why:
      'Resolvers ask any of your nameservers at random. One that is down ' +
      'makes the site fail for a share of visitors; one that serves an old ' +
      'copy of the zone sends them to old addresses, often for hours.',
  },
  {
    id: 'dns.caa',
    stage: 2,
    title: 'CAA allows your certificate authority',
    why:
      'CAA records say which certificate authorities may issue for your ' +
      'domain, so nobody else can get a certificate for it. If they leave ' +
      'out the CA you actually use, the next automatic renewal fails and ' +
      'the site goes down when the current certificate expires.',
  },
  {
    id: 'edge.https-redirect',
    stage: 2,
    title: 'HTTP redirects to HTTPS',
    why:
      'Anyone who types your address, or follows an old http:// link, ' +
      'first reaches the plain-HTTP site. Unless it immediately and ' +
      'permanently redirects to HTTPS on the same host, logins and ' +
      'session cookies can travel unencrypted and HSTS cannot take effect.',
  },
  {
    id: 'edge.canonical',
    stage: 2,
    title: 'Every variant ends on one canonical address',
    why:
      'http and https, with and without www, should all land on the one ' +
      'address you chose, quickly and for good. Otherwise sessions split ' +
      'between hosts (staff get logged out), search engines see duplicate ' +
      'sites, and a redirect back to http:// undoes HTTPS.',
  },
  {
    id: 'edge.hsts',
    stage: 2,
    title: 'HSTS tells browsers to insist on HTTPS',
    why:
      'Strict-Transport-Security makes browsers use HTTPS for your site ' +
      'for as long as max-age says, even if someone types http:// or an ' +
      'attacker on café Wi-Fi tries to downgrade the connection.',
  },
  {
    id: 'edge.cdn',
    stage: 2,
    title: 'An edge (CDN / DDoS protection) fronts the site',
    why:
      'An edge network such as Cloudflare absorbs floods of traffic, ' +
      "hides your server's address and caches static files. Without one, " +
      'a modest attack or a viral launch day reaches your server directly.',
  },
  {
    id: 'tls.valid',
    stage: 2,
    title: 'Certificate is valid',
    why:
      'Browsers refuse a site whose certificate is untrusted, names ' +
      'another host, or is outside its dates: your team sees a full-page ' +
      'security warning instead of the admin app, and learns to click ' +
      'through warnings, which is how credentials get phished.',
  },
  {
    id: 'tls.expiry',
    stage: 2,
    title: 'Certificate is not about to expire',
    trend: { key: 'daysLeft', label: 'Days left', unit: 'days' },
    why:
      'An expired certificate takes the site down for every visitor at ' +
      'once, usually on a weekend. Automated renewal normally leaves weeks ' +
      'of margin; a certificate close to its end means renewal is broken.',
  },
  {
    id: 'tls.chain',
    stage: 2,
    title: 'The server sends a complete, current chain',
    why:
      'Browsers need the intermediate certificates that link yours to a ' +
      'trusted root. A server that leaves them out works in some browsers ' +
      'and fails in others, in apps and in payment webhooks; an ' +
      'intermediate about to expire takes the chain down with it.',
  },
  {
    id: 'tls.protocol',
    stage: 2,
    title: 'Only modern TLS versions are offered',
    why:
      'TLS 1.0 and 1.1 have known weaknesses and are refused by current ' +
      'browsers and by PCI DSS for anything touching payments. TLS 1.2 is ' +
      'the floor; TLS 1.3 is faster and simpler.',
  },
  {
    id: 'tls.key',
    stage: 2,
    title: 'The certificate uses a strong key and signature',
    why:
      'RSA keys under 2048 bits and SHA-1 signatures can be broken with ' +
      'rented computing power, and browsers reject them.',
  },
  {
    id: 'http.security-headers',
    stage: 2,
    title: 'Security headers protect the admin pages',
    why:
      'An admin app is a target for clickjacking (your page framed by ' +
      'another site to trick clicks) and content sniffing. A few response ' +
      'headers switch those attacks off in every browser.',
  },
  {
    id: 'secrets.repo',
    stage: 3,
    title: 'No credentials in the repository',
    why:
      'Anyone who can read the code can use a key written in it: a ' +
      'contractor, a leaked laptop, a public fork. Deleting it later does ' +
      'not help, because git keeps every old version; a leaked key has to ' +
      'be rotated.',
  },
  {
    id: 'secrets.build-log',
    stage: 3,
    title: 'No credentials in build logs',
    why:
      'Build logs are kept for weeks and read by everyone on the team and ' +
      'often by the hosting provider. A build that prints a key, even ' +
      'once in a debug line, hands it to all of them.',
  },
  {
    id: 'env.documented',
    stage: 3,
    title: 'Every environment variable is documented and set',
    why:
      'The app only works with the right settings. If a variable the code ' +
      'reads is not written down, the next person to deploy will miss it; ' +
      'if an environment does not set it, that environment breaks, often ' +
      'in a way that only shows up on the one page that needs it.',
  },
  {
    id: 'env.example-clean',
    stage: 3,
    title: 'Example env files hold no real secrets',
    why:
      'Example files such as .env.example are committed for everyone to ' +
      'copy. A real key left in one is readable by anyone with the ' +
      'repository, for ever, through its history.',
  },
  {
    id: 'env.committed',
    stage: 3,
    title: 'No real .env file is in git',
    why:
      'A .env file holds the real passwords and keys. Once committed, ' +
      'every copy of the repository has them, and deleting the file ' +
      'later does not remove them from the history.',
  },
  {
    id: 'deploy.clean-build',
    stage: 3,
    title: 'The production build works from a clean copy',
    why:
      'A build that only works on one laptop, thanks to a file that is ' +
      'not in git or a variable nobody wrote down, fails the day someone ' +
      'else deploys. Building a fresh clone with only the documented ' +
      'variables proves it does not, and its log must not print secrets.',
    onDemand: 'Run a clean build',
    onDemandWhy: 'it builds the app from a fresh copy, which takes minutes.',
  },
  {
    id: 'deploy.rollback',
    stage: 3,
    title: 'Rollback steps are written down',
    why:
      'When a deploy breaks the shop, the fastest fix is going back to ' +
      'the last good version. Written steps let whoever is on call do it ' +
      'in minutes, without the engineer who set things up.',
  },
  {
    id: 'deploy.migrations',
    stage: 3,
    title: 'Database migrations are written down',
    why:
      'A database change cannot always be undone by redeploying old code. ' +
      'Knowing how migrations run, in what order relative to the deploy, ' +
      'and how to back out of one keeps a bad release from losing orders.',
  },
  {
    id: 'cache.static',
    stage: 4,
    title: 'Static files are cached at the edge and in browsers',
    why:
      'Scripts, styles and images rarely change between deploys. Cached ' +
      'for long in browsers and at the edge, they load instantly on every ' +
      'page after the first and never reach your server; uncached, every ' +
      'page view downloads them again from the origin.',
  },
  {
    id: 'cache.private-data',
    stage: 4,
    title: 'Logged-in responses are never cached publicly',
    why:
      'A response to a logged-in request that says "public" can be kept ' +
      'by your CDN and handed to the next visitor: one customer sees ' +
      "another's orders. It is the most damaging caching mistake there is.",
  },
  {
    id: 'cache.api-reads',
    stage: 4,
    title: 'Repeated reads can be revalidated',
    why:
      'Admin screens poll the same lists again and again. With an ETag or ' +
      'Last-Modified the server answers "not modified" in a few bytes ' +
      'instead of sending the whole list each time.',
  },
  {
    id: 'http.compression',
    stage: 4,
    title: 'Text responses are compressed',
    why:
      'HTML, JSON, scripts and styles shrink by 70–90% with gzip or ' +
      'Brotli: pages load faster on slow connections and bandwidth bills ' +
      'drop.',
  },
  {
    id: 'http.payload-size',
    stage: 4,
    title: 'Responses stay within the size budget',
    why:
      'A page or API response of several megabytes is slow on a phone ' +
      'connection and heavy for the server; it usually means a list ' +
      'without pagination.',
  },
  {
    id: 'perf.latency',
    stage: 4,
    title: 'Admin actions answer within the latency budget',
    trend: { key: 'p95Ms', label: 'p95', unit: 'ms' },
    why:
      'Staff feel every slow list and every slow save. The 95th ' +
      'percentile is what they meet several times a day: reads should ' +
      'answer within 300 ms and writes within 800 ms.',
  },
  {
    id: 'email.mx',
    stage: 5,
    title: 'Mail servers receive mail, over TLS',
    why:
      'Customers reply to order alerts and write to support. The MX ' +
      'records must point at servers that answer, and STARTTLS keeps that ' +
      'mail encrypted between servers.',
  },
  {
    id: 'email.spf',
    stage: 5,
    title: 'SPF names only your senders, within its limits',
    why:
      'SPF lists the servers allowed to send as your domain. One record, ' +
      'ten DNS lookups at most, ending in -all or ~all: past a limit, or ' +
      'with two records, receivers ignore it and your order alerts fail ' +
      'DMARC; with +all, anyone passes as you.',
  },
  {
    id: 'email.dkim',
    stage: 5,
    title: 'DKIM keys are published and sound',
    why:
      'DKIM signs every message so receivers can tell it really comes ' +
      'from you and was not altered. A missing, revoked or test key means ' +
      'your password resets land in spam or nowhere.',
  },
  {
    id: 'email.dmarc',
    stage: 5,
    title: 'DMARC enforces your sender policy',
    why:
      'DMARC tells receivers what to do with mail that fails SPF and DKIM ' +
      'and sends you reports. Without it anyone can send as your domain, ' +
      'and Gmail and Yahoo now demand it from bulk senders.',
  },
  {
    id: 'email.mta-sts',
    stage: 5,
    title: 'MTA-STS requires TLS for mail to you',
    why:
      'MTA-STS tells other mail servers to deliver to you only over ' +
      'verified TLS, so nobody on the path can read or redirect it.',
  },
  {
    id: 'email.tls-rpt',
    stage: 5,
    title: 'TLS failures are reported to you',
    why:
      'With TLS-RPT, servers that fail to deliver to you securely send a ' +
      'daily report, so a broken mail certificate is noticed early.',
  },
  {
    id: 'email.test-send',
    stage: 5,
    title: 'Test messages go out through your mail account',
    why:
      'Records can be perfect and mail still fail: a wrong password, a ' +
      'blocked port, a sender address the provider refuses. Sending a ' +
      'password reset and an order alert proves the path end to end.',
    onDemand: 'Send test messages',
  },
  {
    id: 'monitor.uptime',
    stage: 6,
    title: 'Your pages are watched every few minutes',
    why:
      'An outage noticed by a customer first costs orders and trust. ' +
      'Checking the key pages every 1–5 minutes, and confirming a ' +
      'failure before alerting, tells you within minutes and without ' +
      'false alarms.',
  },
  {
    id: 'monitor.synthetic-login',
    stage: 6,
    title: 'A browser can sign in to your admin',
    why:
      'The home page can answer while signing in is broken: a failed ' +
      'deploy, an expired session store, a changed form. A browser that ' +
      'signs in, sees the dashboard and looks up an order every few ' +
      'minutes finds it before your staff do.',
  },
  {
    id: 'monitor.alert-route',
    stage: 6,
    title: 'Alerts reach a named person',
    why:
      'Monitoring only helps if an alert reaches someone who acts on it. ' +
      'A channel that was never tested, or an alert with no owner, ' +
      'fails exactly when it is needed.',
  },
  {
    id: 'http.request-id',
    stage: 6,
    title: 'Responses carry a request id',
    why:
      'When a customer reports an error, a request id in the response ' +
      'lets you find that exact request in the logs in seconds instead ' +
      'of guessing from timestamps.',
  },
]

const BY_ID = new Map(CATALOGUE.map((c) => [c.id, c]))

/** The catalogue entry of a check id, or undefined for an unknown id. */
export function checkInfo(id: string): CheckInfo | undefined {
  return BY_ID.get(id)
}
