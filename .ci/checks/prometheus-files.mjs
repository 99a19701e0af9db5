// Writes what promtool checks: the alert rules of the rendered PrometheusRule as a Prometheus rules
// file, and every other PromQL expression of deploy/ (the Grafana dashboard's, with its variables
// given a value, and KEDA's query) as recording rules, so that promtool parses them too.
// Usage: node prometheus-files.mjs rendered.yaml outdir
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { readYamlDocuments } from './lib.mjs';

const [file, outdir] = process.argv.slice(2);
fs.mkdirSync(outdir, { recursive: true });
const objects = readYamlDocuments(file);

const rules = objects.filter((o) => o.kind === 'PrometheusRule');
fs.writeFileSync(path.join(outdir, 'rules.yaml'), YAML.stringify({ groups: rules.flatMap((r) => r.spec.groups) }));

const grafana = (expr) => expr.replaceAll('$__rate_interval', '5m').replaceAll('$namespace', 'emogg');
const recorded = [];
for (const configMap of objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard)) {
  for (const [name, text] of Object.entries(configMap.data)) {
    const dashboard = JSON.parse(text);
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        recorded.push({ record: `dashboard:panel_${panel.id}_${target.refId}`, expr: grafana(target.expr) });
      }
    }
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
      // Grafana's label_values(selector, label): the selector is PromQL
      const selector = /^label_values\((.*),\s*\w+\)$/.exec(variable.definition)[1];
      recorded.push({ record: `dashboard:variable_${variable.name}`, expr: selector });
    }
    console.log(`${name}: ${dashboard.panels.filter((p) => p.targets).length} panels`);
  }
}
for (const scaler of objects.filter((o) => o.kind === 'ScaledObject')) {
  scaler.spec.triggers.filter((t) => t.type === 'prometheus').forEach((trigger, i) => {
    recorded.push({ record: `keda:${scaler.metadata.name.replaceAll("-", "_")}_${i}`, expr: trigger.metadata.query });
  });
}
fs.writeFileSync(path.join(outdir, 'expressions.yaml'), YAML.stringify({ groups: [{ name: 'dashboard-and-keda', rules: recorded }] }));
console.log(`${rules.length} PrometheusRule(s), ${recorded.length} other expressions written to ${outdir}`);
