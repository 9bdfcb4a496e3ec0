/** Static reference data the generator draws from. Values are illustrative, shaped like real Qualys PC data. */

export type OsFamily = 'windows' | 'linux';
export type PolicyFamily = OsFamily | 'any';

export interface TechnologyRef {
  id: number;
  name: string;
}

export interface OperatingSystemEntry {
  family: OsFamily;
  os: string;
  osCpe: string;
  technology: TechnologyRef;
}

export const operatingSystems: readonly OperatingSystemEntry[] = [
  {
    family: 'windows',
    os: 'Windows Server 2019 Datacenter 64 bit Edition Version 1809',
    osCpe: 'cpe:/o:microsoft:windows_server_2019:-:-:x64:',
    technology: { id: 253, name: 'Windows Server 2019' },
  },
  {
    family: 'windows',
    os: 'Windows Server 2022 Standard 64 bit Edition Version 21H2',
    osCpe: 'cpe:/o:microsoft:windows_server_2022:-:-:x64:',
    technology: { id: 391, name: 'Windows Server 2022' },
  },
  {
    family: 'windows',
    os: 'Windows 11 Pro 64 bit Edition Version 22H2',
    osCpe: 'cpe:/o:microsoft:windows_10:2009::x64:',
    technology: { id: 331, name: 'Windows 11' },
  },
  {
    family: 'windows',
    os: 'Windows 10 Enterprise 64 bit Edition Version 21H2',
    osCpe: 'cpe:/o:microsoft:windows_10:21h2::x64:',
    technology: { id: 226, name: 'Windows 10' },
  },
  {
    family: 'linux',
    os: 'Red Hat Enterprise Linux 8.8',
    osCpe: 'cpe:/o:redhat:enterprise_linux:8.8:ga:server',
    technology: { id: 281, name: 'Red Hat Enterprise Linux 8.x' },
  },
  {
    family: 'linux',
    os: 'Red Hat Enterprise Linux 9.2',
    osCpe: 'cpe:/o:redhat:enterprise_linux:9.2:ga:server',
    technology: { id: 357, name: 'Red Hat Enterprise Linux 9.x' },
  },
  {
    family: 'linux',
    os: 'Ubuntu Linux 22.04.3 LTS',
    osCpe: 'cpe:/o:canonical:ubuntu_linux:22.04',
    technology: { id: 354, name: 'Ubuntu 22.x' },
  },
  {
    family: 'linux',
    os: 'CentOS Linux 7.9.2009',
    osCpe: 'cpe:/o:centos:centos:7.9.2009',
    technology: { id: 133, name: 'CentOS 7.x' },
  },
];

export interface DatabaseEntry {
  family: OsFamily;
  technology: TechnologyRef;
  instances: readonly string[];
}

export const databases: readonly DatabaseEntry[] = [
  {
    family: 'windows',
    technology: { id: 310, name: 'Microsoft SQL Server 2019' },
    instances: ['MSSQL:MSSQLSERVER', 'MSSQL:REPORTING'],
  },
  { family: 'linux', technology: { id: 266, name: 'Oracle 19c' }, instances: ['Oracle19c:1:1521:ORCL'] },
  { family: 'linux', technology: { id: 300, name: 'PostgreSQL 14.x' }, instances: ['PostgreSQL:5432'] },
];

export interface PolicyTemplate {
  family: PolicyFamily;
  title: string;
}

export const policyTemplates: readonly PolicyTemplate[] = [
  {
    family: 'windows',
    title: 'CIS Benchmark for Microsoft Windows Server 2019, v2.0.0 [Level 1 Member Server] v.1.0',
  },
  { family: 'linux', title: 'CIS Benchmark for Red Hat Enterprise Linux 8, v3.0.0 [Level 1 Server] v.2.0' },
  { family: 'any', title: 'Corporate Security Baseline - All Servers v.4' },
  {
    family: 'windows',
    title:
      'CIS Benchmark for Microsoft Windows 11 Enterprise, v1.0.0 [Automated and Manual, Level 1 + BitLocker] v.2.0',
  },
  { family: 'linux', title: 'CIS Benchmark for Ubuntu Linux 22.04 LTS, v1.0.0 [Level 2 Server] v.1.1' },
  { family: 'any', title: 'PCI DSS 4.0 Hardening Policy v.1' },
];

