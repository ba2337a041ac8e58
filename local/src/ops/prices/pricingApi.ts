import { DescribeSpotPriceHistoryCommand, type EC2Client, type SpotPrice } from '@aws-sdk/client-ec2';
import { type Filter, GetProductsCommand, type PricingClient } from '@aws-sdk/client-pricing';
import * as z from 'zod';

/**
 * The AWS price sources behind `branch-envs ops prices` (ADR 0027): the Pricing API's GetProducts for
 * on-demand Linux instance-hours and EBS GB-months, and EC2's DescribeSpotPriceHistory for Spot.
 * Only operators run this; nothing on a deploy's path asks AWS for a price.
 */

/** The Pricing API answers only in us-east-1 (and a few others) whatever region is priced. */
export const PRICING_API_REGION = 'us-east-1';

export class PriceLookupError extends Error {
  public override readonly name = 'PriceLookupError';
}

const term = (field: string, value: string): Filter => ({ Type: 'TERM_MATCH', Field: field, Value: value });

/** The filters that leave one on-demand product per instance type: Linux, shared, no SQL, used capacity. */
export const instanceFilters = (instanceType: string, region: string): Filter[] => [
  term('instanceType', instanceType),
  term('regionCode', region),
  term('operatingSystem', 'Linux'),
  term('tenancy', 'Shared'),
  term('preInstalledSw', 'NA'),
  term('capacitystatus', 'Used'),
];

export const volumeFilters = (volumeType: string, region: string): Filter[] => [
  term('productFamily', 'Storage'),
  term('volumeApiName', volumeType),
  term('regionCode', region),
];

/** One PriceList entry: a JSON document (the SDK hands it over as text). Only what is read is checked. */
const PriceListItem = z.object({
  product: z.object({ sku: z.string(), attributes: z.record(z.string(), z.string()) }),
  terms: z.object({
    OnDemand: z.record(
      z.string(),
      z.object({
        priceDimensions: z.record(
          z.string(),
          z.object({ unit: z.string(), pricePerUnit: z.record(z.string(), z.string()) }),
        ),
      }),
    ),
  }),
});

/** The USD prices per `unit` of every on-demand dimension in a GetProducts PriceList. */
export const onDemandPrices = (priceList: readonly unknown[], unit: string): string[] =>
  priceList.flatMap((entry) => {
    const item = PriceListItem.parse(
      typeof entry === 'string' ? JSON.parse(entry) : JSON.parse(String(entry)),
    );
    return Object.values(item.terms.OnDemand).flatMap((offer) =>
      Object.values(offer.priceDimensions).flatMap((dimension) => {
        const usd = dimension.pricePerUnit.USD;
        return dimension.unit === unit && usd !== undefined && Number(usd) > 0 ? [usd] : [];
      }),
    );
  });

/** Exactly one price, or an error naming what was asked: two different prices mean the filters are loose. */
const single = (prices: readonly string[], what: string): string => {
  const distinct = [...new Set(prices.map((p) => Number(p)))];
  if (distinct.length === 0) throw new PriceLookupError(`the Pricing API has no on-demand price for ${what}`);
  if (distinct.length > 1)
    throw new PriceLookupError(
      `the Pricing API has ${distinct.length} prices for ${what}: ${distinct.join(', ')}`,
    );
  return String(distinct[0]);
};

const products = async (pricing: PricingClient, filters: Filter[]): Promise<unknown[]> => {
  const items: unknown[] = [];
  let token: string | undefined;
  do {
    const out = await pricing.send(
      new GetProductsCommand({
        ServiceCode: 'AmazonEC2',
        Filters: filters,
        NextToken: token,
        MaxResults: 100,
      }),
    );
    items.push(...(out.PriceList ?? []));
    token = out.NextToken;
  } while (token);
  return items;
};

export const onDemandInstancePrice = async (pricing: PricingClient, instanceType: string, region: string) =>
  single(
    onDemandPrices(await products(pricing, instanceFilters(instanceType, region)), 'Hrs'),
    `${instanceType} in ${region}`,
  );

export const volumePrice = async (pricing: PricingClient, volumeType: string, region: string) =>
  single(
    onDemandPrices(await products(pricing, volumeFilters(volumeType, region)), 'GB-Mo'),
    `${volumeType} in ${region}`,
  );

/**
 * The current Spot price of a type: the latest entry of each AZ, and the highest of those, since
 * the provisioner may launch in any configured subnet. A StartTime of now returns just the current one.
 */
type Latest = Map<string, { at: number; price: string }>;

/** Keeps the newest entry of each AZ. */
const keepLatest = (latest: Latest, entries: readonly SpotPrice[]): void => {
  for (const { AvailabilityZone: zone, SpotPrice: price, Timestamp } of entries) {
    if (!zone || !price) continue;
    const at = Timestamp?.getTime() ?? 0;
    const seen = latest.get(zone);
    if (!seen || seen.at < at) latest.set(zone, { at, price });
  }
};

export const spotPrice = async (ec2: EC2Client, instanceType: string, now: Date): Promise<string> => {
  const latest: Latest = new Map();
  let token: string | undefined;
  do {
    const out = await ec2.send(
      new DescribeSpotPriceHistoryCommand({
        InstanceTypes: [instanceType as never],
        ProductDescriptions: ['Linux/UNIX'],
        StartTime: now,
        NextToken: token,
      }),
    );
    keepLatest(latest, out.SpotPriceHistory ?? []);
    token = out.NextToken || undefined;
  } while (token);
  const prices = [...latest.values()].map((entry) => entry.price);
  if (prices.length === 0)
    throw new PriceLookupError(`EC2 reports no Spot price for ${instanceType} (Linux/UNIX)`);
  return prices.reduce((max, price) => (Number(price) > Number(max) ? price : max));
};
