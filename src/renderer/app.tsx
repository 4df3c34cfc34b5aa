import { useEffect } from 'react'
import { listenToMain } from './events'
import { AppHeader } from './screens/app-header'
import { AuditScreen } from './screens/audit/audit-screen'
import { CredentialsScreen } from './screens/credentials/credentials-screen'
import { FindingDetail } from './screens/detail/finding-detail'
import { HandoverScreen } from './screens/handover/handover-screen'
import { MonitoringScreen } from './screens/monitoring/monitoring-screen'
import { WelcomeScreen } from './screens/welcome/welcome-screen'
import { useNavigation, type Screen } from './stores/navigation'
import { useWorkspaceStore } from './stores/workspace'
import { useWindowInput } from './window-input'

/** The window: a header, the current screen, and the finding detail. */
export function App() {
  const screen = useNavigation((s) => s.screen)
  useEffect(listenToMain, [])
  useWindowInput()
  useEffect(() => void useWorkspaceStore.getState().load(), [])
  return (
    <>
      <AppHeader />
      <main id="main" className="main" tabIndex={-1}>
        <CurrentScreen screen={screen} />
      </main>
      <FindingDetail />
    </>
  )
}

function CurrentScreen({ screen }: { screen: Screen }) {
  switch (screen) {
    case 'welcome':
      return <WelcomeScreen />
    case 'audit':
      return <AuditScreen />
    case 'monitoring':
      return <MonitoringScreen />
    case 'handover':
      return <HandoverScreen />
    case 'credentials':
      return <CredentialsScreen />
  }
}
