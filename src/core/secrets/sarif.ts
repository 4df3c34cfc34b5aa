import type { ScanResult } from './types'

/**
 * The scan as SARIF 2.1.0 (OASIS), the format code hosts read: one run,
 * one result per finding, accepted ones as external suppressions.
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
export function secretsSarif(result: ScanResult, version = '0.1.0') {
  const rules = [...new Map(result.findings.map((f) => [f.rule, f])).values()]
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'launch-ready',
            version,
            informationUri: 'https://github.com/gitleaks/gitleaks',
            rules: rules.map((f) => ({
              id: f.rule,
              shortDescription: { text: f.description },
            })),
          },
        },
        results: result.findings.map((f) => ({
          ruleId: f.rule,
          level: 'error',
          message: {
            text: `${f.description} (${f.redacted || 'by file name'})`,
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(f.file) },
                region: { startLine: f.line, startColumn: f.column },
              },
            },
          ],
          partialFingerprints: { 'launchReady/v1': f.fingerprint },
          ...(f.commit ? { properties: { commit: f.commit } } : {}),
          ...(f.accepted !== undefined
            ? {
                suppressions: [{ kind: 'external', justification: f.accepted }],
              }
            : {}),
        })),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: result.skipped.map((s) => ({
              level: 'note',
              message: { text: `${s.reason}: ${s.note}` },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: encodeURI(s.file) },
                  },
                },
              ],
            })),
          },
        ],
      },
    ],
  }
}
