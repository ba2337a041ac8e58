import { type FaultLayer, type FaultLayerOptions, faultLine, startFaultLayer } from './faultLayer';

/** What the local stack has started that the layer goes in front of. */
export interface StackDependencies {
  motoEndpoint: string;
  github?: { url: string } | undefined;
  slack: { url: string };
  simulator: { url: string; instances?(): { instanceId: string; deployId?: string }[] };
  httpApiUrl: string;
}

/**
 * The fault layer in front of the local stack's moto, stand-ins, simulator and HTTP API. With `log`,
 * each injected fault is one line there, naming its deployment when known (`faultLine`).
 */
export const startStackFaults = (
  faults: Pick<FaultLayerOptions, 'rates' | 'crashes' | 'timeoutMs'>,
  deps: StackDependencies,
  log?: (line: string) => void,
): Promise<FaultLayer> =>
  startFaultLayer({
    ...faults,
    ...(log ? { onFault: (fault) => log(faultLine(fault)) } : {}),
    instanceOwner: (id) => deps.simulator.instances?.().find((i) => i.instanceId === id)?.deployId,
    targets: {
      aws: deps.motoEndpoint,
      ...(deps.github ? { github: deps.github.url } : {}),
      slack: deps.slack.url,
      instanceHealth: deps.simulator.url,
      phoneHome: deps.httpApiUrl,
    },
  });
