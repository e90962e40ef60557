import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from '@sinergi/testing';
import { type ParsedMail, simpleParser } from 'mailparser';

/** The addresses a caught e-mail went to. */
export const recipientsOf = (mail: ParsedMail): string[] =>
  [mail.to]
    .flat()
    .flatMap((a) => a?.value ?? [])
    .map((v) => v.address ?? '');

/** Waits (up to `timeoutMs`) for an e-mail the mail catcher saved in `dir` that `matches`, and returns it parsed. */
export async function waitForMail(dir: string, matches: (mail: ParsedMail) => boolean, timeoutMs = 60_000): Promise<ParsedMail> {
  // A file is parsed again only when its size changed (the catcher may still be writing it), however often the folder is
  // looked at: a fast ladder writes hundreds.
  const parsed = new Map<string, { size: number; mail: ParsedMail }>();
  const found = await waitFor(
    async () => {
      for (const file of await readdir(dir)) {
        const raw = await readFile(join(dir, file));
        let seen = parsed.get(file);
        if (seen?.size !== raw.length) parsed.set(file, (seen = { size: raw.length, mail: await simpleParser(raw) }));
        if (matches(seen!.mail)) return seen!.mail;
      }
      return null;
    },
    (m) => m !== null,
    timeoutMs,
    200,
  );
  return found!;
}

/** The first link of the plain-text part whose path starts with `path` (e.g. `/console/cases/`). */
export function linkIn(mail: ParsedMail, path: string): string {
  const url = (mail.text ?? '').match(/https?:\/\/\S+/g)?.find((u) => new URL(u).pathname.startsWith(path));
  if (!url) throw new Error(`no link to ${path} in "${mail.subject}"`);
  return url;
}
