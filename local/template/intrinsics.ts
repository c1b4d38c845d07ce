import { TemplateError } from './errors';

export type Json = Record<string, unknown>;

/** What a resource resolves to locally: its `Ref` value and its `Fn::GetAtt` attributes. */
export interface Physical {
  ref: string;
  attributes: Record<string, string>;
}

export interface ResolveContext {
  region: string;
  accountId: string;
  stackName: string;
  /** Physical values of the resources the local runtime knows, by logical id. */
  resources: ReadonlyMap<string, Physical>;
}

const PSEUDO = (ctx: ResolveContext): Record<string, string> => ({
  'AWS::Region': ctx.region,
  'AWS::AccountId': ctx.accountId,
  'AWS::Partition': 'aws',
  'AWS::StackName': ctx.stackName,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::NoValue': '',
});

function refValue(name: string, ctx: ResolveContext, where: string): string {
  const pseudo = PSEUDO(ctx)[name];
  if (pseudo !== undefined) return pseudo;
  const resource = ctx.resources.get(name);
  if (!resource) throw new TemplateError(`${where}: Ref to ${name}, which the local runtime does not provide`);
  return resource.ref;
}

function getAtt(name: string, attribute: string, ctx: ResolveContext, where: string): string {
  const resource = ctx.resources.get(name);
  const value = resource?.attributes[attribute];
  if (value === undefined) throw new TemplateError(`${where}: Fn::GetAtt ${name}.${attribute}, which the local runtime does not provide`);
  return value;
}

/**
 * Resolves CloudFormation intrinsic functions (Ref, Fn::GetAtt, Fn::Sub, Fn::Join,
 * Fn::Select, Fn::Split, Fn::If is not supported) to local values, recursively.
 * `where` names the template path in errors.
 */
export function resolve(value: unknown, ctx: ResolveContext, where = 'template'): unknown {
  if (Array.isArray(value)) return value.map((v, i) => resolve(v, ctx, `${where}[${i}]`));
  if (typeof value !== 'object' || value === null) return value;
  const obj = value as Json;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const key = keys[0] as string;
    const arg = obj[key];
    switch (key) {
      case 'Ref':
        return refValue(String(arg), ctx, where);
      case 'Fn::GetAtt': {
        const [name, attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split(/\.(.*)/s);
        return getAtt(String(name), String(attribute), ctx, where);
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown[]];
        return (resolve(parts, ctx, where) as unknown[]).map(String).join(sep);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [number | string, unknown];
        return (resolve(list, ctx, where) as unknown[])[Number(index)];
      }
      case 'Fn::Split': {
        const [sep, text] = arg as [string, unknown];
        return String(resolve(text, ctx, where)).split(sep);
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? (arg as [string, Json]) : [String(arg), {}];
        const locals = resolve(vars, ctx, where) as Record<string, unknown>;
        return text.replace(/\$\{([^}!][^}]*)\}/g, (_, expr: string) => {
          if (expr in locals) return String(locals[expr]);
          const dot = expr.indexOf('.');
          return dot > 0 && !expr.startsWith('AWS::') ? getAtt(expr.slice(0, dot), expr.slice(dot + 1), ctx, where) : refValue(expr, ctx, where);
        });
      }
      default:
        if (key.startsWith('Fn::')) throw new TemplateError(`${where}: ${key} is not supported by the local runtime`);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, resolve(obj[k], ctx, `${where}.${k}`)]));
}
