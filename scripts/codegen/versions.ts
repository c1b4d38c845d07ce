// Event families and versions: the one definition codegen (model.ts) and spec:diff
// (spec-diff/load.ts) share.
//
// A new major version of an event is a new message with its own schema and its own
// detail-type (README "Versioning and upcasting"): `IncidentCreated` (x-version 1.x) and
// `IncidentCreatedV2` (x-version 2.x) are two messages of the family `IncidentCreated`.
// Routing never looks inside the detail, so a rule, a queue and a consumer route tell the
// versions apart by source and detail-type alone, as EventBridge does.

/** What a message says about its version: its name and its `x-version`, as written. */
export interface VersionedName {
  name: string;
  /** `x-version` as written (`'2.0'`, `2`), if any. */
  version?: string | number | undefined;
}

export interface FamilyVersion {
  /** The family: the name without a trailing `V<n>` (`IncidentCreatedV2` -> `IncidentCreated`). */
  family: string;
  /** Major version: from x-version (`2.0` -> 2), else the name's `V<n>` suffix, else 1. */
  major: number;
}

/** The leading integer of an x-version (`'2.1'` -> 2), or undefined when it has none. */
export function majorOf(version: string | number | undefined): number | undefined {
  if (version === undefined) return undefined;
  const m = /^(\d+)(?:\.\d+)*$/.exec(String(version).trim());
  return m ? Number(m[1]) : undefined;
}

const SUFFIX = /^(.*?)[-_.]?[vV](\d+)$/;

/**
 * The family and major version of a message. A `V<n>` suffix names a version only when
 * x-version is absent or agrees with it: `ScannerV2` with x-version 1.0 is version 1 of
 * the family `ScannerV2` (the suffix is part of its name).
 */
export function familyOf(message: VersionedName): FamilyVersion {
  const declared = majorOf(message.version);
  const m = SUFFIX.exec(message.name);
  if (m && m[1]) {
    const suffix = Number(m[2]);
    if (declared === undefined || declared === suffix) return { family: m[1], major: suffix };
  }
  return { family: message.name, major: declared ?? 1 };
}

/** The conventional name of version `major` of `family`: the family itself for 1, else `<family>V<major>`. */
export function versionName(family: string, major: number): string {
  return major <= 1 ? family : `${family}V${major}`;
}

/**
 * Families of a spec's messages. Besides the name, two messages that share source and
 * detail-type are one family (the first one's): a spec that versions by the envelope's
 * eventVersion alone still diffs as versions. Codegen refuses such a pair (routing could not
 * tell them apart), so for a spec codegen accepts the name decides.
 */
export function assignFamilies<M extends VersionedName & { eventbridge?: { source?: string; detailType?: string } | undefined }>(messages: Iterable<M>): Map<string, FamilyVersion> {
  const out = new Map<string, FamilyVersion>();
  const byRoute = new Map<string, string>();
  for (const m of messages) {
    const fv = familyOf(m);
    const eb = m.eventbridge;
    if (eb?.source && eb.detailType) {
      const route = `${eb.source}\u0000${eb.detailType}`;
      const first = byRoute.get(route);
      if (first === undefined) byRoute.set(route, fv.family);
      else fv.family = first;
    }
    out.set(m.name, fv);
  }
  return out;
}

/** `x-deprecated: true` or a reason (a non-empty string); `deprecated: true` (AsyncAPI's own keyword on other objects) too. */
export function deprecationOf(message: Record<string, unknown>): { deprecated: boolean; reason?: string } {
  const x = message['x-deprecated'];
  if (typeof x === 'string' && x.trim()) return { deprecated: true, reason: x.trim() };
  return { deprecated: x === true || message['deprecated'] === true };
}

/** One upcaster: turns an event of version `from` into the next major version `to`. */
export interface UpcastStep {
  from: string;
  to: string;
  fromMajor: number;
  toMajor: number;
}

/** A received older version and the steps that carry it to the version the handler sees. */
export interface UpcastChain {
  family: string;
  /** The message as received (an older version). */
  message: string;
  /** The version the handler sees: the highest major of the family the queue receives. */
  latest: string;
  steps: UpcastStep[];
}

/**
 * How a queue that receives several versions of a family hands them to one handler: the
 * highest major it receives is what its handler sees, and every older one goes up one major
 * at a time (v1 -> v2 -> v3), each step an upcaster. Returns the chains, or the gaps: a
 * version between a received one and the latest that the spec does not have (there is no
 * step v1 -> v3: the missing v2 is named).
 */
export function planUpcasts(
  received: readonly string[],
  familyMembers: (family: string) => { name: string; major: number }[],
  versionOf: (name: string) => FamilyVersion,
): { chains: UpcastChain[]; latest: Map<string, string>; gaps: { family: string; message: string; latest: string; missingMajor: number; from: string; fromMajor: number }[] } {
  const byFamily = new Map<string, string[]>();
  for (const name of received) {
    const { family } = versionOf(name);
    byFamily.set(family, [...(byFamily.get(family) ?? []), name]);
  }
  const chains: UpcastChain[] = [];
  const latest = new Map<string, string>();
  const gaps: { family: string; message: string; latest: string; missingMajor: number; from: string; fromMajor: number }[] = [];
  for (const [family, names] of byFamily) {
    const top = names.reduce((a, b) => (versionOf(b).major > versionOf(a).major ? b : a));
    latest.set(family, top);
    const topMajor = versionOf(top).major;
    const members = familyMembers(family);
    for (const name of names) {
      if (name === top) continue;
      const steps: UpcastStep[] = [];
      let from = name;
      let fromMajor = versionOf(name).major;
      while (fromMajor < topMajor) {
        const next = members.find((x) => x.major === fromMajor + 1);
        if (!next) {
          gaps.push({ family, message: name, latest: top, missingMajor: fromMajor + 1, from, fromMajor });
          break;
        }
        steps.push({ from, to: next.name, fromMajor, toMajor: next.major });
        from = next.name;
        fromMajor = next.major;
      }
      if (fromMajor === topMajor) chains.push({ family, message: name, latest: top, steps });
    }
  }
  return { chains, latest, gaps };
}
