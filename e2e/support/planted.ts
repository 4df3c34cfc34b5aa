/**
 * The key committed in the specs' repositories: an AWS access key id the
 * gitleaks rules report. Assembled, so this file is not a finding.
 */
export const PLANTED_KEY = ['AKIA', 'QYLPMN5HHHFPZAM2'].join('')
