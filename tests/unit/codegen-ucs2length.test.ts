import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateCreateIncidentCommand } from '../../generated';
import { length as ucs2length } from '../../generated/validators/compiled';
import { ROOT } from '../helpers/codegen';

// The generated validators count string lengths in code points (JSON Schema), with a
// native scan when a string has no surrogates: Ajv's answers, including surrogate pairs
// and lone surrogates.

const demo = JSON.parse(readFileSync(join(ROOT, 'functions/incident/demo-request.json'), 'utf8')) as { body: { contact: { name: string; phone: string } } };

it('counts code points, not UTF-16 units', () => {
  expect(ucs2length('')).toBe(0);
  expect(ucs2length('abc')).toBe(3);
  expect(ucs2length('\u{1F600}')).toBe(1);
  expect(ucs2length('a\u{1F600}b\u{1F697}')).toBe(4);
  expect(ucs2length('\uD800')).toBe(1);
  expect(ucs2length('\uD800x')).toBe(2);
  expect(ucs2length('é')).toBe(1);
});

it('applies maxLength in code points in a generated validator (ContactInfo.name, maxLength 200)', () => {
  const withName = (name: string): unknown => ({ ...demo.body, contact: { ...demo.body.contact, name } });
  expect(validateCreateIncidentCommand(withName('\u{1F697}'.repeat(200))).ok).toBe(true);
  const tooLong = validateCreateIncidentCommand(withName('\u{1F697}'.repeat(201)));
  expect(tooLong.ok).toBe(false);
  expect(tooLong.ok ? [] : tooLong.errors.map((e) => `${e.path} ${e.keyword}`)).toEqual(['/contact/name maxLength']);
});
