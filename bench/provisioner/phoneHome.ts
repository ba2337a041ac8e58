/** The instance's side of a phone-home for the readiness bench: the route, and the report it posts. */
import { deployDocumentOf } from '@branch-envs/shared/userData';
import type { createPhoneHomeHandler } from '../../services/provisioner/src/handlers/createPhoneHomeHandler';
import type { Clients } from '../../services/provisioner/src/handlers/wiring';
import { userDataText } from '../../services/provisioner/tests/helpers/motoStack';
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

/** What bootstrap.sh's `report ready` posts, with the URL and token read back from the user data. */
export const reporterFor = async (clients: Clients, deployId: string, instanceId: string) => {
  const document = deployDocumentOf(await userDataText(clients.ec2, instanceId)) ?? {};
  return async (): Promise<number> => {
    const response = await fetch(String(document.phoneHomeUrl), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${String(document.phoneHomeToken)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ deployId, instanceId, status: 'ready', step: 'start-app' }),
    });
    return response.status;
  };
};
