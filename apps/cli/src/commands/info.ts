import { cpus } from 'node:os';
import { Command, Option } from 'commander';
import { listBackends, type BackendChoice } from '@webgrad/core-tensor';
import { setUpBackend } from '../backend-setup.js';
import { BACKEND_CHOICES } from '../option-parsers.js';
import { cliVersion, libraryVersions } from '../package-versions.js';

/** `webgrad info`: versions, the backend `init` picks (and why), its device and limits. */
export function infoCommand(): Command {
  return new Command('info')
    .description('show versions, the backend webgrad would use, its device and limits')
    .addOption(
      new Option('--backend <name>', 'the backend to initialise')
        .choices(BACKEND_CHOICES)
        .default('auto'),
    )
    .option('--json', 'print one JSON object instead of text')
    .action(async (options: { backend: BackendChoice; json?: boolean }) => {
      const backend = await setUpBackend(options.backend);
      const cpuList = cpus();
      const report = {
        version: cliVersion(),
        packages: libraryVersions(),
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        cpu: { model: cpuList[0]?.model.trim() ?? 'unknown', cores: cpuList.length },
        requestedBackend: options.backend,
        backend: {
          name: backend.name,
          device: backend.device,
          reason: backend.reason ?? null,
          details: backend.details,
        },
        registeredBackends: listBackends(),
      };
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const lines = [
        `webgrad ${report.version}`,
        `packages: ${Object.entries(report.packages)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
        `node:     ${report.node} on ${report.platform}`,
        `cpu:      ${report.cpu.model} (${report.cpu.cores} cores)`,
        `backend:  ${backend.name} (requested: ${options.backend})`,
        `device:   ${backend.device}`,
        ...(backend.reason !== undefined ? [`reason:   ${backend.reason}`] : []),
        `backends: ${report.registeredBackends.join(', ')}`,
      ];
      const details = Object.entries(backend.details);
      if (details.length > 0) {
        lines.push('details:');
        for (const [k, v] of details)
          lines.push(`  ${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
