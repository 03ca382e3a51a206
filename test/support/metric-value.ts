import type { Registry } from 'prom-client';

/** The value of one series of a counter or gauge (0 when the series does not exist yet). */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const series = values.find((value) =>
    Object.entries(labels).every(([label, wanted]) => String(value.labels[label]) === wanted),
  );
  return series?.value ?? 0;
}
