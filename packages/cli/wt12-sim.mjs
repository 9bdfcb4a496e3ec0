import { startQualysSimulator } from '@posturesync/qualys-simulator';
const sim = await startQualysSimulator({ estate: { seed: 7, hosts: 30, policies: 4, controlsPerPolicy: 8 }, pcrsRateLimit: { requests: 25, perMs: 60000 } });
console.log(sim.url);
process.stdin.resume();
process.stdin.on('end', () => sim.close());
