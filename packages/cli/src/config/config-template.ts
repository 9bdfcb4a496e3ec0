/**
 * The commented config `posturesync init` writes. Keep the option names and defaults in
 * step with the connectors' schemas: a test validates each template against them.
 */

export const templateTypes = ['qualys-pcrs', 'qualys-pc-report'] as const;
export type TemplateType = (typeof templateTypes)[number];

const header = `# posturesync configuration (YAML; a .json file with the same keys works too).
#
# Secrets are never written in this file. Each connector reads its password from an
# environment variable (QUALYS_PASSWORD by default); set passwordEnv to use another one,
# e.g. one variable per connector instance. A password written here is rejected.
#
# Keep this file private (posturesync warns when others can read it): chmod 600 <file>
# Check it with:   posturesync check
# Then sync with:  posturesync sync

# SQLite database the data is written to; relative paths are relative to this file.
# The --db option overrides it.
database: ./posturesync.db

# One block per connector instance. "name" identifies the instance in the database,
# in --connector and in the logs: unique, kebab-case (lowercase, digits, hyphens).
connectors:
`;

const pcrsBlock = `  # Qualys Policy Compliance via the PCRS posture-streaming API (gateway, JWT auth).
  - name: qualys-pcrs
    type: qualys-pcrs
    # Qualys platform of your subscription: US1, US2, US3, US4, EU1, EU2, EU3, IN1, CA1,
    # AE1, UK1, AU1 or KSA1. Private cloud: delete platform and set gatewayUrl instead.
    platform: US1
    # gatewayUrl: https://gateway.qg1.apps.example.com
    # API user with the Policy Compliance (PC) module and API access.
    username: your-api-user
    # password: NOT here. Read from the QUALYS_PASSWORD environment variable;
    # uncomment passwordEnv to read it from another variable.
    # passwordEnv: QUALYS_PCRS_PASSWORD
    # PCRS API version, 1.0..5.0 (default 2.0, the newest that also returns SCA postures).
    apiVersion: '2.0'
    # Policy filters by ID (default: every policy). exclude wins over include.
    policyIds:
      include: []
      exclude: []
    # Sync only active policies (default true).
    activeOnly: true
    # Fetch evidence and cause of failure (default false: slower, larger responses).
    evidence: false
    # Only policies evaluated on or after this UTC date (YYYY-MM-DD[THH:MM:SSZ]); default: all.
    # lastEvaluationDate: 2024-01-01
    # Host IDs per postureInfo request, 1..5000 (default 1000).
    batchSize: 1000
    # Policy IDs per hostids request, 1..10 (default 10, the Qualys maximum).
    policiesPerHostIdsCall: 10
    # Concurrent requests to Qualys, 1..16 (default 2).
    parallelRequests: 2
    # Retries per request after 5xx, timeouts or broken responses (default 5).
    maxRetries: 5
    # Qualys throttling (HTTP 429) is waited out, not retried or failed: the sync slows down.
    # Only a total wait beyond this many minutes ends it (default 30).
    maxThrottleWaitMinutes: 30
    # Longest wait for response headers or between body chunks, seconds (default 180).
    readTimeoutSeconds: 180
    # Client-side pacing (Qualys allows 25 PCRS requests per 60 s per subscription);
    # false turns it off.
    rateLimit:
      requests: 25
      perSeconds: 60
    # Incremental syncs ask for hosts scanned since the previous successful sync started,
    # minus this margin in minutes (default 60). Use \`posturesync sync --full\` to refetch all.
    incrementalSafetyMarginMinutes: 60
    # Verify the gateway's TLS certificate (default true). Turn off only for test rigs.
    tlsVerify: true
`;

const pcReportBlock = `  # Qualys Policy Compliance via a scheduled Policy Report (classic API v2, Basic auth).
  # Schedule the report in Qualys with a title starting with titlePrefix.
  - name: qualys-pc-report
    type: qualys-pc-report
    # Qualys platform of your subscription: US1, US2, US3, US4, EU1, EU2, EU3, IN1, CA1,
    # AE1, UK1, AU1 or KSA1. Private cloud: delete platform and set apiUrl instead.
    platform: US1
    # apiUrl: https://qualysapi.example.com
    username: your-api-user
    # password: NOT here. Read from the QUALYS_PASSWORD environment variable;
    # uncomment passwordEnv to read it from another variable.
    # passwordEnv: QUALYS_REPORT_PASSWORD
    # The newest finished report whose title starts with this prefix is imported.
    titlePrefix: PC-Weekly
    # A Policy Report CSV names its policy by title only; the ID is looked up in the
    # compliance policy list once per sync. Set policyId to skip the lookup (needed when
    # two policies share the title).
    # policyId: 1234567
    # Label attached to every host and finding from this instance (default "default");
    # findings are closed per policy and network.
    network: default
    # Report file format: auto (detect zip, XML or CSV), xml or csv (default auto).
    # Schedule reports as CSV: its layout is confirmed from real exports; XML is a best guess.
    format: auto
    # session: log in once and out at the end; basic: credentials on every call (default session).
    auth: session
    # Close open findings of the report's policy and network that the newest report no
    # longer contains (default true).
    closeMissingFindings: true
    # Instead of pulling a scheduled report, launch one on every sync and wait for it:
    # launch:
    #   templateId: 12345
    #   policyId: 67890
    #   outputFormat: csv
    #   maxWaitMinutes: 60
    # Retries per request after 5xx, timeouts or network errors (default 5).
    maxRetries: 5
    # Qualys limits (409 codes 1960/1965) are waited out, not retried or failed: the sync slows
    # down. Only a total wait beyond this many minutes ends it (default 30).
    maxThrottleWaitMinutes: 30
    # Longest wait for response headers or between body chunks, seconds (default 180).
    readTimeoutSeconds: 180
    # Verify the API server's TLS certificate (default true). Turn off only for test rigs.
    tlsVerify: true
`;

export function configTemplate(type: TemplateType): string {
  return `${header}${type === 'qualys-pcrs' ? pcrsBlock : pcReportBlock}`;
}
