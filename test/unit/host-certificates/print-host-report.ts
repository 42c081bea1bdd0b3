/**
 * Reads a host tree and prints observation, rows and findings as JSON. The permission tests run it as
 * an unprivileged user, because the suite runs as root and root reads mode-000 files anyway.
 * Usage: node --import tsx print-host-report.ts HOST_ROOT NODE NOW_ISO
 */
import { hostCertificateFindings } from '../../../src/checks/host-certificates/host-certificate-findings.js';
import { hostCertificateRows } from '../../../src/checks/host-certificates/host-certificate-rows.js';
import { readHostCertificates } from '../../../src/checks/host-certificates/read-host-certificates.js';

const [hostRoot = '/', node = 'node', nowIso = new Date().toISOString()] = process.argv.slice(2);
const now = new Date(nowIso);
const observation = await readHostCertificates({ hostRoot, node, now });
const rows = hostCertificateRows(observation, now);
process.stdout.write(JSON.stringify({ observation, rows, findings: hostCertificateFindings('test', rows) }));
