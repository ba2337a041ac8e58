/** The placeholders APP_URL_TEMPLATE may use. */
export const APP_URL_PLACEHOLDERS = ['instanceId', 'privateIp', 'publicIp'] as const;
export type AppUrlPlaceholder = (typeof APP_URL_PLACEHOLDERS)[number];

export type AppUrlValues = Partial<Record<AppUrlPlaceholder, string>>;

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** The placeholders a template uses, and any it uses that are not known (a config error). */
export const templatePlaceholders = (template: string): { used: AppUrlPlaceholder[]; unknown: string[] } => {
  const used = new Set<AppUrlPlaceholder>();
  const unknown: string[] = [];
  for (const [, name = ''] of template.matchAll(PLACEHOLDER)) {
    if ((APP_URL_PLACEHOLDERS as readonly string[]).includes(name)) used.add(name as AppUrlPlaceholder);
    else unknown.push(name);
  }
  return { used: [...used], unknown };
};

/**
 * The environment's URL from APP_URL_TEMPLATE, or the name of the value it still lacks (an
 * instance gets its public IP a moment after it is created, and some subnets never give one).
 * Values are EC2's own (ids, IP addresses), never a user's, and are URL-encoded all the same.
 * The result always ends with `/`, so the health path is resolved below it.
 */
export const buildAppUrl = (
  template: string,
  values: AppUrlValues,
): { url: string } | { missing: AppUrlPlaceholder } => {
  const { used } = templatePlaceholders(template);
  const missing = used.find((name) => !values[name]);
  if (missing) return { missing };
  const filled = template.replace(PLACEHOLDER, (_, name: AppUrlPlaceholder) =>
    encodeURIComponent(values[name] ?? ''),
  );
  const url = new URL(filled);
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return { url: url.toString() };
};

/** The health-check URL: the health path below the app URL (`http://10.0.0.5/` + `/health`). */
export const healthUrl = (appUrl: string, healthPath: string): string =>
  new URL(healthPath.replace(/^\/+/, ''), appUrl).toString();
