import { runChild } from './child'

/**
 * curl as the yardstick for one request's time: `-w %{time_total}` of
 * the same URL, many times in one invocation so curl keeps its
 * connection alive between them, as perf.latency's samples do.
 * Loopback only: the name is pinned to the world's address with
 * --resolve and no proxy is asked.
 */

/** Where curl connects and what it trusts. */
export interface CurlTarget {
  /** A URL on a name, e.g. https://www.shop.test:18443/api/delay?ms=20. */
  readonly url: string
  /** The address the name stands for (--resolve). */
  readonly address: string
  /** The world's root CA (--cacert). */
  readonly caFile: string
}

/** One request as a client timed it. */
export interface RequestTiming {
  /** time_total, in ms. */
  readonly ms: number
  /** True when curl sent it over the connection of an earlier one. */
  readonly reused: boolean
}

/** curl's version, e.g. "7.88.1". */
export async function curlVersion(): Promise<string> {
  const { stdout } = await runChild('curl', ['--version'], {
    timeoutMs: 10_000,
  })
  return /^curl (\S+)/.exec(stdout)?.[1] ?? 'unknown version'
}

/** `count` GETs of the target in one curl invocation, in order. */
export async function timeWithCurl(
  target: CurlTarget,
  count: number,
): Promise<RequestTiming[]> {
  const { hostname, port } = new URL(target.url)
  const args = [
    // -q first: no ~/.curlrc, whose settings could send us elsewhere.
    ...['-q', '--silent', '--show-error', '--fail', '--noproxy', '*'],
    ...['--resolve', `${hostname}:${port}:${target.address}`],
    ...['--cacert', target.caFile],
    // num_connects is 0 for a transfer that reused a connection.
    ...['--write-out', '%{time_total} %{num_connects}\\n'],
    // One -o per URL: each transfer's body goes nowhere.
    ...Array.from({ length: count }, () => ['-o', '/dev/null', target.url]),
  ].flat()
  const { stdout } = await runChild('curl', args, { timeoutMs: 60_000 })
  return stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [seconds, connects] = line.split(' ')
      return { ms: Number(seconds) * 1000, reused: connects === '0' }
    })
}
