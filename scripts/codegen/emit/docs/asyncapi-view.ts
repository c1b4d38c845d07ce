import { readFileSync } from 'node:fs';
import type { MessageModel } from '../../model';
import type { EmitContext, GeneratedFile } from '../types';
import { redact } from './redact';

/** Replaces example values of x-pii fields so docs never show personal data, even fake. */
function redactExamples(node: unknown, pii: Map<string, string[]>, seen = new Set<object>()): void {
  if (node === null || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const item of node) redactExamples(item, pii, seen);
    return;
  }
  const obj = node as Record<string, unknown>;
  const name = obj['x-parser-message-name'];
  const paths = typeof name === 'string' ? pii.get(name) : undefined;
  if (paths && Array.isArray(obj['examples'])) {
    for (const ex of obj['examples']) {
      if (ex && typeof ex === 'object' && 'payload' in ex) for (const p of paths) redact((ex as Record<string, unknown>)['payload'], p.split('.'));
    }
  }
  for (const value of Object.values(obj)) redactExamples(value, pii, seen);
}

const REF = '$ref:$';
/** The mark of a path (`$.a.b` -> `$ref:$.a.b`), and the path of a mark. */
const markOf = (path: string): string => `$ref:${path}`;
const pathOf = (mark: string): string => mark.slice('$ref:'.length);

const withoutIds = (node: unknown): string => JSON.stringify(node, (key, value: unknown) => (key === 'x-parser-schema-id' ? undefined : value));

/**
 * When the parser's async $ref reads finish in another order (a loaded machine), a message
 * may hold its own copy of a component schema, with anonymous ids, instead of the component
 * itself. Such a copy (same title, same content but for ids) becomes the component again, so
 * the page does not depend on timing.
 */
function adoptComponentSchemas(tree: unknown): unknown {
  const components = (tree as { components?: { schemas?: unknown } } | null)?.components?.schemas;
  if (components === null || typeof components !== 'object' || Array.isArray(components)) return tree;
  const byTitle = new Map<string, { node: unknown; text: string }>();
  for (const [key, node] of Object.entries(components)) byTitle.set(key, { node, text: withoutIds(node) });
  const visit = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map(visit);
    const title = (node as { title?: unknown }).title;
    const component = typeof title === 'string' ? byTitle.get(title) : undefined;
    if (component && component.node !== node && component.text === withoutIds(node)) return component.node;
    for (const [k, v] of Object.entries(node)) (node as Record<string, unknown>)[k] = visit(v);
    return node;
  };
  return visit(tree);
}

/**
 * The parser's stringified document marks an object met again as `"$ref:$.path"` to its
 * first place, and which objects are shared depends on the order its async $ref reads
 * finish, so the same spec could give different text. This expands every mark and marks
 * again only what must be: a reference to an object that contains it (a recursive schema),
 * and large subtrees equal to one met earlier in document order, so the text depends on
 * the document alone. The page's parser restores the marks the same way.
 */
