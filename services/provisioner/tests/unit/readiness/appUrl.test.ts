import { buildAppUrl, healthUrl, templatePlaceholders } from '../../../src/domain/readiness/appUrl';

describe('app URLs', () => {
  it('fills the AWS default template with the private IP', () => {
    // Act + Assess
    expect(buildAppUrl('http://{privateIp}/', { privateIp: '10.0.1.23' })).toEqual({
      url: 'http://10.0.1.23/',
    });
  });

  it('fills the local simulator template with the instance id and keeps the trailing slash', () => {
    // Act + Assess
    expect(buildAppUrl('http://127.0.0.1:4010/{instanceId}', { instanceId: 'i-0abc' })).toEqual({
      url: 'http://127.0.0.1:4010/i-0abc/',
    });
  });

  it('names the value an instance does not have yet', () => {
    // Act + Assess
    expect(buildAppUrl('http://{publicIp}:8080/', { privateIp: '10.0.1.23' })).toEqual({
      missing: 'publicIp',
    });
  });

  it('puts the health path below the app URL, whatever slashes either has', () => {
    // Act + Assess
    expect(healthUrl('http://10.0.1.23/', '/health')).toBe('http://10.0.1.23/health');
    expect(healthUrl('http://127.0.0.1:4010/i-0abc/', '/actuator/health?probe=1')).toBe(
      'http://127.0.0.1:4010/i-0abc/actuator/health?probe=1',
    );
  });

  it('reports placeholders it does not know', () => {
    // Act + Assess
    expect(templatePlaceholders('http://{privateIp}/{dnsName}/')).toEqual({
      used: ['privateIp'],
      unknown: ['dnsName'],
    });
  });
});
