import { create } from 'zustand'

export type Screen =
  'welcome' | 'audit' | 'monitoring' | 'handover' | 'credentials'

/** One check on one target: what the finding detail shows. */
export interface FindingRef {
  readonly check: string
  readonly target: string
}

interface NavigationState {
  readonly screen: Screen
  readonly detail: FindingRef | null
  go(screen: Screen): void
  openDetail(ref: FindingRef): void
  closeDetail(): void
}

/** Which screen is showing, and which finding is open over it. */
export const useNavigation = create<NavigationState>()((set) => ({
  screen: 'welcome',
  detail: null,
  go: (screen) => set({ screen, detail: null }),
  openDetail: (detail) => set({ detail }),
  closeDetail: () => set({ detail: null }),
}))
