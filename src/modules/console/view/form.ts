import type { FieldError } from '@sinergi/common';
import { type Html, html } from './html';

/** What each refused field says, in Bahasa Indonesia, by the field's name (the API's path). */
export type FieldMessages = Record<string, string>;

/**
 * The refused fields of a form: the API's field errors (`{ path, code }`), each turned into the field's own
 * Indonesian sentence. A path such as `levels[2].waitBeforeNext` is kept whole, so a form can name a row's field.
 */
export function formErrors(errors: readonly FieldError[], messages: (path: string, code: string) => string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const text = messages(e.path, e.code);
    if (text && !out[e.path]) out[e.path] = text;
  }
  return out;
}

/** The list of what to fix at the top of a refused form, each linking to its field. */
export function errorSummary(errors: Record<string, string>, ids: Record<string, string>, labels: Record<string, string>, fallback?: string): Html {
  const entries = Object.entries(errors);
  if (entries.length === 0 && !fallback) return html``;
  return html`<div class="notice error" role="alert"><p><strong>Isian belum dapat disimpan.</strong>${fallback ? html` ${fallback}` : ''}</p>
    ${entries.length ? html`<ul>${entries.map(([path, text]) => html`<li>${ids[path] ? html`<a href="#${ids[path]}">${labels[path] ?? path}</a>` : (labels[path] ?? path)}: ${text}</li>`)}</ul>` : ''}</div>`;
}

export interface InputOptions {
  id: string;
  name: string;
  label: string;
  value?: string;
  error?: string;
  hint?: string;
  type?: 'text' | 'email' | 'tel' | 'url' | 'number' | 'date';
  required?: boolean;
  inputmode?: 'text' | 'numeric' | 'decimal' | 'tel' | 'email' | 'url';
  autocomplete?: string;
  maxlength?: number;
}

const described = (id: string, hint?: string, error?: string) => {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids ? html` aria-describedby="${ids}"` : '';
};

const notes = (id: string, hint?: string, error?: string) =>
  html`${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}`;

/** A labelled input with its hint and, when refused, its error (aria-invalid, aria-describedby). */
export function inputField(o: InputOptions): Html {
  return html`<div class="field"><label for="${o.id}">${o.label}</label>
    <input id="${o.id}" name="${o.name}" type="${o.type ?? 'text'}" value="${o.value ?? ''}"${o.required ? html` required` : ''}${o.inputmode ? html` inputmode="${o.inputmode}"` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${o.error ? html` aria-invalid="true"` : ''}${described(o.id, o.hint, o.error)}>
    ${notes(o.id, o.hint, o.error)}</div>`;
}

/** A labelled select; `options` as [value, label]. */
export function selectField(o: Omit<InputOptions, 'type' | 'inputmode' | 'autocomplete' | 'maxlength'> & { options: readonly (readonly [string, string])[] }): Html {
  return html`<div class="field"><label for="${o.id}">${o.label}</label>
    <select id="${o.id}" name="${o.name}"${o.required ? html` required` : ''}${o.error ? html` aria-invalid="true"` : ''}${described(o.id, o.hint, o.error)}>${o.options.map(
      ([value, label]) => html`<option value="${value}"${value === o.value ? html` selected` : ''}>${label}</option>`,
    )}</select>
    ${notes(o.id, o.hint, o.error)}</div>`;
}

/** A checkbox with its label after it. */
export function checkboxField(o: { id: string; name: string; label: string; checked: boolean; value?: string; error?: string; hint?: string }): Html {
  return html`<div class="field check"><span><input id="${o.id}" name="${o.name}" type="checkbox" value="${o.value ?? 'ya'}"${o.checked ? html` checked` : ''}${o.error ? html` aria-invalid="true"` : ''}${described(o.id, o.hint, o.error)}>
    <label for="${o.id}">${o.label}</label></span>${notes(o.id, o.hint, o.error)}</div>`;
}

/** A query or form value's text, trimmed; anything but a string (a repeated field, a file) reads as empty. */
export const textOf = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/** A form field's text (`textOf`). */
export const formText = (body: unknown, name: string): string => textOf(((body ?? {}) as Record<string, unknown>)[name]);

/** A checkbox's state (present means ticked). */
export const formChecked = (body: unknown, name: string): boolean => formText(body, name) !== '';
