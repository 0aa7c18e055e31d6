// `pacts schema` checked by an independent JSON Schema implementation (ajv, draft 2020-12, strict mode):
// the schema compiles, every example pact and the benchmark pact meet it, and documents the loader rejects for
// reasons a schema can express do not. Run by .ci/run: node .ci/schema-check.js SCHEMA PACT...
const Ajv2020 = require("ajv/dist/2020");
const yaml = require("js-yaml");
const fs = require("fs");

const [schemaPath, ...pacts] = process.argv.slice(2);
// Union types (`"type": ["string", "number", ...]` for list items) are standard JSON Schema; ajv's strict mode
// only asks that they be allowed explicitly.
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
let failures = 0;
const expect = (name, doc, valid) => {
  if (validate(doc) !== valid) {
    failures++;
    console.log(`schema: ${name}: expected ${valid ? "valid" : "invalid"}`, JSON.stringify(validate.errors));
  }
};
for (const file of pacts) {
  expect(file, yaml.load(fs.readFileSync(file, "utf8")), true);
}
const pact = (condition) => ({ pact: "p", bindings: [{ tool: "t", conditions: [condition] }] });
expect("a condition with no rule", pact({ paramPath: "a" }), false);
expect("required: false alone (not a rule, PACT010)", pact({ paramPath: "a", required: false }), false);
expect("an unknown rule", pact({ paramPath: "a", maxLen: 3 }), false);
expect("a bad pact id", { pact: "bad id!", bindings: [] }, false);
expect("a bad severity", pact({ paramPath: "a", required: true, severity: "fatal" }), false);
expect("a malformed paramPath (PACT009)", pact({ paramPath: "items[*.sku", required: true }), false);
expect("an index with a leading zero", pact({ paramPath: "a[01]", required: true }), false);
expect("a quoted key with escapes", pact({ paramPath: "['it\\'s'][*].x", required: true }), true);
expect("required: false beside a rule", pact({ paramPath: "a", required: false, maxLength: 3 }), true);
console.log(`schema: ajv ${require("ajv/package.json").version}, ${pacts.length} pacts, ${failures} failure(s)`);
process.exit(failures === 0 ? 0 : 1);
