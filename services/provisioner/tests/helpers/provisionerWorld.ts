import { createProvisionerEvents } from '../../src/adapters/provisionerEvents';
import type { ProvisionerPorts } from '../../src/domain/ports';
import { createProvisioner } from '../../src/domain/provision/provisioner';
import type { ProvisionSettings } from '../../src/domain/settings';
import type { Profile } from '../../src/domain/userData/profile';
import { provisionSettings } from './factories';
import { FakeInstances, FakeProbes, RecordingPublisher } from './fakes';
import { MemoryRepository } from './memoryRepository';

/** A user-data profile that renders with only the deploy document. */
export const minimalProfile: Profile = {
  name: 'test/minimal',
  cloudConfig:
    "#cloud-config\nwrite_files:\n  - path: /etc/branch-envs/deploy.json\n    permissions: '0600'\n    content: !param deployJson\n",
  files: {},
};

/** The provisioner on in-memory ports and fakes, at a fixed time: what its unit tests drive. */
export const provisionerWorld = (now: Date, settings: ProvisionSettings = provisionSettings()) => {
  const repository = new MemoryRepository();
  const publisher = new RecordingPublisher();
  const instances = new FakeInstances();
  const probes = new FakeProbes();
  const ports: ProvisionerPorts = {
    repository,
    events: createProvisionerEvents(publisher),
    instances,
    probes,
    images: { current: async () => ({ imageId: 'ami-0123456789abcdef0', rootDeviceName: '/dev/xvda' }) },
    artifactLinks: { linkFor: async (bucket, key) => `s3://${bucket}/${key}` },
    profile: async () => minimalProfile,
    now: () => now,
  };
  const provisioner = createProvisioner(ports, settings);
  return { repository, publisher, instances, probes, ports, handle: provisioner.handle };
};
