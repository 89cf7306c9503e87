import type { Level } from '../types';

/** One requirement of the catalogue: the sentence a check enforces, its own keyword's level, its source. */
export interface Requirement {
  id: string;
  level: Level;
  source: string;
  text: string;
}
