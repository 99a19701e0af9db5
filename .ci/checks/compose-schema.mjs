// docker-compose.yml against the Compose Specification's JSON schema (.ci/schemas/compose-spec.json),
// which refuses unknown keys: what `docker compose config` would refuse, without a Docker engine.
// Usage: node compose-schema.mjs docker-compose.yml
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { SCHEMAS, Failures, newAjv, readYaml } from './lib.mjs';

const [file] = process.argv.slice(2);
const failures = new Failures('compose schema');
const ajv = newAjv();
// the schema names its meta-schema https://json-schema.org/draft-07/schema; Ajv knows it as http://...#
const draft7 = { ...createRequire(import.meta.url)('ajv/dist/refs/json-schema-draft-07.json') };
delete draft7.$id;
ajv.addMetaSchema(draft7, 'https://json-schema.org/draft-07/schema');
const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(SCHEMAS, 'compose-spec.json'), 'utf8')));
const compose = readYaml(file);
if (!validate(compose)) {
  for (const error of validate.errors) {
    failures.add(file, `${error.instancePath || '/'}: ${error.message}${error.params?.additionalProperty ? ` '${error.params.additionalProperty}'` : ''}`);
  }
}
failures.exit(`${Object.keys(compose.services).length} services`);
