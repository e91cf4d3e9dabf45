/**
 * Parses a Prometheus text exposition with the Prometheus project's own Python client parser
 * (`prometheus_client.parser`, Debian's python3-prometheus-client; .ci/run installs it). It raises
 * on anything that is not the text format, and keeps every label of every sample, histograms
 * included (the npm parsers fold labelled histograms together).
 */
import { spawnSync } from 'node:child_process';

export interface MetricFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'unknown';
  help: string;
  samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
}

const script = `
import json, math, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for f in text_string_to_metric_families(sys.stdin.read()):
    out.append({"name": f.name, "type": f.type, "help": f.documentation,
                "samples": [{"name": s.name, "labels": s.labels, "value": (s.value if math.isfinite(s.value) else str(s.value))} for s in f.samples]})
print(json.dumps(out))
`;

export function parseMetrics(text: string): MetricFamily[] {
  const r = spawnSync('/usr/bin/python3', ['-c', script], { input: text, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`the Prometheus text parser refused the metrics:\n${r.stderr}`);
  return JSON.parse(r.stdout) as MetricFamily[];
}
