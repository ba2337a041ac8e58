import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeSpotPriceHistoryCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { CONFIG_DIR } from '@branch-envs/shared/stageConfig/load';
import { mockClient } from 'aws-sdk-client-mock';
import { instanceFilters, onDemandPrices, spotPrice } from '../../../src/ops/prices/pricingApi';
import { priceChanges, refreshPriceTable, writePriceTable } from '../../../src/ops/prices/refreshPrices';

/**
 * One GetProducts PriceList entry in the documented shape (a JSON document as text): product with its
 * attributes, and OnDemand terms keyed by offer term code, then by rate code.
 */
const priceListEntry = (sku: string, unit: string, usd: string, attributes: Record<string, string>) =>
  JSON.stringify({
    product: { productFamily: 'Compute Instance', attributes, sku },
    serviceCode: 'AmazonEC2',
    terms: {
      OnDemand: {
        [`${sku}.JRTCKXETXF`]: {
          priceDimensions: {
            [`${sku}.JRTCKXETXF.6YS6EN2CT7`]: {
              unit,
              endRange: 'Inf',
              description: `$${usd} per unit`,
              appliesTo: [],
              rateCode: `${sku}.JRTCKXETXF.6YS6EN2CT7`,
              beginRange: '0',
              pricePerUnit: { USD: usd },
            },
          },
          sku,
          effectiveDate: '2026-11-01T00:00:00Z',
          offerTermCode: 'JRTCKXETXF',
          termAttributes: {},
        },
      },
    },
    version: '20261101000000',
    publicationDate: '2026-11-01T00:00:00Z',
  });

const t3 = priceListEntry('ABCDEFGH12345678', 'Hrs', '0.0416000000', {
  instanceType: 't3.medium',
  regionCode: 'us-east-1',
  operatingSystem: 'Linux',
  tenancy: 'Shared',
  preInstalledSw: 'NA',
  capacitystatus: 'Used',
});
const gp3 = priceListEntry('GP3SKU0000000000', 'GB-Mo', '0.0800000000', {
  volumeApiName: 'gp3',
  regionCode: 'us-east-1',
});

const pricingMock = mockClient(PricingClient);
const ec2Mock = mockClient(EC2Client);
beforeEach(() => {
  pricingMock.reset();
  ec2Mock.reset();
});

const now = new Date('2026-12-01T10:00:00Z');
const sources = () => ({
  pricing: new PricingClient({ region: 'us-east-1' }),
  ec2: new EC2Client({ region: 'us-east-1' }),
  now: () => now,
});

describe('prices from the AWS Pricing API and the Spot price history', () => {
  it('asks GetProducts for Linux, shared tenancy, no pre-installed software and used capacity', () => {
    // Act + Assess
    expect(instanceFilters('t3.medium', 'us-east-1')).toEqual([
      { Type: 'TERM_MATCH', Field: 'instanceType', Value: 't3.medium' },
      { Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' },
      { Type: 'TERM_MATCH', Field: 'operatingSystem', Value: 'Linux' },
      { Type: 'TERM_MATCH', Field: 'tenancy', Value: 'Shared' },
      { Type: 'TERM_MATCH', Field: 'preInstalledSw', Value: 'NA' },
      { Type: 'TERM_MATCH', Field: 'capacitystatus', Value: 'Used' },
    ]);
  });

  it('reads the USD price per unit from PriceList entries, which are JSON text', () => {
    // Act + Assess
    expect(onDemandPrices([t3], 'Hrs')).toEqual(['0.0416000000']);
    expect(onDemandPrices([t3], 'GB-Mo')).toEqual([]);
  });

  it('takes the highest current Spot price over the AZs, the latest entry of each', async () => {
    // Prepare
    ec2Mock.on(DescribeSpotPriceHistoryCommand).resolves({
      SpotPriceHistory: [
        {
          AvailabilityZone: 'us-east-1a',
          SpotPrice: '0.012500',
          Timestamp: new Date('2026-12-01T09:00:00Z'),
        },
        {
          AvailabilityZone: 'us-east-1a',
          SpotPrice: '0.020000',
          Timestamp: new Date('2026-11-30T09:00:00Z'),
        },
        {
          AvailabilityZone: 'us-east-1b',
          SpotPrice: '0.013100',
          Timestamp: new Date('2026-12-01T08:00:00Z'),
        },
      ],
      NextToken: '',
    });

    // Act
    const price = await spotPrice(new EC2Client({ region: 'us-east-1' }), 't3.medium', now);

    // Assess
    expect(price).toBe('0.013100');
    expect(ec2Mock.commandCalls(DescribeSpotPriceHistoryCommand)[0]?.args[0].input).toMatchObject({
      InstanceTypes: ['t3.medium'],
      ProductDescriptions: ['Linux/UNIX'],
      StartTime: now,
    });
  });

  it('builds the table, and refuses a type the Pricing API prices twice', async () => {
    // Prepare
    pricingMock.on(GetProductsCommand).callsFake((input: { Filters?: { Field?: string }[] }) => ({
      FormatVersion: 'aws_v1',
      PriceList: input.Filters?.some((f) => f.Field === 'volumeApiName') ? [gp3] : [t3],
    }));
    ec2Mock
      .on(DescribeSpotPriceHistoryCommand)
      .resolves({ SpotPriceHistory: [{ AvailabilityZone: 'us-east-1a', SpotPrice: '0.012500' }] });

    // Act
    const table = await refreshPriceTable(['t3.medium'], 'us-east-1', sources());

    // Assess
    expect(table).toEqual({
      refreshedOn: '2026-12-01',
      instances: { 't3.medium': { onDemand: 0.0416, spot: 0.0125 } },
      volumes: { gp3: 0.08 },
    });
    pricingMock.on(GetProductsCommand).resolves({
      PriceList: [t3, t3.replaceAll('0.0416000000', '0.0520000000')],
    });
    await expect(refreshPriceTable(['t3.medium'], 'us-east-1', sources())).rejects.toThrow(
      'the Pricing API has 2 prices for t3.medium in us-east-1',
    );
  });

  it('writes the pricing section of the stage file, keeping its comments, and lists what changed', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'prices-'));
    writeFileSync(join(dir, 'local.yml'), readFileSync(join(CONFIG_DIR, 'local.yml'), 'utf8'));
    const table = {
      refreshedOn: '2026-12-02',
      instances: {
        't3.medium': { onDemand: 0.0416, spot: 0.0131 },
        't3a.medium': { onDemand: 0.0376, spot: 0.0118 },
        'm6i.large': { onDemand: 0.096, spot: 0.0355 },
      },
      volumes: { gp3: 0.08 },
    };

    // Act
    writePriceTable('local', table, dir);

    // Assess
    const written = readFileSync(join(dir, 'local.yml'), 'utf8');
    expect(written).toContain('# The local stack');
    expect(written).toContain('spot: 0.0131');
    expect(written).toContain("refreshedOn: '2026-12-02'");
    expect(
      priceChanges(
        { ...table, instances: { ...table.instances, 't3.medium': { onDemand: 0.0416, spot: 0.0125 } } },
        table,
      ),
    ).toEqual(['t3.medium spot 0.0125 → 0.0131']);
  });
});
