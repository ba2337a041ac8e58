import { UploadInputError, uploadBuild } from '../../src/cli/uploadBuild';

describe('branch-envs local upload', () => {
  it('refuses a --sha that is not 40 lowercase hex characters before uploading anything', async () => {
    // Act
    const refused = uploadBuild({ motoEndpoint: 'http://127.0.0.1:1', region: 'eu-north-1' }, 'demo-ready', {
      sha: 'ABC1234',
    });

    // Assess
    await expect(refused).rejects.toThrow(UploadInputError);
    await expect(refused).rejects.toThrow('--sha must be 40 lowercase hex characters (got ABC1234)');
  });
});
