/**
 * The part of autocannon 9's Node API the bench uses (it ships no
 * types). See its README, "autocannon(opts[, cb])" and "Results".
 */
declare module 'autocannon' {
  interface Options {
    /** http(s)://host:port/path; autocannon resolves host itself. */
    url: string
    connections?: number
    /** Seconds. */
    duration?: number
    headers?: Record<string, string>
    /** SNI, for a URL that holds an address. */
    servername?: string
  }

  interface Result {
    /** Seconds, as measured by autocannon. */
    duration: number
    /** Connection errors, timeouts included. */
    errors: number
    timeouts: number
    non2xx: number
    '2xx': number
  }

  function autocannon(options: Options): Promise<Result>
  export default autocannon
}
