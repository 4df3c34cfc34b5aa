import { useMemo } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { workspaceHosts } from '../../shared/workspace'
import type { AuditSnapshot } from '../lib/rows'
import { findingKey } from '../lib/risk'
import { useAuditStore } from './audit'
import { useWorkspaceStore } from './workspace'

/** The audit and the workspace's hosts, combined for the stage list. */
export function useAuditSnapshot(): AuditSnapshot {
  const { run, live, progress } = useAuditStore(
    useShallow((s) => ({ run: s.run, live: s.live, progress: s.progress })),
  )
  const workspace = useWorkspaceStore((s) => s.view?.workspace)
  return useMemo(
    () => ({
      run,
      live,
      running: progress !== null,
      scope: progress?.scope ?? null,
      inFlight: new Set(progress?.inFlight.map(findingKey) ?? []),
      hosts: workspace ? workspaceHosts(workspace) : [],
    }),
    [run, live, progress, workspace],
  )
}
