import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readRepoFile } from './app-env.js';
import { renderChart, type K8sObject } from './render-chart.js';
import { k8sObjectProblems } from './validate-k8s-object.js';

/*
 * deploy/manifests/vigil.yaml and deploy/rbac/clusterrole.yaml are the chart's objects for release
 * vigil in namespace vigil with its default values, written out for installs without Helm. Helm's
 * own labels and the pods' checksum annotations aside, every field must be the rendered one.
 */

const plainFiles = ['deploy/manifests/vigil.yaml', 'deploy/rbac/clusterrole.yaml'];
const plain = plainFiles.flatMap((file) =>
  parseAllDocuments(readRepoFile(file)).map((d) => ({ file, object: d.toJS() as K8sObject })),
);
const chart = renderChart();
const id = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
const clusterScoped = new Set(['ClusterRole', 'ClusterRoleBinding']);

/** The object without what only Helm adds, and with vigil.yaml parsed (comments differ). */
function comparable(o: K8sObject): unknown {
  const copy = structuredClone(o) as K8sObject & {
    data?: Record<string, string>;
    spec?: Record<string, unknown>;
  };
  delete copy.metadata.labels;
  delete copy.metadata.annotations;
  delete copy.metadata.namespace;
  const template = copy.spec?.['template'] as { metadata?: { annotations?: unknown } } | undefined;
  if (template?.metadata) delete template.metadata.annotations;
  if (copy.kind === 'ConfigMap' && copy.data?.['vigil.yaml']) {
    return { ...copy, data: { ...copy.data, 'vigil.yaml': parse(copy.data['vigil.yaml']) as unknown } };
  }
  return copy;
}

describe('plain manifests', () => {
  it('hold the same objects as the chart renders by default', () => {
    expect(plain.map((p) => id(p.object)).sort()).toEqual(chart.map(id).sort());
  });

  it.each(plain.map((p) => [`${p.file}: ${id(p.object)}`, p.object] as const))(
    '%s equals the rendered one',
    (_, o) => {
      const rendered = chart.find((c) => id(c) === id(o));
      expect(rendered, id(o)).toBeDefined();
      expect(comparable(o)).toEqual(comparable(rendered as K8sObject));
    },
  );

  it("carry the chart's selector labels, in namespace vigil, and are valid objects", () => {
    for (const { file, object } of plain) {
      expect(object.metadata.labels, `${file} ${id(object)}`).toEqual({
        'app.kubernetes.io/name': 'vigil',
        'app.kubernetes.io/instance': 'vigil',
      });
      expect(object.metadata.namespace, id(object)).toBe(
        clusterScoped.has(object.kind) ? undefined : 'vigil',
      );
      expect(k8sObjectProblems(object), id(object)).toEqual([]);
    }
  });
});
