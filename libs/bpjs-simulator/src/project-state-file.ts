import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseSimulatedProjects, type SimulatedProject } from './simulated-project';

/** What the state file holds; `version` lets a later format read an older file. */
interface ProjectStateDocument {
  version: 1;
  savedAt: string;
  projects: SimulatedProject[];
}

/** The simulator's state file is missing its shape, or cannot be read: the message names the file and what to do. */
export class SimulatorStateError extends Error {
  override readonly name = 'SimulatorStateError';
}

/** The projects kept in `path`; none when the file does not exist yet. Throws {@link SimulatorStateError} when it is not a state file. */
export function readProjectStateFile(path: string): SimulatedProject[] {
  if (!existsSync(path)) return [];
  const problem = (why: string) =>
    new SimulatorStateError(`${path} is not a BPJS simulator state file (${why}); move it away or delete it to start with no enrolments`);
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw problem((error as Error).message);
  }
  const d = document as Partial<ProjectStateDocument> | null;
  if (typeof d !== 'object' || d === null || d.version !== 1) throw problem('no "version": 1');
  try {
    return parseSimulatedProjects(d.projects);
  } catch (error) {
    throw problem((error as Error).message);
  }
}

/**
 * Writes `projects` to `path` atomically: a temporary file beside it, flushed to disk, then renamed over it, so a
 * crash or a kill leaves the old file or the new one, never half of one. Readable by its owner only (it holds NIKs).
 */
export function writeProjectStateFile(path: string, projects: readonly SimulatedProject[], now = new Date()): void {
  mkdirSync(dirname(path), { recursive: true });
  const document: ProjectStateDocument = { version: 1, savedAt: now.toISOString(), projects: [...projects] };
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(document, null, 1)}\n`);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
