import { validateNik } from '@sinergi/domain';

/** What is looked for: the names, NIKs and e-mail addresses stored in `personal_data`, and any NIK-shaped number. */
export interface PersonalDataNeedles {
  names: readonly string[];
  niks: readonly string[];
  emails: readonly string[];
}

/** One hit: where in the value it was (a JSON path), and of which kind. Never the value itself. */
export interface PersonalDataHit {
  path: string;
  kind: 'nik' | 'name' | 'email';
}

/**
 * Keys whose values are not personal data by design: a contractor's tax number (`npwp`, public in procurement; a
 * sole trader's may be their NIK) is part of the contract; hashes, digests and trace ids are hex that can hold digits.
 */
const EXEMPT_KEY = /npwp|hash$|^digest$|^traceparent$/i;
/** Names this short are too common as words to point at a person. */
const MIN_NAME_LENGTH = 4;
/**
 * Sixteen digits standing alone: not inside a longer number or a hex string, and not the fraction of a decimal
 * (a metric's 0.7307015208850003 is a float, not a NIK).
 */
const SIXTEEN_DIGITS = /(?<![\p{L}\p{N}])(?<!\d\.)\d{16}(?![\p{L}\p{N}])/gu;

const words = (text: string) => text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/**
 * Finds personal data in JSON values: a 16-digit run that is a NIK stored in `personal_data` or has a NIK's shape
 * (region, birth date, sequence: `validateNik`), a stored name as a whole-word sequence (case-insensitive), a stored
 * e-mail address. Names are indexed by their longest word, so building the index is linear in the names and a value
 * costs one pass over its words, however many names share a common first word (a roster of "Pekerja …").
 */
export class PersonalDataScanner {
  /** Names by their longest word (the least common, as a rule), with that word's place in the name. */
  private readonly namesByKeyWord = new Map<string, { words: string[]; at: number }[]>();
  private readonly niks: ReadonlySet<string>;
  private readonly emails: ReadonlySet<string>;

  constructor(needles: PersonalDataNeedles) {
    for (const name of needles.names) {
      if (name.trim().length < MIN_NAME_LENGTH) continue;
      const w = words(name);
      if (w.length === 0) continue;
      const at = w.reduce((best, word, i) => (word.length > w[best].length ? i : best), 0);
      const entries = this.namesByKeyWord.get(w[at]);
      if (entries) entries.push({ words: w, at });
      else this.namesByKeyWord.set(w[at], [{ words: w, at }]);
    }
    this.niks = new Set(needles.niks);
    this.emails = new Set(needles.emails.map((e) => e.trim().toLowerCase()).filter((e) => e.includes('@')));
  }

  /** Every hit in `value` (any JSON), with the path of the string that holds it. */
  scan(value: unknown, path = '$'): PersonalDataHit[] {
    const hits: PersonalDataHit[] = [];
    this.walk(value, path, hits);
    return hits;
  }

  private walk(value: unknown, path: string, hits: PersonalDataHit[]): void {
    if (typeof value === 'string') {
      const kind = this.kindIn(value);
      if (kind) hits.push({ path, kind });
    } else if (typeof value === 'number') {
      if (Number.isSafeInteger(value) && this.kindIn(String(value)) === 'nik') hits.push({ path, kind: 'nik' });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => this.walk(v, `${path}[${i}]`, hits));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) if (!EXEMPT_KEY.test(k)) this.walk(v, `${path}.${k}`, hits);
    }
  }

  private kindIn(text: string): PersonalDataHit['kind'] | null {
    for (const [digits] of text.matchAll(SIXTEEN_DIGITS)) if (this.niks.has(digits) || validateNik(digits).ok) return 'nik';
    if (this.emails.size && text.includes('@') && text.toLowerCase().split(/[\s<>,;"'()]+/).some((t) => this.emails.has(t))) return 'email';
    if (this.namesByKeyWord.size === 0) return null;
    const w = words(text);
    for (let i = 0; i < w.length; i += 1) {
      for (const name of this.namesByKeyWord.get(w[i]) ?? []) {
        const start = i - name.at;
        if (start >= 0 && name.words.every((part, j) => w[start + j] === part)) return 'name';
      }
    }
    return null;
  }
}
