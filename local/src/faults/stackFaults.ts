import { type FaultLayer, type FaultLayerOptions, startFaultLayer } from './faultLayer';

/** What the local stack has started that the layer goes in front of. */
export interface StackDependencies {
  motoEndpoint: string;
  github?: { url: string } | undefined;
  slack: { url: string };
  simulator: { url: string };
  httpApiUrl: string;
}

/** The fault layer in front of the local stack's moto, stand-ins, simulator and HTTP API. */
export const startStackFaults = (
  faults: Pick<FaultLayerOptions, 'rates' | 'crashes' | 'timeoutMs'>,
  deps: StackDependencies,
): Promise<FaultLayer> =>
  startFaultLayer({
    ...faults,
    targets: {
      aws: deps.motoEndpoint,
      ...(deps.github ? { github: deps.github.url } : {}),
      slack: deps.slack.url,
      instanceHealth: deps.simulator.url,
      phoneHome: deps.httpApiUrl,
    },
  });
