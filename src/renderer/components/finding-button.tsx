import type { Finding } from '../../shared/finding'
import { useNavigation } from '../stores/navigation'

/** Opens the detail of one check on one target. */
export function useOpenDetail() {
  const openDetail = useNavigation((s) => s.openDetail)
  return (finding: Pick<Finding, 'check' | 'target'>) =>
    openDetail({ check: finding.check, target: finding.target })
}
