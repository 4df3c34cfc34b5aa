import { useMemo } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { AuditSnapshot } from '../lib/rows'
import { findingKey } from '../lib/risk'
import { useAuditStore } from './audit'
import { useWorkspaceStore } from './workspace'

/** The audit and each check's targets, combined for the stage list. */
export function useAuditSnapshot(): AuditSnapshot {
  const { run, live, progress } = useAuditStore(
    useShallow((s) => ({ run: s.run, live: s.live, progress: s.progress })),
  )
  const targets = useWorkspaceStore((s) => s.view?.targets)
  return useMemo(
    () => ({
      run,
      live,
      running: progress !== null,
      scope: progress?.scope ?? null,
      inFlight: new Set(progress?.inFlight.map(findingKey) ?? []),
      targets: targets ?? {},
    }),
    [run, live, progress, targets],
  )
}
