import { REDACTED, redact } from '../../../src/domain/logs/redact';

const none = { patterns: [] };

describe('redact', () => {
  it.each<[string, string, string]>([
    ['an AWS access key id', 'key AKIAIOSFODNN7EXAMPLE used', `key ${REDACTED} used`],
    ['a temporary AWS access key id', 'ASIAY34FZKBOKMUTVV7A', REDACTED],
    [
      'an AWS secret access key after its name',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      `aws_secret_access_key = ${REDACTED}`,
    ],
    [
      'an AWS secret access key in JSON',
      '"SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
      `"SecretAccessKey":"${REDACTED}"`,
    ],
    ['a Slack bot token', 'token=xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy', `token=${REDACTED}`],
    ['a Slack user token', 'xoxp-0123456789-0123456789-abcdef', REDACTED],
    ['a Slack app-level token', 'xoxa-2-abcdef123456', REDACTED],
    ['a Slack refresh token', 'xoxr-abcdef123456', REDACTED],
    ['a Slack session token', 'xoxs-abcdef123456', REDACTED],
    ['a GitHub personal token', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a ok', `${REDACTED} ok`],
    ['a GitHub OAuth token', 'gho_16C7e42F292c6912E7710c838347Ae178B4a', REDACTED],
    ['a GitHub user-to-server token', 'ghu_16C7e42F292c6912E7710c838347Ae178B4a', REDACTED],
    ['a GitHub server-to-server token', 'ghs_16C7e42F292c6912E7710c838347Ae178B4a', REDACTED],
    ['a GitHub refresh token', 'ghr_16C7e42F292c6912E7710c838347Ae178B4a', REDACTED],
    ['a fine-grained GitHub token', 'github_pat_11ABCDEFG0123456789abcdefghijklmnopqrstuvwxyz', REDACTED],
    [
      'a bearer token',
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc',
      `Authorization: Bearer ${REDACTED}`,
    ],
    [
      'a pre-signed URL signature and credential',
      'GET https://b.s3.amazonaws.com/k.jar?X-Amz-Credential=AKIA%2F2026&X-Amz-Date=20261203T0840Z&X-Amz-Signature=0a1b2c3d4e5f',
      `GET https://b.s3.amazonaws.com/k.jar?X-Amz-Credential=${REDACTED}&X-Amz-Date=20261203T0840Z&X-Amz-Signature=${REDACTED}`,
    ],
    [
      'a pre-signed URL security token',
      '?X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr%2F&X-Amz-Expires=3600',
      `?X-Amz-Security-Token=${REDACTED}&X-Amz-Expires=3600`,
    ],
  ])('replaces %s', (_name, text, expected) => {
    // Act
    const out = redact(text, none);

    // Assess
    expect(out.text).toBe(expected);
    expect(out.count).toBeGreaterThan(0);
  });

  it('replaces what the configured patterns match', () => {
    // Act
    const out = redact('db password=hunter22 user=shop', {
      patterns: ['(?<=password=)\\S+'],
    });

    // Assess
    expect(out).toEqual({ text: `db password=${REDACTED} user=shop`, count: 1 });
  });

  it('over-redacts nothing in an ordinary journal', () => {
    // Prepare: ids, hashes, URLs without signatures, words that merely start like tokens
    const journal = [
      '2026-12-03T08:40:01+0000 ip-10-0-0-7 shop[2041]: GET /health 200 3ms',
      'deploy 01KB0W8J6QF3ZC9D2M4N5P7R8S on i-0123456789abcdef0 build 0123456789abcdef0123456789abcdef01234567',
      'fetched https://b.s3.amazonaws.com/build-artifacts/shop-main.jar?versionId=3',
      'the bearer of bad news; xoxo-hugs; ghost_user; AKIA-short; Signature verified',
      'task arn:aws:ecs:eu-north-1:123456789012:task/abc',
    ].join('\n');

    // Act
    const out = redact(journal, none);

    // Assess
    expect(out).toEqual({ text: journal, count: 0 });
  });

  it('counts every replacement', () => {
    // Act
    const out = redact('AKIAIOSFODNN7EXAMPLE AKIAIOSFODNN7EXAMPLE Bearer abcdefghij', none);

    // Assess
    expect(out.count).toBe(3);
  });
});
