import { loadProvisionerConfig } from '../config';
import { createPhoneHome } from '../domain/readiness/phoneHome';
import { createClients, proberPorts } from '../wiring';
import { createPhoneHomeHandler } from './createPhoneHomeHandler';

/** The Lambda entry point of `POST /phone-home/{deployId}`: config and clients once per cold start. */
const config = loadProvisionerConfig();

export const handler = createPhoneHomeHandler({
  phoneHome: createPhoneHome(proberPorts(config, createClients(config)), config.settings.readiness),
});
