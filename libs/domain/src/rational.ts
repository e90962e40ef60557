/** An exact fraction of two bigints (denominator > 0), so premium arithmetic never rounds until we say so. */
export interface Rational {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Writes a rate the way a regulation does, `percent('0.21')` = 0.21 % = 21/10000, without a float in between. */
export function percent(decimal: string): Rational {
  const match = DECIMAL.exec(decimal);
  if (!match) throw new RangeError(`Expected a decimal percent such as '0.21', got '${decimal}'`);
  const fraction = match[2] ?? '';
  return reduce(BigInt(match[1] + fraction), 100n * 10n ** BigInt(fraction.length));
}

/** Builds a fraction in lowest terms with a positive denominator. */
export function rational(numerator: bigint, denominator = 1n): Rational {
  if (denominator === 0n) throw new RangeError('denominator must not be zero');
  return denominator < 0n ? reduce(-numerator, -denominator) : reduce(numerator, denominator);
}

export function add(a: Rational, b: Rational): Rational {
  return reduce(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator);
}

export function subtract(a: Rational, b: Rational): Rational {
  return add(a, { numerator: -b.numerator, denominator: b.denominator });
}

export function multiply(a: Rational, b: Rational): Rational {
  return reduce(a.numerator * b.numerator, a.denominator * b.denominator);
}

/** Sign of a − b, without losing precision to a division. */
export function compare(a: Rational, b: Rational): number {
  const difference = a.numerator * b.denominator - b.numerator * a.denominator;
  return difference === 0n ? 0 : difference > 0n ? 1 : -1;
}

/** Half up, i.e. away from zero for the non-negative amounts money deals in: 2.5 → 3, 2.49 → 2. */
export function roundHalfUp(value: Rational): bigint {
  if (value.numerator < 0n) throw new RangeError('roundHalfUp is defined here for non-negative amounts only');
  return (2n * value.numerator + value.denominator) / (2n * value.denominator);
}

function reduce(numerator: bigint, denominator: bigint): Rational {
  const divisor = gcd(numerator < 0n ? -numerator : numerator, denominator);
  return divisor > 1n
    ? { numerator: numerator / divisor, denominator: denominator / divisor }
    : { numerator, denominator };
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
