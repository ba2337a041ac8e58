/** The instance's side of a phone-home for the readiness bench: the route, and the report it posts. */
import { phoneHomeTargetOf, reportReady } from '../../local/src/standins/phoneHomeClient';
import type { createPhoneHomeHandler } from '../../services/provisioner/src/handlers/createPhoneHomeHandler';
import type { Clients } from '../../services/provisioner/src/wiring';
import { phoneHomeServer } from '../../services/provisioner/tests/helpers/phoneHomeServer';

type Handler = ReturnType<typeof createPhoneHomeHandler>;

/** The route on loopback; the handler is bound later, because the config needs the route's URL first. */
export const startRoute = async () => {
  let bound: Handler | undefined;
  const server = await phoneHomeServer((event) => {
    if (!bound) throw new Error('the phone-home route is not wired yet');
    return bound(event);
  });
  return {
    url: server.url,
    bind: (handler: Handler) => {
      bound = handler;
    },
    close: server.close,
  };
};

/**
 * What bootstrap.sh's `report ready` posts, with the URL and token read back from the user data: the
 * local stack's instance simulator does exactly this (local/src/standins/phoneHomeClient.ts).
 */
export const reporterFor = async (clients: Clients, instanceId: string) => {
  const target = await phoneHomeTargetOf(clients.ec2, instanceId);
  if (!target) throw new Error(`the user data of ${instanceId} asks for no phone-home`);
  return (): Promise<number> => reportReady(instanceId, target);
};
