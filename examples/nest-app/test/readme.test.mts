import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const sources = ['app.module.ts', 'app.ts', 'pipeline.service.ts', 'upload.controller.ts', 'events.controller.ts'].map(
  (file) => read(`../src/${file}`),
);

/** The TypeScript code blocks of a Markdown text. */
function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** The parts of a snippet between `// …` lines; each must be verbatim code from the application. */
function excerpts(block: string): string[] {
  return block
    .split(/^\s*\/\/ …\s*$/m)
    .map((part) => part.replace(/^\n+|\s+$/g, ''))
    .filter((part) => part.length > 0);
}

function expectFromSources(markdown: string): number {
  let checked = 0;
  for (const block of tsBlocks(markdown)) {
    for (const part of excerpts(block)) {
      expect(sources.some((source) => source.includes(part)), `not in the example's sources:\n${part}`).toBe(true);
      checked++;
    }
  }
  return checked;
}

describe('README snippets are the tested code', () => {
  it('packages/nest/README.md shows this application’s files verbatim', () => {
    const readme = read('../../../packages/nest/README.md');
    for (const file of ['app.module.ts', 'app.ts', 'pipeline.service.ts', 'upload.controller.ts', 'events.controller.ts']) {
      expect(readme, file).toContain(read(`../src/${file}`).trim());
    }
  });

  // The root README's tour has a "Nest module" section once it is merged; its snippets must be excerpts of this app.
  const root = read('../../../README.md');
  const section = /^#+ Nest module\n([\s\S]*?)(?=^#+ |(?![\s\S]))/m.exec(root)?.[1];
  it.runIf(section !== undefined)('the root README’s “Nest module” snippets are excerpts of this application', () => {
    expect(expectFromSources(section!)).toBeGreaterThan(0);
  });
});
