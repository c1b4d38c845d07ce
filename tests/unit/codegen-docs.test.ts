import { canonicalReferences } from '../../scripts/codegen/emit/docs';

// The docs page embeds the parser's stringified document, whose "$ref:$.path" marks depend
// on which objects the parser happened to share. canonicalReferences makes the text
// depend on the document alone.

const big = { title: 'PaymentCreatedData', type: 'object', description: 'x'.repeat(500), properties: { paymentId: { type: 'string', format: 'uuid' } } };

it('gives the same text whether the parser shared an object or copied it', () => {
  const shared = { components: { schemas: { PaymentCreatedData: big } }, messages: { created: { payload: { data: '$ref:$.components.schemas.PaymentCreatedData' } } } };
  const copied = { components: { schemas: { PaymentCreatedData: big } }, messages: { created: { payload: { data: { ...big, properties: '$ref:$.components.schemas.PaymentCreatedData.properties' } } } } };
  const a = JSON.stringify(canonicalReferences(shared));
  expect(JSON.stringify(canonicalReferences(copied))).toBe(a);
  // The large subtree is written once and marked where it repeats.
  expect(a).toContain('"data":"$ref:$.components.schemas.PaymentCreatedData"');
  expect(a.split('x'.repeat(500)).length).toBe(2);
});

it('keeps a mark where a schema contains itself, and expands small repeats', () => {
  const tree = { schemas: { Tree: { type: 'object', properties: { children: { type: 'array', items: '$ref:$.schemas.Tree' }, id: { type: 'string' } } } }, other: { id: '$ref:$.schemas.Tree.properties.id' } };
  const out = canonicalReferences(tree) as { schemas: { Tree: { properties: { children: { items: unknown } } } }; other: { id: unknown } };
  expect(out.schemas.Tree.properties.children.items).toBe('$ref:$.schemas.Tree');
  expect(out.other.id).toEqual({ type: 'string' });
});

it('follows a mark that points at another mark, and paths into arrays', () => {
  const doc = { a: { b: [{ c: { d: 1 } }] }, e: '$ref:$.a.b[0].c', f: '$ref:$.e' };
  expect(canonicalReferences(doc)).toEqual({ a: { b: [{ c: { d: 1 } }] }, e: { d: 1 }, f: { d: 1 } });
});

it('resolves marks through keys that contain dots (operation ids like match.receiveX)', () => {
  const doc = { operations: { 'match.receiveX': { bindings: { sqs: { queue: 'q' } } } }, ref: '$ref:$.operations.match.receiveX.bindings' };
  expect((canonicalReferences(doc) as { ref: unknown }).ref).toEqual({ sqs: { queue: 'q' } });
});
