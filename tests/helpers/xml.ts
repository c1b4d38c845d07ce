/**
 * A small XML reader for the tests of the query protocols: elements, attributes, text and
 * character references; enough for AWS's answers and the fixtures written from its documents.
 * Comments, the XML declaration and whitespace-only text between elements are dropped.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Text of an element without child elements ('' when empty). */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)));
    const entity = ENTITIES[ref];
    if (entity === undefined) throw new Error(`unknown XML entity ${whole}`);
    return entity;
  });
}

/** Parses one XML document; throws on anything malformed. */
export function parseXml(source: string): XmlElement {
  const xml = source.replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '');
  const token = /<\/([\w:.-]+)\s*>|<([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*"[^"]*")*)\s*(\/?)>|([^<]+)/g;
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  let rest = 0;
  for (let m = token.exec(xml); m; m = token.exec(xml)) {
    if (m.index !== rest) throw new Error(`malformed XML near: ${xml.slice(rest, rest + 40)}`);
    rest = token.lastIndex;
    const top = stack[stack.length - 1] as XmlElement;
    if (m[1] !== undefined) {
      if (top.name !== m[1]) throw new Error(`</${m[1]}> closes <${top.name}>`);
      stack.pop();
    } else if (m[2] !== undefined) {
      const attributes: Record<string, string> = {};
      for (const a of (m[3] ?? '').matchAll(/([\w:.-]+)\s*=\s*"([^"]*)"/g)) attributes[a[1] as string] = decode(a[2] ?? '');
      const element: XmlElement = { name: m[2], attributes, children: [], text: '' };
      top.children.push(element);
      if (m[4] !== '/') stack.push(element);
    } else if (m[5] !== undefined && m[5].trim() !== '') {
      top.text += decode(m[5]);
    }
  }
  if (rest !== xml.length || stack.length !== 1) throw new Error('unterminated XML document');
  const [document] = root.children;
  if (!document || root.children.length !== 1) throw new Error('an XML document has exactly one root element');
  return document;
}

/** The first descendant (depth first) with this name. */
export function find(element: XmlElement, name: string): XmlElement | undefined {
  for (const child of element.children) {
    if (child.name === name) return child;
    const deeper = find(child, name);
    if (deeper) return deeper;
  }
  return undefined;
}

/** Every descendant with this name, in document order. */
export function findAll(element: XmlElement, name: string): XmlElement[] {
  return element.children.flatMap((child) => [...(child.name === name ? [child] : []), ...findAll(child, name)]);
}
