/** mailctl status: is the orchestrator running, and which of its ports answer. */
import type { Ports } from '../../config/settings';
import { EXIT } from '../failure';
import { formatFields, formatTable, tableOrNone, yesNo } from '../output';
import { canConnect, isProcessAlive, probeHost } from '../probe';
import { readState, type RunState } from '../state';
import type { CommandContext } from '../context';
import type { Command } from './types';

export interface Endpoint {
  port: number;
  reachable: boolean;
}

export type StatusReport = RunState & { running: boolean; endpoints: Record<keyof Ports, Endpoint> };

export const statusCommand: Command = {
  noun: 'status',
  synopsis: '',
  summary: 'is the server running, which ports answer (exit 3: not running)',
  options: {},
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const state = readState(ctx.paths);
    if (!state) {
      ctx.show({ running: false }, () => [`not running (no ${ctx.paths.stateFile})`]);
      return EXIT.notRunning;
    }
    const report = await buildReport(state);
    ctx.show(report, () => describe(report, ctx));
    return report.running ? EXIT.ok : EXIT.notRunning;
  },
};

/** Probes every port at once, so a slow one costs one timeout, not nine. */
async function buildReport(state: RunState): Promise<StatusReport> {
  const host = probeHost(state.bindAddress);
  const names = Object.keys(state.ports) as (keyof Ports)[];
  const reachable = await Promise.all(names.map((name) => canConnect(host, state.ports[name])));
  const endpoints = Object.fromEntries(
    names.map((name, i) => [name, { port: state.ports[name], reachable: reachable[i] ?? false }]),
  ) as Record<keyof Ports, Endpoint>;
  const { pid, startedAt, hostname, dataDir, bindAddress, ports, services } = state;
  return { running: isProcessAlive(pid), pid, startedAt, hostname, dataDir, bindAddress, ports, services, endpoints };
}

function describe(report: StatusReport, ctx: CommandContext): string[] {
  const headline = report.running
    ? `running (pid ${report.pid}, started ${report.startedAt})`
    : `not running (pid ${report.pid} is gone; ${ctx.paths.stateFile} is stale)`;
  const services = Object.entries(report.services).map(([name, s]) => [
    name,
    s.pid === null ? '-' : String(s.pid),
    s.state,
    String(s.restarts),
  ]);
  const endpoints = Object.entries(report.endpoints).map(([name, e]) => [
    name,
    `${report.bindAddress}:${e.port}`,
    yesNo(e.reachable),
  ]);
  return [
    headline,
    ...formatFields([
      ['hostname', report.hostname],
      ['data', report.dataDir],
    ]),
    '',
    ...tableOrNone(['SERVICE', 'PID', 'STATE', 'RESTARTS'], services, 'no services'),
    '',
    ...formatTable(['ENDPOINT', 'ADDRESS', 'REACHABLE'], endpoints),
  ];
}
