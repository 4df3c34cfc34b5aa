import type { StageNumber } from './finding'

/** What the UI and reports say about a check, whatever its result. */
export interface CheckInfo {
  readonly id: string
  readonly stage: StageNumber
  readonly title: string
  /** Why it matters, in a founder's words. */
  readonly why: string
}

/** The checks this version runs, by id (see PRODUCT.md's catalogue). */
export const CATALOGUE: readonly CheckInfo[] = [
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
    why:
      'An expired certificate takes the site down for every visitor at ' +
      'once, usually on a weekend. Automated renewal normally leaves weeks ' +
      'of margin; a certificate close to its end means renewal is broken.',
  },
]

const BY_ID = new Map(CATALOGUE.map((c) => [c.id, c]))

/** The catalogue entry of a check id, or undefined for an unknown id. */
export function checkInfo(id: string): CheckInfo | undefined {
  return BY_ID.get(id)
}
