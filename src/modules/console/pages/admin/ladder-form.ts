import { POSITIONS, type Position } from '@sinergi/auth';
import type { FieldError } from '@sinergi/common';
import { checkIsoDuration } from '../../../escalation/ladder/iso-duration';
import type { EscalationLevel } from '../../../escalation/ladder/escalation-ladder';
import { formChecked, formText } from '../../view/form';

/** The units a wait is typed in, with the ISO-8601 duration each makes (the ladder API's `waitBeforeNext`). */
export const WAIT_UNITS = { menit: (n: string) => `PT${n}M`, jam: (n: string) => `PT${n}H`, hari: (n: string) => `P${n}D`, minggu: (n: string) => `P${n}W` } as const;
export type WaitUnit = keyof typeof WAIT_UNITS;
const isWaitUnit = (value: string): value is WaitUnit => Object.hasOwn(WAIT_UNITS, value);

/** One row of the ladder form as typed. */
export interface LadderRow {
  recipients: Position[];
  wait: string;
  unit: WaitUnit;
  remove: boolean;
}

const MINUTE = 60_000;
const UNIT_MS: [WaitUnit, number][] = [
  ['minggu', 7 * 24 * 60 * MINUTE],
  ['hari', 24 * 60 * MINUTE],
  ['jam', 60 * MINUTE],
  ['menit', MINUTE],
];

/** A stored wait as the form shows it: as written when in one unit, else the largest unit it is a whole number of (P1DT12H reads 36 jam). */
export function waitAsTyped(wait: string | null): { wait: string; unit: WaitUnit } {
  // A wait of one unit reads as written (P14D stays 14 hari, so saving the form unchanged stores the same text).
  const single = wait === null ? null : /^P(?:(\d+)([DW])|T(\d+)([HM]))$/.exec(wait);
  if (single) return { wait: single[1] ?? single[3], unit: ({ D: 'hari', W: 'minggu', H: 'jam', M: 'menit' } as const)[(single[2] ?? single[4]) as 'D' | 'W' | 'H' | 'M'] };
  const check = wait === null ? null : checkIsoDuration(wait);
  if (!check?.ok) return { wait: '', unit: 'hari' };
  const [unit, ms] = UNIT_MS.find(([, size]) => check.ms % size === 0) ?? ['menit', MINUTE];
  return { wait: String(Math.round(check.ms / ms)), unit };
}

export const rowsOfLadder = (levels: readonly EscalationLevel[]): LadderRow[] =>
  levels.map((l) => ({ recipients: [...l.recipients], ...waitAsTyped(l.waitBeforeNext), remove: false }));

export const emptyLadderRow = (): LadderRow => ({ recipients: [], wait: '', unit: 'hari', remove: false });

/** The form's rows: `rows` of them, each field named `l{row}_…` (a checkbox per position). */
export function readLadderRows(body: unknown): LadderRow[] {
  const count = Math.min(Math.max(Number.parseInt(formText(body, 'rows'), 10) || 0, 0), 20);
  return Array.from({ length: count }, (_, i) => {
    const unit = formText(body, `l${i}_unit`);
    return {
      recipients: POSITIONS.filter((p) => formChecked(body, `l${i}_${p}`)),
      wait: formText(body, `l${i}_wait`),
      unit: isWaitUnit(unit) ? unit : 'hari',
      remove: formChecked(body, `l${i}_remove`),
    };
  });
}

/**
 * The ladder API's `levels` from the rows kept (not removed; a blank row is no level), numbered in order, the last
 * without a wait; `rowOf[k]` is the form row of level k, so the API's field errors can be shown on their row.
 * Nothing is checked here: SetLadderCommand checks the levels, as it does for `PUT /v1/admin/ladders/{code}`.
 */
export function ladderLevels(rows: readonly LadderRow[]): { levels: { level: number; recipients: Position[]; waitBeforeNext: string | null }[]; rowOf: number[] } {
  const rowOf = rows.map((r, i) => ({ r, i })).filter(({ r }) => !r.remove && (r.recipients.length > 0 || r.wait !== '')).map(({ i }) => i);
  const levels = rowOf.map((row, level) => {
    const r = rows[row];
    const last = level === rowOf.length - 1;
    const wait = last || r.wait === '' ? null : /^\d{1,6}$/.test(r.wait) ? WAIT_UNITS[r.unit](r.wait) : r.wait;
    return { level, recipients: r.recipients, waitBeforeNext: wait };
  });
  return { levels, rowOf };
}

/** What a refused row says, by the API's error path (`levels[k].recipients…`, `levels[k].waitBeforeNext`). */
export function ladderRowErrors(errors: readonly FieldError[], rowOf: readonly number[]): { rows: Record<number, string[]>; general: string[] } {
  const rows: Record<number, string[]> = {};
  const general: string[] = [];
  for (const e of errors) {
    const m = /^levels\[(\d+)\]\.(recipients|waitBeforeNext)/.exec(e.path);
    const row = m ? rowOf[Number(m[1])] : undefined;
    const text =
      m?.[2] === 'recipients'
        ? 'Penerima: pilih paling sedikit satu jabatan.'
        : m?.[2] === 'waitBeforeNext'
          ? 'Lama tunggu: tulis bilangan bulat lebih dari nol sebelum naik ke tingkat berikutnya.'
          : e.path === 'levels'
            ? 'Tangga memerlukan paling sedikit satu tingkat dengan penerima.'
            : 'Tangga tidak valid.';
    if (row === undefined) {
      if (!general.includes(text)) general.push(text);
    } else if (!(rows[row] ??= []).includes(text)) rows[row].push(text);
  }
  return { rows, general };
}
