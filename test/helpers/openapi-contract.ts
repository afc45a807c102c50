import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { Validator } from '@seriousme/openapi-schema-validator';

// Holds real answers to the OpenAPI document the server publishes: each answer's status must be
// documented for its route, its JSON body must validate against the documented schema (ajv, JSON
// Schema 2020-12, formats checked), an error's code must be one the status documents, and a
// binary answer's content type one of the documented ones. Records which (route, status) pairs
// ran, so a test can require every documented route to have been exercised.

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const BASE = 'https://vkyc.test/openapi.json';

export interface Answer { status: number; body: any; res: Response } // eslint-disable-line @typescript-eslint/no-explicit-any

export class Contract {
  readonly seen = new Map<string, Set<number>>();
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });

  constructor(readonly doc: Json) {
    addFormats(this.ajv);
    // The document's components under a base URI: #/components/schemas/… refs resolve inside it.
    this.ajv.addSchema({ $id: BASE, components: doc.components }, BASE);
  }

  /** The document itself against the OpenAPI 3.1 schema (third-party validator). */
  async validateDocument(): Promise<void> {
    const r = await new Validator().validate(this.doc as never);
    assert.equal(r.valid, true, JSON.stringify(r.errors)?.slice(0, 2000));
  }

  /** Validates `value` against a schema object of the document ({ $ref } or inline). */
  validate(schema: Json, value: unknown, what: string): void {
    const validate = schema.$ref ? this.ajv.getSchema(`${BASE}${schema.$ref}`) : this.ajv.compile({ ...schema, $id: undefined });
    assert.ok(validate, `${what}: schema ${JSON.stringify(schema)} not found`);
    const ok = validate(value);
    assert.ok(ok, `${what}: ${this.ajv.errorsText(validate.errors, { separator: '\n  ' })}\n  body: ${JSON.stringify(value).slice(0, 600)}`);
  }

  operation(method: string, template: string): Json {
    const op = this.doc.paths[template]?.[method];
    assert.ok(op, `undocumented route ${method.toUpperCase()} ${template}`);
    return op;
  }

  /** Checks one real answer against the route's documentation and returns its parsed body. */
  async check(method: string, template: string, res: Response): Promise<Answer> {
    const what = `${method.toUpperCase()} ${template} → ${res.status}`;
    const doc = this.operation(method, template).responses[String(res.status)];
    const text = method === 'head' ? '' : await res.clone().text();
    assert.ok(doc, `undocumented status: ${what} ${text.slice(0, 300)}`);
    (this.seen.get(`${method} ${template}`) ?? this.seen.set(`${method} ${template}`, new Set()).get(`${method} ${template}`)!).add(res.status);
    if (!doc.content) {
      assert.equal(text, '', `${what}: documented without a body`);
      return { status: res.status, body: null, res };
    }
    const json = doc.content['application/json'];
    if (!json) {
      const type = res.headers.get('content-type') ?? '';
      assert.ok(Object.keys(doc.content).some((t) => type.startsWith(t)), `${what}: content-type ${type} is not documented (${Object.keys(doc.content).join(', ')})`);
      return { status: res.status, body: null, res };
    }
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `${what}: not JSON`);
    const body = JSON.parse(text);
    this.validate(json.schema, body, what);
    if (json.examples) assert.ok(Object.keys(json.examples).includes(body.error?.code), `${what}: error code ${body.error?.code} is not documented for this status (${Object.keys(json.examples).join(', ')})`);
    return { status: res.status, body, res };
  }

  /** Every example in the document validates against its own schema. */
  checkExamples(): number {
    let n = 0;
    for (const [id, schema] of Object.entries(this.doc.components.schemas as Record<string, Json>)) {
      for (const ex of schema.examples ?? []) { this.validate({ $ref: `#/components/schemas/${id}` }, ex, `example of ${id}`); n++; }
    }
    for (const [path, ops] of Object.entries(this.doc.paths as Record<string, Json>)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, r] of Object.entries(op.responses as Record<string, Json>)) {
          const json = r.content?.['application/json'];
          if (json?.example !== undefined) { this.validate(json.schema, json.example, `example of ${method} ${path} ${status}`); n++; }
          for (const [name, e] of Object.entries((json?.examples ?? {}) as Record<string, Json>)) { this.validate(json.schema, e.value, `example ${name} of ${method} ${path} ${status}`); n++; }
        }
        const req = op.requestBody?.content?.['application/json'];
        if (req?.example !== undefined) { this.validate(req.schema, req.example, `request example of ${method} ${path}`); n++; }
      }
    }
    return n;
  }
}
