import * as z from 'zod';
import { IsoDateTime } from './common';

/** A git commit id, as GitHub and CI write it. */
export const CommitSha = z.string().regex(/^[0-9a-f]{40}$/);

/**
 * One artifact object as S3 describes it: what an environment runs, or what a new build offers.
 * `eTag` (quotes stripped) and `versionId` pin the exact object, so an update fetches and verifies
 * that object and no other; `lastModified` orders builds.
 */
export const BuildArtifact = z
  .object({
    key: z.string().min(1).max(1024),
    lastModified: IsoDateTime,
    eTag: z
      .string()
      .regex(/^[0-9a-f]{32}(-[0-9]+)?$/)
      .optional(),
    versionId: z.string().min(1).max(1024).optional(),
    sizeBytes: z.number().int().nonnegative(),
  })
  .strict();
export type BuildArtifact = z.infer<typeof BuildArtifact>;

/** A whole build of a branch: its artifacts and the commit it was built from. */
export const Build = z
  .object({
    headSha: CommitSha,
    artifacts: z.array(BuildArtifact).min(1),
    /** The newest artifact's LastModified: when the build finished landing. */
    builtAt: IsoDateTime,
  })
  .strict();
export type Build = z.infer<typeof Build>;
