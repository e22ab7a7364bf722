#!/usr/bin/env node
// Fails when the source files of a package import each other in a cycle, or when a package's src/
// imports a workspace package it does not declare (which is how an upward dependency hides: only
// vitest's alias resolves it, and turbo cannot see it). Type-only imports count too: a cycle of
// types still ties the modules together. No dependency: relative specifiers are read with a regex.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = join(root, 'packages');
const specifier = /(?:^|[\s;])((?:import|export)\s[^'"]*?)from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
/** `import type {…}`, `export type {…}`, or braces whose every name is `type X`: erased at runtime. */
const typeOnly = (clause) => /^(?:import|export)\s+type\s/.test(clause) || /^import\s*\{(\s*type\s+[\w$]+(\s+as\s+[\w$]+)?\s*,?)+\}\s*$/.test(clause.trim());

function sources(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sources(path, out);
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function importsOf(file) {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = [];
  for (const match of text.matchAll(specifier)) {
    const spec = match[2] ?? match[3];
    found.push({ spec, types: match[1] !== undefined && typeOnly(match[1]) });
  }
  return found;
}

function resolveRelative(from, spec) {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

// Core counts type-only imports too (its layers must not know each other's types in a circle); the
// other packages only their runtime imports for now (the simulator's context types are circular).
const strictTypes = (file) => file.startsWith(join(packagesDir, 'core', 'src'));
const problems = [];
for (const name of readdirSync(packagesDir)) {
  const pkgDir = join(packagesDir, name);
  const src = join(pkgDir, 'src');
  if (!existsSync(src) || !existsSync(join(pkgDir, 'package.json'))) continue;
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const declared = new Set(
    ['dependencies', 'devDependencies', 'peerDependencies'].flatMap((field) => Object.keys(manifest[field] ?? {})),
  );
  const graph = new Map();
  for (const file of sources(src)) {
    const edges = [];
    for (const { spec, types } of importsOf(file)) {
      if (spec.startsWith('.')) {
        const target = resolveRelative(file, spec);
        if (target !== undefined) edges.push({ target, types });
      } else if (spec.startsWith('@rocketride-streams/') || spec === 'rocketride-streams') {
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec;
        if (pkg !== manifest.name && !declared.has(pkg)) {
          problems.push(`${relative(root, file)} imports ${pkg}, which ${manifest.name} does not declare`);
        }
      }
    }
    graph.set(file, edges);
  }
  // Depth-first search; a back edge closes a cycle, reported once by its set of files.
  const state = new Map();
  const stack = [];
  const seen = new Set();
  const visit = (file) => {
    state.set(file, 'open');
    stack.push(file);
    for (const { target: next, types } of graph.get(file) ?? []) {
      if (!graph.has(next) || (types && !strictTypes(file))) continue;
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next)).map((f) => relative(root, f));
        const id = [...cycle].sort().join('|');
        if (!seen.has(id)) {
          seen.add(id);
          problems.push(`import cycle: ${[...cycle, cycle[0]].join(' -> ')}`);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
}

if (problems.length > 0) {
  for (const problem of problems) process.stderr.write(`${problem}\n`);
  process.stderr.write(`check-cycles: ${problems.length} problem(s)\n`);
  process.exit(1);
}
process.stdout.write('check-cycles: no import cycle, no undeclared workspace import\n');
