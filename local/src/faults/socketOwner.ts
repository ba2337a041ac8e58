import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Which of this process's children owns the client end of a loopback TCP connection, found from
 * outside it the way `ss -p` does: the socket's inode in /proc/net/tcp*, then the child whose file
 * descriptors include it. Linux only; undefined elsewhere or when the owner is not a child of ours.
 */
export interface SocketOwner {
  pid: number;
  /** The worker's AWS_LAMBDA_FUNCTION_NAME, when it is a function's worker. */
  functionName?: string;
}

const hexPort = (port: number): string => port.toString(16).toUpperCase().padStart(4, '0');

/** The inode of the socket whose local port is `clientPort` and remote port `serverPort`. */
export const socketInode = (tables: string[], clientPort: number, serverPort: number): string | undefined => {
  const local = `:${hexPort(clientPort)}`;
  const remote = `:${hexPort(serverPort)}`;
  for (const table of tables)
    for (const line of table.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[1]?.endsWith(local) && fields[2]?.endsWith(remote)) return fields[9];
    }
  return undefined;
};

const readOr = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

const childrenOf = (pid: number): number[] => {
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tasks.flatMap((task) =>
    readOr(`/proc/${pid}/task/${task}/children`).split(/\s+/).filter(Boolean).map(Number),
  );
};

const holdsSocket = (pid: number, inode: string): boolean => {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
};

const functionNameOf = (pid: number): string | undefined =>
  readOr(`/proc/${pid}/environ`)
    .split('\0')
    .find((entry) => entry.startsWith('AWS_LAMBDA_FUNCTION_NAME='))
    ?.slice('AWS_LAMBDA_FUNCTION_NAME='.length);

export const findSocketOwner = (clientPort: number, serverPort: number): SocketOwner | undefined => {
  const inode = socketInode([readOr('/proc/net/tcp'), readOr('/proc/net/tcp6')], clientPort, serverPort);
  if (!inode || inode === '0') return undefined;
  const pid = childrenOf(process.pid).find((child) => holdsSocket(child, inode));
  if (pid === undefined) return undefined;
  const functionName = functionNameOf(pid);
  return functionName ? { pid, functionName } : { pid };
};
