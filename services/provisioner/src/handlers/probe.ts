import { loadProvisionerConfig } from '../config';
import { createProber } from '../domain/readiness/probe';
import { createClients, proberPorts } from '../wiring';
import { createProbeHandler } from './createProbeHandler';

/** The Lambda entry point of the readiness loop: config and clients once per cold start. */
const config = loadProvisionerConfig();

export const handler = createProbeHandler({
  prober: createProber(proberPorts(config, createClients(config)), config.settings.readiness),
});
