import { checkInfo } from '../../shared/catalogue'
import type { Workspace } from '../../shared/workspace'
import { header } from '../net/http'
import { finding, type Check, type CheckContext, type Verdict } from './check'
import { canonicalUrl } from './assets'
import {
  decodeBody,
  describeRequest,
  endpointNamed,
  endpointUnreachable,
  fetchEndpoint,
  readEndpoints,
  type DecodedBody,
} from './endpoints'
import { pageProbe, unreachablePage } from './http-probe'

const info = checkInfo('http.payload-size')!

/** Past this many budgets, a response is a failure, not a warning. */
const FAIL_AT_BUDGETS = 5

/**
 * http.payload-size: the canonical page and each read endpoint stay
 * within the workspace's payload budget (1 MB by default), measured as
 * the body the client has to process, after decompression.
 */
export const payloadSize: Check = {
  info,
  targets: (workspace: Workspace) => [
    workspace.canonicalOrigin,
    ...readEndpoints(workspace),
  ],
  async run(target, context) {
    if (target === context.workspace.canonicalOrigin)
      return [finding(info, target, await judgePage(context))]
    const endpoint = endpointNamed(context.workspace, target)
    try {
      const fetched = await fetchEndpoint(endpoint, context)
      const type = header(fetched.response.headers, 'content-type')
      return [
        finding(
          info,
          target,
          judge(target, fetched.request, type, fetched.decoded, context),
        ),
      ]
    } catch (error) {
      return [
        finding(
          info,
          target,
          endpointUnreachable(target, describeRequest(endpoint), error),
        ),
      ]
    }
  },
}

async function judgePage(context: CheckContext): Promise<Verdict> {
  const url = canonicalUrl(context.workspace, context)
  const page = await pageProbe(new URL(url).hostname, context)
  const last = page.hops.at(-1)
  if (!last || page.problem) return unreachablePage(new URL(url).hostname, page)
  const decoded = await decodeBody(
    last,
    context.workspace.budgets.payloadBytes * FAIL_AT_BUDGETS + 1,
  )
  return judge(
    url,
    `GET ${last.url}`,
    header(last.headers, 'content-type'),
    decoded,
    context,
  )
}

function judge(
  target: string,
  request: string,
  type: string | undefined,
  decoded: DecodedBody,
  context: CheckContext,
): Verdict {
  const budget = context.workspace.budgets.payloadBytes
  const size = `${decoded.complete ? '' : 'at least '}${formatBytes(decoded.bytes)}`
  const evidence = {
    request,
    contentType: type ?? null,
    bytes: decoded.bytes,
    complete: decoded.complete,
    budgetBytes: budget,
  }
  if (decoded.bytes <= budget) {
    return {
      status: 'pass',
      severity: 'info',
      title: `${target} is ${size}`,
      detail: `Within the ${formatBytes(budget)} budget.`,
      evidence,
    }
  }
  const fail = decoded.bytes > budget * FAIL_AT_BUDGETS
  return {
    status: fail ? 'fail' : 'warn',
    severity: fail ? 'high' : 'medium',
    title: `${target} sends ${size}`,
    detail: `That is over the ${formatBytes(budget)} budget${fail ? ` by more than ${FAIL_AT_BUDGETS} times` : ''}: slow on a phone connection and heavy on the server.`,
    evidence,
    fix:
      'Send less per response: paginate lists (e.g. ?limit=50&cursor=…), return only the fields the screen shows, ' +
      'and load details on demand. If the size is intended, raise budgets.payloadBytes in the workspace.',
  }
}

/** 1536 → "1.5 KB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
