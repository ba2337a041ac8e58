import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_DIR, loadStageConfig, parseStageConfig, StageConfigError } from '../../src/stageConfig/load';

type Doc = Record<string, Record<string, unknown>>;

/** config/local.yml as a plain object, for each test to break one field of. */
const localDocument = (): Doc => parse(readFileSync(join(CONFIG_DIR, 'local.yml'), 'utf8')) as Doc;

const section = (doc: Doc, name: string): Record<string, unknown> => {
  const found = doc[name];
  if (!found) throw new Error(`config/local.yml has no ${name} section`);
  return found;
};

/** The problems `parseStageConfig` reports for the local config after `edit`. */
const problemsAfter = (edit: (doc: Doc) => void): string[] => {
  const doc = localDocument();
  edit(doc);
  try {
    parseStageConfig(doc, 'config/test.yml');
  } catch (error) {
    if (error instanceof StageConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('the stage config schema', () => {
  it.each(['local', 'example'])('accepts config/%s.yml as it is checked in', (stage) => {
    // Act
    const config = loadStageConfig(stage);

    // Assess
    expect(config.github.owner).not.toBe('');
    expect(config.artifacts.files.length).toBeGreaterThan(0);
  });

  it.each<[string, (doc: Doc) => void, string]>([
    [
      'a missing field',
      (doc) => delete section(doc, 'slack').adminUsers,
      'slack.adminUsers: is missing; every field is required, see config/example.yml for what it means',
    ],
    [
      'a missing section',
      (doc) => delete doc.nightly,
      'nightly: is missing; every field is required, see config/example.yml for what it means',
    ],
    [
      'a misspelt field',
      (doc) => {
        section(doc, 'slack').alowedUsers = [];
      },
      'slack.alowedUsers: is not a field; remove it or fix its spelling (config/example.yml lists every field)',
    ],
    [
      'a comma-separated string where a list belongs',
      (doc) => {
        section(doc, 'slack').allowedUsers = 'U0LOCAL1,U0LOCAL2';
      },
      'slack.allowedUsers: must be a YAML list, e.g. [U024BE7LH, U0G9QF9C6] (or [] for none)',
    ],
    [
      'a user name instead of a member id',
      (doc) => {
        section(doc, 'slack').adminUsers = ['alice'];
      },
      'slack.adminUsers[0]: must be a Slack member id such as U024BE7LH',
    ],
    [
      'nobody allowed to deploy',
      (doc) => {
        section(doc, 'slack').allowedUsers = [];
      },
      'slack.allowedUsers: is empty and so is allowedUserGroups: nobody could use /deploy; list who may',
    ],
    [
      'a quoted flag',
      (doc) => {
        section(doc, 'deployments').allowClosedPrs = 'false';
      },
      'deployments.allowClosedPrs: must be true or false (no quotes)',
    ],
    [
      'a duration without a unit',
      (doc) => {
        section(doc, 'deployments').warnBefore = '30';
      },
      'deployments.warnBefore: must be a duration such as 30m, 4h, 2d or 1h30m',
    ],
    [
      'a maximum TTL below the default',
      (doc) => {
        section(doc, 'deployments').maxTtl = '1h';
      },
      'deployments.maxTtl: must be at least defaultTtl',
    ],
    [
      'a lifetime below the maximum TTL',
      (doc) => {
        section(doc, 'deployments').maxLifetime = '1d';
      },
      'deployments.maxLifetime: must be at least maxTtl',
    ],
    [
      'an hour out of range',
      (doc) => {
        section(doc, 'nightly').hour = 24;
      },
      'nightly.hour: must be at most 23',
    ],
    [
      'a fractional number',
      (doc) => {
        section(doc, 'deployments').maxLivePerUser = 2.5;
      },
      'deployments.maxLivePerUser: must be a whole number from 1 to 1000',
    ],
    [
      'an unknown time zone',
      (doc) => {
        section(doc, 'nightly').timezone = 'Europe/Atlantis';
      },
      'nightly.timezone: must be an IANA time zone such as Europe/Helsinki',
    ],
    [
      'a value outside an enumeration',
      (doc) => {
        section(doc, 'github').prListing = 'soap';
      },
      'github.prListing: must be rest or graphql',
    ],
    [
      'an artifact key outside the prefix',
      (doc) => {
        const files = section(doc, 'artifacts').files as { key: string }[];
        (files[1] as { key: string }).key = 'elsewhere/{app}.edn';
      },
      'artifacts.files[1].key: must start with artifacts.prefix (build-artifacts/)',
    ],
    [
      'a database dump that is not downloaded',
      (doc) => {
        (section(doc, 'app').database as { dumpArtifact: string }).dumpArtifact = 'config';
      },
      'app.database.dumpArtifact: names no artifacts.files entry with a dest (got config)',
    ],
    [
      'a probe security group without subnets',
      (doc) => {
        section(doc, 'network').probeSecurityGroupId = 'sg-0a1b2c3d';
      },
      'network.probeSecurityGroupId: and probeSubnetIds go together: set both, or neither',
    ],
    [
      'a subnet name instead of an id',
      (doc) => {
        section(doc, 'network').subnetIds = ['private-a'];
      },
      'network.subnetIds[0]: must be a subnet id such as subnet-0a1b2c3d',
    ],
    [
      'an AMI name instead of an id',
      (doc) => {
        section(doc, 'instances').amiId = 'branch-envs-2026';
      },
      "instances.amiId: must be an AMI id (ami-…) — '' reads the one the bake stored in SSM, or ''",
    ],
    [
      'a topic name instead of its ARN',
      (doc) => {
        section(doc, 'alarms').topicArn = 'ops-pager';
      },
      "alarms.topicArn: must be an SNS topic ARN, or ''",
    ],
    [
      'an existing bucket name S3 would refuse',
      (doc) => {
        section(doc, 'artifacts').existingBucket = 'My_Bucket';
      },
      "artifacts.existingBucket: must be an S3 bucket name, or ''",
    ],
    [
      'a lifecycle of zero days',
      (doc) => {
        section(doc, 'artifacts').expireAfterDays = 0;
      },
      'artifacts.expireAfterDays: must be at least 1',
    ],
  ])('names the field and the fix for %s', (_case, edit, expected) => {
    // Act
    const problems = problemsAfter(edit);

    // Assess
    expect(problems).toEqual([expected]);
  });

  it('reports every problem at once, not just the first', () => {
    // Act
    const problems = problemsAfter((doc) => {
      section(doc, 'nightly').minute = 60;
      section(doc, 'github').owner = '';
    });

    // Assess
    expect(problems).toHaveLength(2);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^nightly\.minute: /),
        expect.stringMatching(/^github\.owner: /),
      ]),
    );
  });
});

