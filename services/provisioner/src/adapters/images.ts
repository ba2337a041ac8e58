import { DescribeImagesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { ImageSource } from '../domain/ports';
import { LaunchError, ProvisionerConfigError } from '../errors';

export type ImageSetting = { imageId: string } | { parameterName: string; cacheSeconds: number };

interface Image {
  imageId: string;
  rootDeviceName: string;
}

const AMI_ID = /^ami-[0-9a-f]{8,17}$/;
/** What the AL2023 image the bake starts from uses, should EC2 not say. */
const DEFAULT_ROOT_DEVICE = '/dev/xvda';

/**
 * The AMI to launch: a fixed id, or the id an SSM parameter holds (the bake in ami/ writes the
 * latest one there). The parameter is read again once `cacheSeconds` have passed, so a new bake
 * is picked up within that time without a deploy. DescribeImages supplies the root device name,
 * which the encrypted-volume mapping must match, and finds a bad id before anything launches.
 */
export const createImageSource = (
  clients: { ec2: EC2Client; ssm: SSMClient },
  setting: ImageSetting,
  now: () => number = Date.now,
): ImageSource => {
  const images = new Map<string, Promise<Image>>();
  let fromParameter: { imageId: string; readAt: number } | undefined;

  const describe = (imageId: string): Promise<Image> => {
    let image = images.get(imageId);
    if (!image) {
      image = describeImage(clients.ec2, imageId);
      images.set(imageId, image);
      image.catch(() => images.delete(imageId));
    }
    return image;
  };

  const parameterImageId = async (parameterName: string, cacheSeconds: number): Promise<string> => {
    if (fromParameter && now() - fromParameter.readAt < cacheSeconds * 1000) return fromParameter.imageId;
    const imageId = await readParameter(clients.ssm, parameterName);
    fromParameter = { imageId, readAt: now() };
    return imageId;
  };

  return {
    async current() {
      const imageId =
        'imageId' in setting
          ? setting.imageId
          : await parameterImageId(setting.parameterName, setting.cacheSeconds);
      return describe(imageId);
    },
  };
};

const readParameter = async (ssm: SSMClient, name: string): Promise<string> => {
  let value: string | undefined;
  try {
    value = (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value?.trim();
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'ParameterNotFound') throw error;
    throw new ProvisionerConfigError(
      `the SSM parameter ${name} (AMI_SSM_PARAMETER) does not exist; bake an AMI (ami/) or set AMI_ID`,
      { cause: error },
    );
  }
  if (!value || !AMI_ID.test(value)) {
    throw new ProvisionerConfigError(
      `the SSM parameter ${name} holds ${JSON.stringify(value)}, not an AMI id`,
    );
  }
  return value;
};

const describeImage = async (ec2: EC2Client, imageId: string): Promise<Image> => {
  const fix =
    'make AMI_ID or the SSM parameter in AMI_SSM_PARAMETER name an available AMI in this region; re-run the bake in ami/';
  try {
    const out = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
    const image = out.Images?.[0];
    if (!image) throw new LaunchError('InvalidAMIID.NotFound', `the AMI ${imageId} does not exist`, fix);
    return { imageId, rootDeviceName: image.RootDeviceName ?? DEFAULT_ROOT_DEVICE };
  } catch (error) {
    if (error instanceof LaunchError || !(error instanceof Error) || !error.name.startsWith('InvalidAMIID.'))
      throw error;
    throw new LaunchError(error.name, `the AMI ${imageId} cannot be used: ${error.message}`, fix, {
      cause: error,
    });
  }
};
