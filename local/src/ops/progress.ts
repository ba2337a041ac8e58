import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

const silent: Progress = { update: () => undefined, stop: () => undefined };

/**
 * A bar on stderr while a terminal watches, so stdout stays the result (and `--json` stays JSON);
 * nothing when stderr is not a terminal or the output is for a script.
 */
export const progressBar = (title: string, enabled: boolean, stream = process.stderr): Progress => {
  if (!enabled || !stream.isTTY) return silent;
  const bar = new SingleBar(
    {
      format: `${title} [{bar}] {percentage}% {value}/{total}`,
      stream,
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update: (done, total) => {
      if (!started) bar.start(total, done);
      started = true;
      bar.setTotal(total);
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
};
