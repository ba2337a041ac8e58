/**
 * AWS-owned policies the IAM matrix needs, written as AWS documents them: they live in AWS, not in
 * the templates, so the evaluator cannot read them from there.
 */

/**
 * The key policy AWS gives its managed key `aws/ssm` (KMS Developer Guide, "AWS managed keys"): any
 * principal of the account may use it through SSM, and the account may read its metadata.
 */
export const awsSsmKeyPolicy = (accountId: string, region: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Allow access through AWS Systems Manager for all principals in the account that are authorized to use AWS Systems Manager',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncrypt*',
        'kms:GenerateDataKey*',
        'kms:CreateGrant',
        'kms:DescribeKey',
      ],
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:CallerAccount': accountId, 'kms:ViaService': `ssm.${region}.amazonaws.com` },
      },
    },
    {
      Sid: 'Allow direct access to key metadata to the account',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:RevokeGrant'],
      Resource: '*',
    },
  ],
});

/**
 * AWS's AmazonSSMManagedInstanceCore (v2, the AWS Managed Policy Reference), which the instance role
 * carried before ADR 0010. Kept to prove the role's Denies hold if someone attaches it again.
 */
export const AMAZON_SSM_MANAGED_INSTANCE_CORE = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: [
        'ssm:DescribeAssociation',
        'ssm:GetDeployablePatchSnapshotForInstance',
        'ssm:GetDocument',
        'ssm:DescribeDocument',
        'ssm:GetManifest',
        'ssm:GetParameter',
        'ssm:GetParameters',
        'ssm:ListAssociations',
        'ssm:ListInstanceAssociations',
        'ssm:PutInventory',
        'ssm:PutComplianceItems',
        'ssm:PutConfigurePackageResult',
        'ssm:UpdateAssociationStatus',
        'ssm:UpdateInstanceAssociationStatus',
        'ssm:UpdateInstanceInformation',
      ],
      Resource: '*',
    },
    {
      Effect: 'Allow',
      Action: [
        'ssmmessages:CreateControlChannel',
        'ssmmessages:CreateDataChannel',
        'ssmmessages:OpenControlChannel',
        'ssmmessages:OpenDataChannel',
      ],
      Resource: '*',
    },
    {
      Effect: 'Allow',
      Action: [
        'ec2messages:AcknowledgeMessage',
        'ec2messages:DeleteMessage',
        'ec2messages:FailMessage',
        'ec2messages:GetEndpoint',
        'ec2messages:GetMessages',
        'ec2messages:SendReply',
      ],
      Resource: '*',
    },
  ],
};

/**
 * The default key policy KMS gives a customer managed key created without one (KMS Developer Guide,
 * "Default key policy"): the account, and so IAM policies, decide who may use it.
 */
export const defaultKeyPolicy = (accountId: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
});
