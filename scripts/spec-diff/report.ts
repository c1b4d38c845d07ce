import type { DiffResult, Finding } from './diff';

export const FORMATS = ['text', 'json', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

const order = (f: Finding): number => (f.gating ? 0 : f.verdict === 'breaking' ? 1 : 2);
const sorted = (findings: Finding[]): Finding[] =>
  [...findings].sort((a, b) => order(a) - order(b) || a.subject.localeCompare(b.subject) || a.path.localeCompare(b.path) || a.rule.localeCompare(b.rule));

function counts(result: DiffResult): { gating: number; breaking: number; compatible: number } {
  return {
    gating: result.findings.filter((f) => f.gating).length,
    breaking: result.findings.filter((f) => f.verdict === 'breaking' && !f.gating).length,
    compatible: result.findings.filter((f) => f.verdict === 'compatible').length,
  };
}

function summary(result: DiffResult, ms?: number): string {
  const n = counts(result);
  const time = ms !== undefined ? ` in ${ms} ms` : '';
  const what = `${result.compared.messages} messages, ${result.compared.commands} HTTP commands`;
  if (!result.findings.length) return `spec:diff: ${result.head} vs ${result.base}: no change to the contract (${what}${time})`;
  return `spec:diff: ${result.head} vs ${result.base}: ${result.failed ? 'FAILED' : 'passed'}: ${n.gating} breaking change(s) failing the gate, ${n.breaking} allowed, ${n.compatible} compatible (${what}${time})`;
}

function textLine(f: Finding): string {
  const tag = f.gating ? 'BREAKING' : f.verdict === 'breaking' ? 'allowed ' : 'ok      ';
  const against = f.against ? ` vs ${f.against}` : '';
  const evidence = f.evidence ? `\n      evidence: ${f.evidence}` : '';
  return `  ${tag} ${f.kind} ${f.subject}${against} ${f.path} [${f.rule}] backward ${f.backward}, forward ${f.forward}, mode ${f.mode}\n      ${f.detail}${evidence}`;
}

const md = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function render(result: DiffResult, format: Format, ms?: number): string {
  if (format === 'json') {
    return `${JSON.stringify({ base: result.base, head: result.head, failed: result.failed, counts: counts(result), compared: result.compared, findings: sorted(result.findings), advice: result.advice, ...(ms !== undefined ? { ms } : {}) }, null, 2)}\n`;
  }
  if (format === 'markdown') {
    const lines = [`### spec:diff ${result.failed ? ':x: breaking changes' : ':white_check_mark: no breaking change'}`, '', summary(result, ms).replace(/^spec:diff: /, ''), ''];
    if (result.findings.length) {
      lines.push('| | message / command | path | rule | backward | forward | mode | detail |', '|---|---|---|---|---|---|---|---|');
      for (const f of sorted(result.findings)) {
        const icon = f.gating ? ':x:' : f.verdict === 'breaking' ? ':warning:' : ':white_check_mark:';
        lines.push(`| ${icon} | ${md(f.subject)}${f.against ? ` (vs ${md(f.against)})` : ''} | \`${md(f.path)}\` | \`${f.rule}\` | ${f.backward} | ${f.forward} | ${f.mode} | ${md(f.detail)}${f.evidence ? ` _(${md(f.evidence)})_` : ''} |`);
      }
      lines.push('');
    }
    if (result.advice.length) lines.push('**What to do**', '', ...result.advice.map((a) => `- ${a}`), '');
    return `${lines.join('\n')}\n`;
  }
  const lines = [summary(result, ms)];
  for (const f of sorted(result.findings)) lines.push(textLine(f));
  if (result.advice.length) lines.push('', 'What to do:', ...result.advice.map((a) => `  - ${a}`));
  return `${lines.join('\n')}\n`;
}
