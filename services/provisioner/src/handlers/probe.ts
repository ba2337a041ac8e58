import { loadProvisionerConfig } from '../config';
import { createProber } from '../domain/probe';
import { createProbeHandler } from './createProbeHandler';
import { createClients, proberPorts } from './wiring';

/** The Lambda entry point of the readiness loop: config and clients once per cold start. */
const config = loadProvisionerConfig();

export const handler = createProbeHandler({
  prober: createProber(proberPorts(config, createClients(config)), config.settings.readiness),
});
