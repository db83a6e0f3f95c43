import type { OnLoadOptions, OnResolveOptions, Plugin, PluginBuild } from 'esbuild';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { countSdkCalls } from '../../scripts/bench/count-sdk-calls';
import { BUNDLE_OPTIONS, MAP_DIR, ROOT, bundleNames } from '../../scripts/build/bundles';

/**
 * Plain bundling: no build step reads or rewrites the text of a dependency's files, so an SDK
 * upgrade cannot break the build through its internals. esbuild changes a file's text only through
 * a plugin's `onLoad` hook; these check every plugin the functions' build (and the bench's counting
 * build) has against the very files the deployed bundles were built from.
 */

interface Hooks {
  readonly onLoad: OnLoadOptions[];
  readonly onResolve: OnResolveOptions[];
}

/** A plugin's hooks, recorded by running its setup against a stand-in for esbuild's builder. */
function hooksOf(plugin: Plugin): Hooks {
  const hooks: Hooks = { onLoad: [], onResolve: [] };
  const builder = {
    initialOptions: { ...BUNDLE_OPTIONS },
    onLoad: (options: OnLoadOptions) => hooks.onLoad.push(options),
    onResolve: (options: OnResolveOptions) => hooks.onResolve.push(options),
    onStart: () => undefined,
    onEnd: () => undefined,
    onDispose: () => undefined,
  };
  void plugin.setup(builder as unknown as PluginBuild);
  return hooks;
}

/** Every file under node_modules that a deployed bundle was built from, read from its source map. */
function bundledDependencyFiles(): string[] {
  const files = new Set<string>();
  // Every output's map: a function's index.mjs and its chunks.
  const maps = bundleNames().flatMap((name) => readdirSync(path.join(MAP_DIR, name)).filter((file) => file.endsWith('.mjs.map')).map((file) => path.join(MAP_DIR, name, file)));
  for (const map of maps) {
    const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
    for (const source of sources) {
      const file = path.resolve(path.dirname(map), source);
      if (file.split(path.sep).includes('node_modules')) files.add(file);
    }
  }
  return [...files];
}

/** The onLoad hooks of `plugins` whose filter matches a file under node_modules. */
function hooksOverDependencies(plugins: readonly Plugin[], files: readonly string[]): string[] {
  return plugins.flatMap((plugin) =>
    hooksOf(plugin).onLoad.flatMap((hook) => {
      const matched = files.find((file) => hook.filter.test(file));
      return matched ? [`${plugin.name}: onLoad ${hook.filter} matches ${matched}`] : [];
    }),
  );
}

describe('plain bundling', () => {
  const files = bundledDependencyFiles();

  it('reads the files of the dependencies the bundles carry (the check below is not vacuous)', () => {
    expect(files.some((file) => file.includes(`${path.sep}@aws-sdk${path.sep}client-dynamodb${path.sep}`))).toBe(true);
    const rewriter: Plugin = { name: 'rewriter', setup: (builder) => builder.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/].*\.js$/ }, () => undefined) };
    expect(hooksOverDependencies([rewriter], files)).toHaveLength(1);
  });

  it('has no onLoad hook over a file under node_modules, in the functions’ build or the bench’s counting build', () => {
    expect(hooksOverDependencies([...(BUNDLE_OPTIONS.plugins ?? []), countSdkCalls], files)).toEqual([]);
  });

  it('swaps no package in the functions’ build but the credential provider, a seam the SDK documents', () => {
    expect(Object.keys(BUNDLE_OPTIONS.alias ?? {})).toEqual(['@aws-sdk/credential-provider-node']);
    expect((BUNDLE_OPTIONS.plugins ?? []).flatMap((plugin) => hooksOf(plugin).onResolve)).toEqual([]);
  });

  it('applies no text replacement in scripts/build (grep-level)', () => {
    const dir = path.join(ROOT, 'scripts', 'build');
    const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => /\.[cm]?[jt]s$/.test(file));
    expect(sources.length).toBeGreaterThan(0);
    for (const file of sources) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      expect({ file, onLoad: /\bonLoad\b/.test(text), replace: /\.replace(All)?\(/.test(text) }).toEqual({ file, onLoad: false, replace: false });
    }
  });
});
