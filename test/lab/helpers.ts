// Shared by the lab tests: the repository root (examples live there), and small topologies.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (tests run from dist/test/lab). */
export const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
export const WORLD = join(ROOT, 'examples', 'world.yaml');
