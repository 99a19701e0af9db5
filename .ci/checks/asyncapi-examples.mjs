// The AsyncAPI document's examples against their own message's schemas (the AsyncAPI CLI validates
// the document, not its examples), read with the AsyncAPI parser (references and traits applied),
// validated with Ajv; and the contract's shape: every message fixes its ce_type, every operation
// lists the messages it moves, every topic the application writes is a channel.
// Usage: node asyncapi-examples.mjs docs/asyncapi.yaml
import fs from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { Failures, newAjv } from './lib.mjs';

const [file] = process.argv.slice(2);
const failures = new Failures('asyncapi examples');
const parser = new Parser();
const { document, diagnostics } = await parser.parse(fs.readFileSync(file, 'utf8'), { source: file });
if (!document) {
  diagnostics.filter((d) => d.severity === 0).forEach((d) => failures.add(file, d.message));
  failures.exit('the document does not parse');
}

const ajv = newAjv();
let examples = 0;
for (const message of document.allMessages()) {
  const name = message.name() ?? message.id();
  const headers = message.hasHeaders() ? message.headers().json() : null;
  const payload = message.hasPayload() ? message.payload().json() : null;
  failures.check(headers, name, 'has a headers schema');
  failures.check(message.examples().length > 0, name, 'has an example');
  if (name !== 'DeadLetter') {
    const type = ajv.compile(headers ?? {});
    failures.check(type({ ce_type: `not ${name}` }) === false && (type.errors ?? []).some((e) => e.instancePath === '/ce_type'),
      name, `headers fix ce_type to ${name}`);
  }
  for (const example of message.examples()) {
    examples++;
    const where = `${name}, example ${example.name() ?? examples}`;
    for (const [part, schema, value] of [['headers', headers, example.headers()], ['payload', payload, example.payload()]]) {
      if (!failures.check(value !== undefined, where, `has ${part}`) || !schema) {
        continue;
      }
      const validate = ajv.compile(schema);
      if (!validate(value)) {
        validate.errors.forEach((error) => failures.add(where, `${part}${error.instancePath}: ${error.message} ${JSON.stringify(error.params)}`));
      }
    }
  }
}
for (const operation of document.operations()) {
  failures.check(operation.json().messages?.length > 0, `operation ${operation.id()}`, 'lists its messages');
}
const addresses = document.channels().all().map((channel) => channel.address());
for (const topic of ['session-commands', 'worker-states', 'session-events', 'session-commands-dlq', 'worker-states-dlq']) {
  failures.check(addresses.includes(topic), topic, 'is a channel');
}
failures.exit(`${document.allMessages().length} messages, ${examples} examples, ${document.operations().length} operations`);