export interface ControlTemplate {
  statement: string;
  reference: string;
  expected: string;
  passActual: string;
  failActual: string;
  /** Database controls are evaluated once per database instance, not on the OS. */
  kind: 'os' | 'database';
  /** For database controls: the database technology they evaluate. */
  databaseTechnologyId: number | null;
}

const windowsControls: readonly ControlTemplate[] = [
  ["Status of the 'Minimum password length' setting", '1.1.4', 'greater than or equal to 14', '14', '8'],
  ["Status of the 'Account lockout threshold' setting", '1.2.2', 'less than or equal to 5', '5', '0'],
  ["Status of the 'Enforce password history' setting", '1.1.1', 'greater than or equal to 24', '24', '10'],
  ["Status of the 'Maximum password age' setting", '1.1.2', 'less than or equal to 365', '60', '0'],
  ["Status of the 'Accounts: Guest account status' setting", '2.3.1.2', 'Disabled', 'Disabled', 'Enabled'],
  [
    "Status of the 'Network security: LAN Manager authentication level' setting",
    '2.3.11.7',
    'Send NTLMv2 response only. Refuse LM & NTLM',
    'Send NTLMv2 response only. Refuse LM & NTLM',
    'Send LM & NTLM responses',
  ],
  ["Status of the 'Windows Firewall: Domain: Firewall state' setting", '9.1.1', 'On', 'On', 'Off'],
  [
    "Status of the 'Audit Logon' setting (Logon/Logoff)",
    '17.5.4',
    'Success and Failure',
    'Success and Failure',
    'No Auditing',
  ],
  [
    "Status of the 'Interactive logon: Do not display last user name' setting",
    '2.3.7.2',
    'Enabled',
    'Enabled',
    'Disabled',
  ],
  ["Status of the 'SMB v1 protocol' (LanmanServer) setting", '18.3.3', 'Disabled', 'Disabled', 'Enabled'],
  [
    "Status of the 'Prevent installation of devices that match any of these device IDs (List)' setting",
    '18.8.7.1.2',
    'PCI\\CC_0C0A',
    'PCI\\CC_0C0A',
    'not configured',
  ],
  [
    "Status of the 'Remote Desktop: Require secure RPC communication' setting",
    '18.9.65.3.9.2',
    'Enabled',
    'Enabled',
    'Disabled',
  ],
].map(([statement, reference, expected, passActual, failActual]) => ({
  statement: statement as string,
  reference: reference as string,
  expected: expected as string,
  passActual: passActual as string,
  failActual: failActual as string,
  kind: 'os' as const,
  databaseTechnologyId: null,
}));

const linuxControls: readonly ControlTemplate[] = [
  ["Status of the 'PermitRootLogin' setting in the sshd_config file", '5.2.10', 'no', 'no', 'yes'],
  [
    "Status of the 'PASS_MAX_DAYS' setting in /etc/login.defs",
    '5.5.1.1',
    'less than or equal to 365',
    '90',
    '99999',
  ],
  ['Status of the permissions set on the /etc/shadow file', '6.1.3', '0000', '0000', '0644'],
  ["Status of the 'auditd' service", '4.1.1.2', 'enabled', 'enabled', 'disabled'],
  ["Status of the 'net.ipv4.ip_forward' kernel parameter", '3.1.1', '0', '0', '1'],
  ['Status of the SELinux mode', '1.6.1.4', 'enforcing', 'enforcing', 'permissive'],
  [
    "Status of the 'MaxAuthTries' setting in the sshd_config file",
    '5.2.7',
    'less than or equal to 4',
    '4',
    '6',
  ],
  ["Status of the 'nodev' option on the /tmp partition", '1.1.2.2', 'nodev', 'nodev', 'rw,relatime'],
  ["Status of the 'rsyslog' service", '4.2.1.2', 'enabled', 'enabled', 'disabled'],
  ["Status of the 'telnet' client package", '2.3.4', 'not installed', 'not installed', 'telnet-0.17-76.el8'],
  ["Status of the 'ClientAliveInterval' setting in the sshd_config file", '5.2.16', '1 to 900', '300', '0'],
  ['Status of the permissions set on the /etc/crontab file', '5.1.2', '0600', '0600', '0644'],
].map(([statement, reference, expected, passActual, failActual]) => ({
  statement: statement as string,
  reference: reference as string,
  expected: expected as string,
  passActual: passActual as string,
  failActual: failActual as string,
  kind: 'os' as const,
  databaseTechnologyId: null,
}));

