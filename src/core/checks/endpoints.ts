import { promisify } from 'node:util'
import zlib from 'node:zlib'
import {
  secretRefName,
  type Endpoint,
  type Workspace,
} from '../../shared/workspace'
import { LaunchReadyError, messageOf } from '../errors'
import { header, HttpError, type HttpResponse } from '../net/http'
import { DnsError } from '../net/resolver'
import type { CheckContext, Verdict } from './check'

/** The endpoint a target names (targets are endpoint names). */
export function endpointNamed(workspace: Workspace, name: string): Endpoint {
  const endpoint = workspace.endpoints.find((e) => e.name === name)
  if (!endpoint)
    throw new Error(`No endpoint is named ${JSON.stringify(name)}.`)
  return endpoint
}

/** A request header value that needs a secret the vault does not have. */
export class MissingSecretError extends LaunchReadyError {
  override name = 'MissingSecretError' as const

  constructor(
    readonly secret: string,
    reason: string,
  ) {
    super(`read the secret "${secret}"`, reason)
  }
}

/**
 * The endpoint's headers with every `secret:NAME` replaced by its value
 * from the vault. The values go into requests only: evidence shows the
 * headers through `describeRequest`, which never prints them.
 */
export async function resolveHeaders(
  endpoint: Endpoint,
  context: CheckContext,
): Promise<Record<string, string>> {
  const resolved: Record<string, string> = {}
  for (const [name, value] of Object.entries(endpoint.headers)) {
    const secret = secretRefName(value)
    if (!secret) {
      resolved[name] = value
      continue
    }
    if (!context.vault) {
      throw new MissingSecretError(
        secret,
        'no keychain is available to this audit',
      )
    }
    const found = await context.vault.get(secret).catch((error: unknown) => {
      throw new MissingSecretError(secret, messageOf(error))
    })
    if (found === undefined) {
      throw new MissingSecretError(secret, 'it is not in the keychain yet')
    }
    resolved[name] = found
  }
  return resolved
}

/** "GET https://… with Authorization (secret:api-token)" — never a value. */
export function describeRequest(endpoint: Endpoint): string {
  const secrets = Object.entries(endpoint.headers).filter(([, v]) =>
    secretRefName(v),
  )
  const plain = Object.keys(endpoint.headers).filter(
    (k) => !secrets.some(([s]) => s === k),
  )
  const parts = [...secrets.map(([k, v]) => `${k} (${v})`), ...plain]
  return `${endpoint.method} ${endpoint.url}${parts.length ? ` with ${parts.join(', ')}` : ''}`
}

/** True when a request to the endpoint carries credentials. */
export function isAuthenticated(endpoint: Endpoint): boolean {
  return Object.entries(endpoint.headers).some(
    ([name, value]) =>
      secretRefName(value) !== undefined ||
      /^(authorization|cookie)$/i.test(name),
  )
}

/** A read endpoint's response as fetched once per audit. */
export interface EndpointFetch {
  readonly request: string
  readonly headers: Readonly<Record<string, string>>
  readonly response: HttpResponse
  readonly decoded: DecodedBody
}

/**
 * One GET of a read endpoint per audit (credentials from the vault,
 * compression accepted), shared by the caching, compression and
 * payload checks. Reads up to five times the payload budget.
 */
export function fetchEndpoint(
  endpoint: Endpoint,
  context: CheckContext,
): Promise<EndpointFetch> {
  return context.probe(`endpoint:${endpoint.name}`, async (signal) => {
    const headers = await resolveHeaders(endpoint, context)
    const response = await context.net.http.request(endpoint.url, {
      method: endpoint.method,
      headers: { 'accept-encoding': 'br, gzip', ...headers },
      signal,
      maxBodyBytes: context.workspace.budgets.payloadBytes * 5 + 1,
    })
    return {
      request: describeRequest(endpoint),
      headers,
      response,
      decoded: await decodeBody(
        response,
        context.workspace.budgets.payloadBytes * 5 + 1,
      ),
    }
  })
}

/** A body's size once its content-encoding is undone. */
export interface DecodedBody {
  readonly bytes: number
  /** False when the body was cut short, so `bytes` is a lower bound. */
  readonly complete: boolean
  readonly encoding: string | undefined
  readonly text: string
}

const DECODERS: Readonly<
  Record<string, (b: Buffer, o: zlib.ZlibOptions) => Promise<Buffer>>
> = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress) as (
    b: Buffer,
    o: zlib.ZlibOptions,
  ) => Promise<Buffer>,
}

/** Undoes gzip, deflate or brotli, up to `limit` bytes of output. */
export async function decodeBody(
  response: HttpResponse,
  limit: number,
): Promise<DecodedBody> {
  const encoding = header(response.headers, 'content-encoding')
    ?.trim()
    .toLowerCase()
  const decode = encoding ? DECODERS[encoding] : undefined
  if (!decode) {
    return {
      bytes: response.body.length,
      complete: !response.truncated,
      encoding,
      text: response.body.subarray(0, 256 * 1024).toString('utf8'),
    }
  }
  try {
    const body = await decode(response.body, { maxOutputLength: limit })
    return {
      bytes: body.length,
      complete: !response.truncated,
      encoding,
      text: body.subarray(0, 256 * 1024).toString('utf8'),
    }
  } catch {
    // Cut short, or past the limit: what came through is a lower bound.
    return { bytes: limit, complete: false, encoding, text: '' }
  }
}

/** The verdict for an endpoint that could not be fetched at all. */
export function endpointUnreachable(
  name: string,
  request: string,
  error: unknown,
): Verdict {
  if (error instanceof MissingSecretError) {
    return {
      status: 'error',
      severity: 'medium',
      title: `No credential to call ${name}`,
      detail: `${error.message}, so the endpoint cannot be called as your team would.`,
      evidence: { request },
      fix:
        `Add "${error.secret}" on the Credentials screen (values go to the keychain), ` +
        `or headless set LAUNCH_READY_SECRET_${error.secret.toUpperCase().replace(/[^A-Z0-9]/g, '_')}.`,
    }
  }
  if (error instanceof HttpError || error instanceof DnsError) {
    return {
      status: 'error',
      severity: 'high',
      title: `Could not call ${name}`,
      detail: `${error.message}.`,
      evidence: { request, error: error.reason },
      fix: 'Check that the endpoint answers from this computer, then run the audit again.',
    }
  }
  throw error
}

/** The workspace's read endpoints, by name. */
export function readEndpoints(workspace: Workspace): string[] {
  return workspace.endpoints.filter((e) => e.kind === 'read').map((e) => e.name)
}

/** True for a media type that compresses: text, JSON, JS, CSS, XML, SVG. */
export function isTextual(contentType: string | undefined): boolean {
  return /^(text\/|application\/(json|javascript|xml|[\w.+-]+\+(json|xml))|image\/svg\+xml)/i.test(
    contentType?.trim() ?? '',
  )
}