export function canonicalReferences(root: unknown): unknown {
  // Every node by its path, in the parser's format (`$.key`, `$.list[0]`; keys may hold dots).
  const index = new Map<string, unknown>();
  const visit = (node: unknown, path: string): void => {
    index.set(path, node);
    if (Array.isArray(node)) node.forEach((v, i) => visit(v, `${path}[${i}]`));
    else if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) visit(v, `${path}.${k}`);
  };
  visit(root, '$');
  const at = (path: string, hops = 0): unknown => {
    if (hops > 100) throw new Error(`docs: reference chain too long at ${path}`);
    if (!index.has(path)) throw new Error(`docs: reference ${path} does not resolve`);
    const node = index.get(path);
    return typeof node === 'string' && node.startsWith(REF) ? at(pathOf(node), hops + 1) : node;
  };
  // Expand: each mark becomes a copy of its target, except a target the walk is inside.
  const expand = (node: unknown, path: string, open: Map<unknown, string>): unknown => {
    const target = typeof node === 'string' && node.startsWith(REF) ? at(pathOf(node)) : node;
    if (target === null || typeof target !== 'object') return target;
    const cycle = open.get(target);
    if (cycle !== undefined) return markOf(cycle);
    open.set(target, path);
    const out = Array.isArray(target) ? target.map((v, i) => expand(v, `${path}[${i}]`, open)) : Object.fromEntries(Object.entries(target).map(([k, v]) => [k, expand(v, `${path}.${k}`, open)]));
    open.delete(target);
    return out;
  };
  const tree = adoptComponentSchemas(expand(root, '$', new Map()));
  // Share again: a large subtree equal to one earlier in document order becomes a mark.
  const first = new Map<string, string>();
  const share = (node: unknown, path: string): unknown => {
    if (node === null || typeof node !== 'object') return node;
    const text = JSON.stringify(node);
    if (text.length >= 400 && !text.includes(REF)) {
      const seen = first.get(text);
      if (seen !== undefined) return markOf(seen);
      first.set(text, path);
    }
    return Array.isArray(node) ? node.map((v, i) => share(v, `${path}[${i}]`)) : Object.fromEntries(Object.entries(node).map(([k, v]) => [k, share(v, `${path}.${k}`)]));
  };
  return share(tree, '$');
}

/**
 * generated/docs/asyncapi.html: the raw spec rendered by the AsyncAPI React component, fully
 * offline: the component's standalone bundle and stylesheet sit beside it, and the parsed
 * document is embedded pre-stringified, so no CDN and no parser in the page.
 */
export async function asyncapiView({ document, model }: Pick<EmitContext, 'document' | 'model'>): Promise<GeneratedFile[]> {
  const { stringify } = await import('@asyncapi/parser');
  const stringified = stringify(document);
  if (!stringified) throw new Error('docs: the parser could not stringify the document');
  const parsed = canonicalReferences(JSON.parse(stringified) as unknown);
  const pii = new Map<string, string[]>(model.messages.filter((m: MessageModel) => m.pii.length).map((m) => [m.key, m.pii]));
  redactExamples(parsed, pii);
  // The parser numbers anonymous schemas in the order its async $ref reads finish:
  // renumber them in document order so the page is the same on every run.
  const numbers = new Map<string, number>();
  const embedded = JSON.stringify(parsed)
    .replace(/<anonymous-schema-(\d+)>/g, (_, n: string) => {
      if (!numbers.has(n)) numbers.set(n, numbers.size + 1);
      return `<anonymous-schema-${numbers.get(n)}>`;
    })
    .replace(/</g, '\\u003c');
  const bundle = readFileSync(require.resolve('@asyncapi/react-component/browser/standalone/without-parser.js'), 'utf8');
  const css = readFileSync(require.resolve('@asyncapi/react-component/styles/default.min.css'), 'utf8');
  const title = `${model.title} ${model.version}: event docs`;
  const html = `<!doctype html>
<!-- Generated by scripts/codegen. Do not edit: change the spec and run \`npm run codegen\`. -->
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title.replace(/</g, '&lt;')}</title>
<link rel="stylesheet" href="./asyncapi.css">
</head>
<body>
<p style="margin:0;padding:6px 12px;font:14px system-ui,sans-serif;background:#eef2f7"><a href="./index.html">&larr; Event docs home</a> &middot; the raw AsyncAPI view</p>
<div id="asyncapi"><noscript>These docs need JavaScript; the machine-readable catalog is ../catalog.json.</noscript></div>
<script src="./asyncapi-react.js"></script>
<script id="asyncapi-document" type="application/json">${embedded}</script>
<script>
  AsyncApiStandalone.render({
    schema: document.getElementById('asyncapi-document').textContent,
    config: { show: { sidebar: true, errors: true }, sidebar: { showOperations: 'byDefault' } },
  }, document.getElementById('asyncapi'));
</script>
</body>
</html>
`;
  return [
    { path: 'docs/asyncapi.html', content: html },
    { path: 'docs/asyncapi-react.js', content: bundle },
    { path: 'docs/asyncapi.css', content: css },
  ];
}
