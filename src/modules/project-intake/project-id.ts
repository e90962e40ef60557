import { v5 as uuidv5 } from 'uuid';

/** Namespace of Sinergi project ids (fixed forever: changing it would change every project's id). */
const PROJECT_NAMESPACE = '0f6d3a52-6f1e-4f7b-9a55-5b3c1c2f7307';

/**
 * Sinergi's stable project id: derived from the client's source system and the source's project
 * key, so the same project posted twice (or by a rotated client of the same source) keeps its id.
 */
export const projectIdFor = (sourceSystem: string, projectRef: string): string =>
  uuidv5(`${sourceSystem}\n${projectRef}`, PROJECT_NAMESPACE);