describe('loadStageConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stage-config-'));

  it('says how to create the file when a stage has none', () => {
    // Act + Assess
    expect(() => loadStageConfig('nowhere', dir)).toThrow(
      /nowhere\.yml does not exist: every stage needs its config; copy config\/example\.yml to it/,
    );
  });

  it('refuses a stage name that cannot be a file or stack name', () => {
    // Act + Assess
    expect(() => loadStageConfig('../etc', dir)).toThrow(
      'stage "../etc" must be 1-16 letters, digits or dashes',
    );
  });

  it('reports YAML that does not parse with its position', () => {
    // Prepare
    writeFileSync(join(dir, 'broken.yml'), 'slack:\n  allowedUsers: [U1\n');

    // Act + Assess
    expect(() => loadStageConfig('broken', dir)).toThrow(/broken\.yml is not valid YAML: .*line/s);
  });

  it('names the file and lists each problem on its own line', () => {
    // Prepare
    writeFileSync(join(dir, 'empty.yml'), '# nothing yet\n');

    // Act
    const act = () => loadStageConfig('empty', dir);

    // Assess
    expect(act).toThrow(StageConfigError);
    expect(act).toThrow(
      /empty\.yml is not a valid stage config:\n {2}- github: is missing;.*\n {2}- slack: is missing/,
    );
  });
});
