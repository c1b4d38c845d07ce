import { docText, lit, quoted } from '../../scripts/codegen/naming';

// Every string codegen writes into TypeScript goes through these helpers.
const TRICKY = ["it's", 'say "hi"', 'back\\slash', '\\', 'a\nb', '\r\n', '\t\u0000\u001f', 'Zürich ✓ 日本 🚗', 'line\u2028sep', 'para\u2029sep', '`${x}`', '</script>', '\ud800 lone'];

describe('literals in generated TypeScript', () => {
  it('lit: evaluates back to the same string, on one line, with U+2028/2029 escaped', () => {
    for (const s of TRICKY) {
      const code = lit(s);
      expect({ s, back: new Function(`return ${code};`)() as unknown }).toEqual({ s, back: s });
      expect(code).not.toMatch(/[\n\r\u2028\u2029]/);
    }
  });

  it('lit: writes non-string values as literals too (objects, arrays, booleans, null), undefined as undefined', () => {
    const value = { a: ['x"y', 1, true, null], 'b\nc': { d: '\u2028' } };
    expect(new Function(`return ${lit(value, 2)};`)()).toEqual(value);
    expect(lit(true)).toBe('true');
    expect(lit(undefined)).toBe('undefined');
  });

  it('quoted: a single-quoted literal that evaluates back to the same string', () => {
    for (const s of TRICKY) {
      const code = quoted(s);
      expect(code.startsWith("'") && code.endsWith("'")).toBe(true);
      expect({ s, back: new Function(`return ${code};`)() as unknown }).toEqual({ s, back: s });
      expect(code).not.toMatch(/[\n\r\u2028\u2029]/);
    }
    expect(quoted('plain')).toBe("'plain'");
  });

  it('docText: one line that cannot close a comment', () => {
    expect(docText('ends */ here\nand  more')).toBe('ends *\\/ here and more');
  });
});
