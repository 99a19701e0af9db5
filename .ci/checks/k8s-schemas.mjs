// Validates the objects `kubectl kustomize` rendered against the schemas a cluster would apply,
// refusing unknown fields (as `kubectl apply --validate=strict` does against a server):
// - built-in kinds: the values with the npm package kubernetes-models (validators generated from
//   the Kubernetes OpenAPI schema), the field names with the models of @kubernetes/client-node
//   (generated from the same schema): kubernetes-models accepts fields it does not know;
// - custom resources (KEDA, Strimzi v1, prometheus-operator): the openAPIV3Schema of the CRDs
//   vendored in .ci/schemas (see its README), where, as in the API server, an object schema
//   without x-kubernetes-preserve-unknown-fields allows only its properties.
// Usage: node k8s-schemas.mjs rendered.yaml...
import fs from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { SCHEMAS, Failures, describe, newAjv, readYamlDocuments } from './lib.mjs';

const failures = new Failures('kubernetes schemas');

// --- custom resources: the vendored CRDs -------------------------------------------------------

/** The API server's structural-schema rule: an object's fields are its properties, unless it preserves unknown ones. */
function strict(schema) {
  if (Array.isArray(schema)) {
    return schema.map(strict);
  }
  if (schema === null || typeof schema !== 'object') {
    return schema;
  }
  const copy = {};
  for (const [key, value] of Object.entries(schema)) {
    copy[key] = key === 'properties' || key === 'patternProperties'
      ? Object.fromEntries(Object.entries(value).map(([name, property]) => [name, strict(property)]))
      : strict(value);
  }
  if (copy.type === 'object' && copy.properties && copy.additionalProperties === undefined
      && copy['x-kubernetes-preserve-unknown-fields'] !== true) {
    copy.additionalProperties = false;
  }
  if (copy['x-kubernetes-int-or-string'] === true && !copy.anyOf && !copy.oneOf) {
    copy.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  return copy;
}

const ajv = newAjv();
const customResources = new Map();
for (const file of fs.readdirSync(SCHEMAS).filter((name) => name.endsWith('.crd.yaml'))) {
  const crd = readYamlDocuments(path.join(SCHEMAS, file))[0];
  for (const version of crd.spec.versions.filter((v) => v.served)) {
    const apiVersion = `${crd.spec.group}/${version.name}`;
    const schema = strict(version.schema.openAPIV3Schema);
    // metadata is the API server's ObjectMeta, checked below like a built-in kind's
    schema.properties.metadata = { type: 'object' };
    customResources.set(`${apiVersion}/${crd.spec.names.kind}`, { validate: ajv.compile(schema), source: file });
  }
}

// --- built-in kinds ---------------------------------------------------------------------------

async function builtInValidator(apiVersion, kind) {
  try {
    const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
    return module[kind];
  } catch {
    return null;
  }
}

/** client-node's model class of a built-in kind: V1Deployment for apps/v1 Deployment. */
function modelName(apiVersion, kind) {
  const version = apiVersion.split('/').pop();
  return version.charAt(0).toUpperCase() + version.slice(1) + kind;
}

const SCALARS = new Set(['string', 'number', 'boolean', 'Date', 'any', 'object', 'IntOrString', 'RuntimeRawExtension']);

/** Every field of value must be one of its model's (recursively): what strict field validation refuses. */
function unknownFields(value, type, where, report) {
  if (value === null || value === undefined || SCALARS.has(type)) {
    return;
  }
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    (Array.isArray(value) ? value : []).forEach((item, i) => unknownFields(item, array[1], `${where}[${i}]`, report));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    Object.entries(value).forEach(([key, item]) => unknownFields(item, map[1], `${where}.${key}`, report));
    return;
  }
  const model = k8s[type];
  if (!model || typeof model.getAttributeTypeMap !== 'function') {
    report(where, `no model ${type} to check the fields against`);
    return;
  }
  const fields = new Map(model.getAttributeTypeMap().map((attribute) => [attribute.baseName, attribute.type]));
  for (const [key, item] of Object.entries(value)) {
    if (!fields.has(key)) {
      report(`${where}.${key}`, `unknown field (${type} has: ${[...fields.keys()].join(', ')})`);
    } else {
      unknownFields(item, fields.get(key), `${where}.${key}`, report);
    }
  }
}

// --- the rendered objects ----------------------------------------------------------------------

let objects = 0;
const kinds = new Map();
for (const file of process.argv.slice(2)) {
  for (const object of readYamlDocuments(file)) {
    objects++;
    const where = `${path.basename(file)}: ${describe(object)}`;
    const key = `${object.apiVersion}/${object.kind}`;
    kinds.set(key, (kinds.get(key) ?? 0) + 1);
    const report = (field, message) => failures.add(where, `${field}: ${message}`);
    const custom = customResources.get(key);
    if (custom) {
      if (!custom.validate(object)) {
        for (const error of custom.validate.errors) {
          report(error.instancePath || '/', `${error.message}${error.params?.additionalProperty ? ` '${error.params.additionalProperty}'` : ''} (${custom.source})`);
        }
      }
      unknownFields(object.metadata, 'V1ObjectMeta', 'metadata', report);
      continue;
    }
    const Model = await builtInValidator(object.apiVersion, object.kind);
    if (!Model) {
      failures.add(where, `no schema for ${key}: neither a built-in kind nor a vendored CRD`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      report('/', error.message);
    }
    unknownFields(object, modelName(object.apiVersion, object.kind), '', report);
  }
}
failures.exit(`${objects} objects checked (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')})`);
