// Shared by the checks of .ci/deploy-checks: reading YAML, JSON-schema validators, error reporting.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCHEMAS = path.join(ROOT, '.ci/schemas');

export function readYamlDocuments(file) {
  const text = fs.readFileSync(file, 'utf8');
  return YAML.parseAllDocuments(text).map((document) => {
    if (document.errors.length > 0) {
      throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
    }
    return document.toJS();
  }).filter((object) => object != null);
}

export function readYaml(file) {
  return readYamlDocuments(file)[0];
}

/**
 * The CRDs' patterns are Go (RE2) regular expressions, as the API server evaluates them: an inline
 * case-insensitive flag (?i), which JavaScript does not have, becomes the flag i.
 */
function goRegExp(source, flags) {
  if (source.includes('(?i)')) {
    return new RegExp(source.replaceAll('(?i)', ''), `${flags}i`);
  }
  return new RegExp(source, flags);
}
goRegExp.code = 'new RegExp';

/** A JSON-schema validator that knows the formats the schemas use and ignores Kubernetes' x- keywords. */
export function newAjv({ draft2020 = false } = {}) {
  const options = { allErrors: true, strict: false, validateFormats: true, code: { regExp: goRegExp } };
  const ajv = draft2020 ? new Ajv2020(options) : new Ajv(options);
  addFormats(ajv);
  // formats of the Kubernetes OpenAPI schemas that JSON Schema does not define
  for (const name of ['int32', 'int64', 'double', 'float', 'byte', 'binary', 'int-or-string', 'duration', 'quantity']) {
    if (!ajv.formats[name]) {
      ajv.addFormat(name, true);
    }
  }
  return ajv;
}

/** Collects failures; the process exits non-zero at the end if there was any. */
export class Failures {
  constructor(name) {
    this.name = name;
    this.count = 0;
  }

  add(where, message) {
    this.count++;
    console.error(`FAIL ${this.name}: ${where}: ${message}`);
  }

  check(condition, where, message) {
    if (!condition) {
      this.add(where, message);
    }
    return condition;
  }

  exit(summary) {
    console.log(`${this.name}: ${summary}; ${this.count} error(s)`);
    process.exit(this.count === 0 ? 0 : 1);
  }
}

export function describe(object) {
  return `${object?.kind}/${object?.metadata?.name}${object?.metadata?.namespace ? ` (${object.metadata.namespace})` : ''}`;
}
