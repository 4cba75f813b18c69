/**
 * The run-state file (`<data>/run/state.json`): the running orchestrator writes it
 * (atomically) whenever a supervised service changes state; `mailctl status` reads it.
 * The supervisor imports RunState from here so both sides agree on one shape.
 */
import fs from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import type { DataPaths } from '../config/paths';
import { DEFAULT_PORTS, type Ports } from '../config/settings';

export const SERVICE_STATES = ['starting', 'running', 'restarting', 'stopped', 'failed'] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

export interface ServiceStatus {
  /** Null while the service has no process (stopped, failed, between restarts). */
  pid: number | null;
  state: ServiceState;
  restarts: number;
}

export interface RunState {
  /** The orchestrator's own pid. */
  pid: number;
  /** ISO 8601 time the orchestrator started. */
  startedAt: string;
  hostname: string;
  dataDir: string;
  bindAddress: string;
  ports: Ports;
  services: Record<string, ServiceStatus>;
}

export class StateFileError extends Error {}

const portSchema = { type: 'integer', minimum: 1, maximum: 65535 };
const portNames = Object.keys(DEFAULT_PORTS);

// Extra keys are allowed on purpose: a newer orchestrator may report more than this CLI knows.
const stateSchema = {
  type: 'object',
  required: ['pid', 'startedAt', 'hostname', 'dataDir', 'bindAddress', 'ports', 'services'],
  properties: {
    pid: { type: 'integer', minimum: 1 },
    startedAt: { type: 'string' },
    hostname: { type: 'string' },
    dataDir: { type: 'string' },
    bindAddress: { type: 'string' },
    ports: {
      type: 'object',
      required: portNames,
      properties: Object.fromEntries(portNames.map((name) => [name, portSchema])),
    },
    services: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['pid', 'state', 'restarts'],
        properties: {
          pid: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
          state: { enum: SERVICE_STATES },
          restarts: { type: 'integer', minimum: 0 },
        },
      },
    },
  },
} as const;

let validator: ValidateFunction | undefined;
/** Compiled on first use: every mailctl command loads this module, only status reads the file. */
function validateState(value: unknown): ValidateFunction['errors'] {
  validator ??= new Ajv({ allErrors: true }).compile(stateSchema);
  return validator(value) ? null : (validator.errors ?? []);
}

/** The state of the running orchestrator, or undefined when no state file exists. */
export function readState(paths: DataPaths): RunState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(paths.stateFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`cannot read ${paths.stateFile}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new StateFileError(`${paths.stateFile}: not valid JSON (${(err as Error).message})`);
  }
  const errors = validateState(parsed);
  if (errors) {
    const problems = errors.map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    throw new StateFileError(`${paths.stateFile}: ${problems.join('; ')}`);
  }
  return parsed as unknown as RunState;
}
