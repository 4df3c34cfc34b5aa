import type { ReactNode } from 'react'

/** An error shown next to what failed, announced to screen readers. */
export function ErrorText({ children }: { children: ReactNode }) {
  if (!children) return null
  return (
    <p className="error-text" role="alert">
      {children}
    </p>
  )
}

/** A quiet confirmation, announced without interrupting. */
export function Notice({ children }: { children: ReactNode }) {
  if (!children) return null
  return (
    <p className="notice" role="status">
      {children}
    </p>
  )
}