const databaseControls: readonly ControlTemplate[] = [
  ["Status of the 'xp_cmdshell' server configuration option", '2.15', '0', '0', '1', 310],
  ["Status of the 'sa' login account", '2.13', 'Disabled', 'Disabled', 'Enabled', 310],
  ["Status of the 'log_connections' database setting", '3.1.20', 'on', 'on', 'off', 300],
  ["Status of the 'AUDIT_TRAIL' database parameter", '2.2.3', 'DB', 'DB', 'NONE', 266],
].map(([statement, reference, expected, passActual, failActual, technologyId]) => ({
  statement: statement as string,
  reference: reference as string,
  expected: expected as string,
  passActual: passActual as string,
  failActual: failActual as string,
  kind: 'database' as const,
  databaseTechnologyId: technologyId as number,
}));

const genericControls: readonly ControlTemplate[] = [
  ['Status of the automatic update configuration', 'BL-1', 'Enabled', 'Enabled', 'Disabled'],
  [
    'Status of the local administrator accounts',
    'BL-2',
    'only approved accounts',
    'Administrator',
    'Administrator, tempadmin',
  ],
  ['Status of the endpoint protection agent', 'BL-3', 'running', 'running', 'stopped'],
  [
    'Status of the NTP time source configuration',
    'BL-4',
    'time.corp.example.com',
    'time.corp.example.com',
    'pool.ntp.org',
  ],
  [
    'Status of the remote logging destination',
    'BL-5',
    'siem.corp.example.com:514',
    'siem.corp.example.com:514',
    'not configured',
  ],
  ['Status of the login banner text', 'BL-6', 'Authorized use only', 'Authorized use only', ''],
].map(([statement, reference, expected, passActual, failActual]) => ({
  statement: statement as string,
  reference: reference as string,
  expected: expected as string,
  passActual: passActual as string,
  failActual: failActual as string,
  kind: 'os' as const,
  databaseTechnologyId: null,
}));

export function controlTemplatesFor(family: PolicyFamily): {
  os: readonly ControlTemplate[];
  database: readonly ControlTemplate[];
} {
  if (family === 'windows') return { os: windowsControls, database: databaseControls.slice(0, 2) };
  if (family === 'linux') return { os: linuxControls, database: databaseControls.slice(2) };
  return { os: genericControls, database: [] };
}

export const criticalityLabels: Readonly<Record<number, string>> = {
  0: 'UNDEFINED',
  1: 'MINIMAL',
  2: 'MEDIUM',
  3: 'SERIOUS',
  4: 'CRITICAL',
  5: 'URGENT',
};

/** Cumulative weights for criticality 0..5. */
export const criticalityWeights: readonly number[] = [0.03, 0.13, 0.4, 0.7, 0.9, 1];

export const networks: ReadonlyArray<{ id: number; name: string }> = [
  { id: 0, name: 'Global Default Network' },
  { id: 148273, name: 'DMZ Network' },
  { id: 148274, name: 'EU Datacenter' },
];

export const hostRoles: readonly string[] = [
  'app',
  'web',
  'db',
  'dc',
  'file',
  'build',
  'mail',
  'vpn',
  'ws',
  'jump',
];

export const environmentTags: readonly string[] = ['Production', 'Staging', 'Development'];
export const extraTags: readonly string[] = [
  'PCI',
  'Cloud Agent',
  'Internet Facing',
  'Business Unit: Finance',
  'Location: Berlin, DE',
  'Owner: "Platform" Team',
];

export const users: readonly string[] = ['acme_ab12', 'acme_pc01', 'acme_sec7'];

export const exceptionAssignees: readonly string[] = ['jane.doe', 'rsmith', 'secops.lead'];
