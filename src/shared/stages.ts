import type { StageNumber } from './finding'

export interface Stage {
  readonly number: StageNumber
  readonly title: string
  readonly goal: string
}

/** The seven stages of ../PRODUCT.md, in the order the app walks them. */
export const STAGES: readonly Stage[] = [
  {
    number: 1,
    title: 'Quick audit',
    goal: 'A one-page risk list, blockers first.',
  },
  {
    number: 2,
    title: 'Domain and edge',
    goal: 'One canonical URL, TLS everywhere, subdomains resolve, an edge in front.',
  },
  {
    number: 3,
    title: 'Deployment hardening',
    goal: 'Clean builds, documented env vars, no secrets in code or logs.',
  },
  {
    number: 4,
    title: 'Performance',
    goal: 'Cache headers, compression and p95 latency inside budget.',
  },
  {
    number: 5,
    title: 'Email trust',
    goal: 'SPF, DKIM and DMARC enforcing; real mail delivered.',
  },
  {
    number: 6,
    title: 'Monitoring',
    goal: 'Uptime checks, alerts with an owner, request ids in errors.',
  },
  {
    number: 7,
    title: 'Handover',
    goal: 'Access, rotation and rollback written down; owners named.',
  },
]
