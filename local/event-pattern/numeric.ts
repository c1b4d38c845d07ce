// `numeric` operands: ["=", x], [">"|">=", x], ["<"|"<=", x] or [">"|">=", x, "<"|"<=", y].
// Numbers compare as IEEE doubles, like aws/event-ruler, where -0 sorts below +0.

/** A range of doubles; an unbounded side is ±Number.MAX_VALUE, inclusive. */
export interface NumericRange {
  readonly low: number;
  readonly lowOpen: boolean;
  readonly high: number;
  readonly highOpen: boolean;
}

/** Total order of doubles as EventBridge sees them: like `<`, except -0 < +0. */
export function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === 0 && b === 0) {
    const negA = Object.is(a, -0);
    return negA === Object.is(b, -0) ? 0 : negA ? -1 : 1;
  }
  return 0;
}

/** Numeric equality as EventBridge sees it (5 equals 5.0, -0 does not equal 0). */
export function sameNumber(a: number, b: number): boolean {
  return a === b && (a !== 0 || Object.is(a, -0) === Object.is(b, -0));
}

export function inRange(range: NumericRange, value: number): boolean {
  const low = compareNumbers(value, range.low);
  if (low < 0 || (low === 0 && range.lowOpen)) return false;
  const high = compareNumbers(value, range.high);
  return high < 0 || (high === 0 && !range.highOpen);
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

// How the JSON token reads in AWS's messages.
function tokenText(v: unknown): string {
  if (v === undefined) return ']';
  if (Array.isArray(v)) return '[';
  if (v !== null && typeof v === 'object') return '{';
  return String(v);
}

/** Parses a `numeric` operand; returns the reason AWS gives when it is malformed. */
export function parseNumeric(operand: unknown): NumericRange | { readonly error: string } {
  if (!Array.isArray(operand)) return { error: 'Value of numeric must be an array.' };
  const items: readonly unknown[] = operand;
  const [op, value] = items;
  if (typeof op !== 'string') return { error: `Invalid member in numeric match: ${tokenText(op)}` };
  const tooMany = { error: 'Too many elements in numeric expression' };
  switch (op) {
    case '=':
      if (!isNumber(value)) return { error: 'Value of equals must be numeric' };
      if (items.length > 2) return tooMany;
      return { low: value, lowOpen: false, high: value, highOpen: false };
    case '<':
    case '<=':
      if (!isNumber(value)) return { error: `Value of ${op} must be numeric` };
      if (items.length > 2) return tooMany;
      return { low: -Number.MAX_VALUE, lowOpen: false, high: value, highOpen: op === '<' };
    case '>':
    case '>=': {
      if (!isNumber(value)) return { error: `Value of ${op} must be numeric` };
      if (items.length === 2) return { low: value, lowOpen: op === '>', high: Number.MAX_VALUE, highOpen: false };
      const [, , topOp, top] = items;
      if (typeof topOp !== 'string') return { error: `Bad value in numeric range: ${tokenText(topOp)}` };
      if (topOp !== '<' && topOp !== '<=') return { error: `Bad numeric range operator: ${topOp}` };
      if (!isNumber(top)) return { error: `Value of ${topOp} must be numeric` };
      if (items.length > 4) return { error: 'Too many terms in numeric range expression' };
      if (compareNumbers(value, top) >= 0) return { error: 'Bottom must be less than top' };
      return { low: value, lowOpen: op === '>', high: top, highOpen: topOp === '<' };
    }
    default:
      return { error: `Unrecognized numeric range operator: ${op}` };
  }
}
