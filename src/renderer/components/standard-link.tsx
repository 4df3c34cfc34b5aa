import { useState } from 'react'
import { standardOf } from '../../shared/standards'
import { readableError, settle } from '../lib/result'
import { ErrorText } from './messages'

/**
 * "From the standard: RFC 7208" — opened in the user's browser, since
 * the app's window never leaves the app.
 */
export function StandardLink({ check }: { check: string }) {
  const standard = standardOf(check)
  const [error, setError] = useState<string>()
  if (!standard) return null
  const open = async () => {
    const result = await settle(window.api.link.open({ url: standard.url }))
    setError(result.ok ? undefined : readableError(result.error))
  }
  return (
    <>
      <p className="standard">
        From the standard:{' '}
        <a
          href={standard.url}
          onClick={(event) => {
            event.preventDefault()
            void open()
          }}
        >
          {standard.name}
        </a>{' '}
        <span className="muted">(opens in your browser)</span>
      </p>
      <ErrorText>{error}</ErrorText>
    </>
  )
}
