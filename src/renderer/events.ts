import { useAuditStore } from './stores/audit'
import { useMonitoringStore } from './stores/monitoring'
import { useNavigation } from './stores/navigation'
import { useWorkspaceStore } from './stores/workspace'

/**
 * Subscribes the stores to what main sends on its own: audit progress,
 * the tray's "Run audit", a workspace opened from outside. Returns the
 * unsubscribe.
 */
export function listenToMain(): () => void {
  const { audit, workspace, monitor } = window.api
  const stops = [
    audit.onProgress((event) => useAuditStore.getState().receive(event)),
    audit.onRequested(() => {
      useNavigation.getState().go('audit')
      void useAuditStore.getState().start()
    }),
    workspace.onOpened((view) => useWorkspaceStore.getState().adopt(view)),
    monitor.onChanged(() => void useMonitoringStore.getState().load()),
    monitor.onOpen(() => {
      useNavigation.getState().go('monitoring')
      void useMonitoringStore.getState().load()
    }),
  ]
  return () => stops.forEach((stop) => stop())
}
