import { parseFaultSettings, type FaultRule, type FaultService, type FaultSettings } from './config';

/**
 * Decides, call by call, whether to inject a fault. One seeded generator per run: the same
 * settings and the same sequence of calls give the same faults. Counts what it injected,
 * per service and kind, for the chaos verdict and `GET /local/faults`.
 */

export interface FaultScope {
  service: FaultService;
  operation?: string;
  function?: string;
  queue?: string;
  /** The tables a DynamoDB call touches (a transaction or batch may touch several). */
  tables?: readonly string[];
}

export interface InjectedFault {
  rule: FaultRule;
  /** A stable label for logs and counts: `events/entry-failure`. */
  label: string;
}

/** mulberry32: a small, fast, well-mixed 32-bit generator; plenty for fault rates. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const globs = new Map<string, RegExp>();

/** `*` matches any run of characters; everything else literally. */
function glob(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined || pattern === '*') return true;
  if (value === undefined) return false;
  let regex = globs.get(pattern);
  if (!regex) {
    regex = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    globs.set(pattern, regex);
  }
  return regex.test(value);
}

export class FaultInjector {
  private settings: FaultSettings;
  private random: () => number;
  private readonly counts = new Map<string, number>();
  /** Told of every injected fault (the local cloud logs it, the console shows it). */
  onInject: ((fault: InjectedFault, scope: FaultScope) => void) | undefined;

  constructor(settings: FaultSettings = { seed: 1, faults: [] }) {
    this.settings = settings;
    this.random = generator(settings.seed);
  }

  /** Replaces the settings (live, from `POST /local/faults`); the generator restarts from the new seed. */
  configure(input: unknown): FaultSettings {
    this.settings = parseFaultSettings(input);
    this.random = generator(this.settings.seed);
    return this.settings;
  }

  get active(): boolean {
    return this.settings.faults.some((f) => f.rate > 0);
  }

  /** Whether any fault of `service` can fire (a hook that must do work to scope its faults asks first). */
  activeFor(service: FaultService): boolean {
    return this.settings.faults.some((f) => f.service === service && f.rate > 0);
  }

  /**
   * The fault to inject into this call, if any. Each rule that matches the scope draws once,
   * in order; the first that fires wins. Kinds narrow what a hook asks for.
   */
  decide(scope: FaultScope, kinds?: readonly string[]): InjectedFault | undefined {
    for (const rule of this.settings.faults) {
      if (rule.service !== scope.service || (kinds && !kinds.includes(rule.kind))) continue;
      if (!glob(rule.operation, scope.operation) || !glob(rule.function, scope.function) || !glob(rule.queue, scope.queue)) continue;
      if (rule.table !== undefined && !(scope.tables ?? []).some((table) => glob(rule.table, table))) continue;
      if (rule.rate <= 0 || this.random() >= rule.rate) continue;
      const fault = { rule, label: `${rule.service}/${rule.kind}` };
      this.counts.set(fault.label, (this.counts.get(fault.label) ?? 0) + 1);
      this.onInject?.(fault, scope);
      return fault;
    }
    return undefined;
  }

  /** A draw from the run's generator (for the details of a fault that fired: which entries fail). */
  chance(p: number): boolean {
    return this.random() < p;
  }

  /** Faults injected so far, per `service/kind`. */
  injected(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  describe(): { settings: FaultSettings; injected: Record<string, number> } {
    return { settings: this.settings, injected: this.injected() };
  }
}
