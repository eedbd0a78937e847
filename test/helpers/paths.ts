import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Tests run from dist/test/...; these point back at the checkout and ../shared beside it. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
export const sharedDir = path.resolve(repoRoot, '..', 'shared');
export const sharedFixturesDir = path.join(sharedDir, 'fixtures');
