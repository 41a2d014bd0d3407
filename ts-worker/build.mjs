// Bundles src/worker.js and everything it requires into one file that iacfix ships as package
// data, so users need a `node` binary but never npm:
//   ../src/iacfix/backends/ts_worker.js               the worker
//   ../src/iacfix/backends/ts_worker.js.LICENSE.txt   the licenses of the code bundled into it
//   ../src/iacfix/backends/hclwrite.wasm.gz           hclwrite (Go WebAssembly) for the `fmt` op,
//                                                     copied byte for byte from @cdktf/hcl-tools
//   ../src/iacfix/backends/ts_worker_start.js         src/start.js as is: starts the worker from
//                                                     V8's code cache (see there)
// The output is deterministic: the same lock file and sources give byte-identical files.
import { build } from 'esbuild';
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outfile = resolve(here, '../src/iacfix/backends/ts_worker.js');
const licenseFile = `${outfile}.LICENSE.txt`;
const hclWasm = resolve(here, '../src/iacfix/backends/hclwrite.wasm.gz');
const startScript = resolve(here, '../src/iacfix/backends/ts_worker_start.js');

/**
 * @ts-morph/common carries the TypeScript lib .d.ts files as string literals (about 2.9 MB, 40 %
 * of the bundle). The worker creates its Project with `skipLoadingLibFiles: true`, which never
 * reads them, so the bundle gets an empty list instead. Fails the build if the file changed shape.
 */
const dropLibFiles = {
  name: 'drop-ts-lib-files',
  setup(b) {
    b.onLoad({ filter: /[\\/]@ts-morph[\\/]common[\\/]dist[\\/]ts-morph-common\.js$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      const start = source.indexOf('const libFiles = [{');
      const end = source.indexOf('function getLibFiles()');
      if (start < 0 || end < start) throw new Error(`${path}: libFiles not found; update the drop-ts-lib-files plugin`);
      return { contents: `${source.slice(0, start)}const libFiles = [];\n${source.slice(end)}`, loader: 'js' };
    });
  },
};

const result = await build({
  absWorkingDir: here,
  entryPoints: ['src/worker.js'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  minify: true,
  // Keep the `/*! ... */` notices of bundled code (TypeScript's Apache-2.0 header) at the end;
  // the full license texts go to the .LICENSE.txt file written below.
  legalComments: 'eof',
  banner: { js: '/* iacfix TypeScript worker (bundled with esbuild). Third-party licenses: ts_worker.js.LICENSE.txt */' },
  charset: 'utf8',
  metafile: true,
  plugins: [dropLibFiles],
  logLevel: 'warning',
});

/** The package.json of the npm package that holds `file` (a path relative to this folder). */
function owningPackage(file) {
  for (let dir = dirname(resolve(here, file)); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    // Some packages carry a nested {"type": "module"} package.json without a name; go on up.
    if (pkg.name && pkg.version) return { dir, pkg };
  }
  throw new Error(`no package.json above ${file}`);
}

/** Licenses of packages that are not in node_modules of their own (copied into a dependency). */
const EMBEDDED = {
  // @ts-morph/common ships TypeScript as dist/typescript.js.
  '@ts-morph/common': [{ name: 'typescript', version: tsVersion, license: 'Apache-2.0', text: 'licenses/Apache-2.0.txt' }],
  // @cdktf/hcl-tools ships Go's wasm_exec.js (bundled) and main.wasm.gz (copied beside the
  // bundle as hclwrite.wasm.gz): a Go 1.18.5 program built from these modules (its build info).
  '@cdktf/hcl-tools': [
    goModule('go (wasm_exec.js, runtime and standard library)', '1.18.5', 'BSD-3-Clause', 'licenses/BSD-3-Clause-Go.txt'),
    goModule('github.com/hashicorp/hcl/v2', 'v2.19.1', 'MPL-2.0', 'licenses/MPL-2.0.txt'),
    goModule('github.com/zclconf/go-cty', 'v1.13.0', 'MIT', 'licenses/MIT.txt', 'Copyright (c) 2017-2018 Martin Atkins'),
    goModule('github.com/apparentlymart/go-textseg/v13, v15', 'v13.0.0, v15.0.0', 'MIT', 'licenses/MIT.txt', 'Copyright (c) 2017 Martin Atkins'),
    goModule('github.com/agext/levenshtein', 'v1.2.1', 'Apache-2.0', 'licenses/Apache-2.0.txt'),
    goModule('github.com/mitchellh/go-wordwrap', 'v0.0.0-20150314170334-ad45545899c7', 'MIT', 'licenses/MIT.txt', 'Copyright (c) 2014 Mitchell Hashimoto'),
    goModule('github.com/google/go-cmp', 'v0.3.1', 'BSD-3-Clause', 'licenses/BSD-3-Clause-Go.txt'),
    goModule('golang.org/x/text', 'v0.11.0', 'BSD-3-Clause', 'licenses/BSD-3-Clause-Go.txt'),
  ],
};

/** Packages that ship no license file of their own: the text of the license they declare. */
const LICENSE_TEXT = { '@cdktf/hcl-tools': 'licenses/MPL-2.0.txt' };

function goModule(name, version, license, text, copyright = '') {
  return { name, version: () => version, license, text, copyright };
}

function tsVersion() {
  const source = readFileSync(join(here, 'node_modules/@ts-morph/common/dist/typescript.js'), 'utf8');
  return /\bversion = "(\d+\.\d+\.\d+[^"]*)"/.exec(source)[1];
}

function licenseText(dir) {
  const names = readdirSync(dir).filter((n) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(n)).sort();
  if (names.length === 0) throw new Error(`no license file in ${dir}`);
  return names.map((n) => readFileSync(join(dir, n), 'utf8').trim()).join('\n\n');
}

const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  if (!input.split(/[\\/]/).includes('node_modules')) continue; // our own source
  const { dir, pkg } = owningPackage(input);
  const text = LICENSE_TEXT[pkg.name] ? readFileSync(join(here, LICENSE_TEXT[pkg.name]), 'utf8').trim() : licenseText(dir);
  packages.set(pkg.name, { name: pkg.name, version: pkg.version, license: pkg.license, text });
  for (const embedded of EMBEDDED[pkg.name] || []) {
    const body = readFileSync(join(here, embedded.text), 'utf8').trim();
    packages.set(embedded.name, {
      name: embedded.name,
      version: embedded.version(),
      license: embedded.license,
      text: embedded.copyright ? `${embedded.copyright}\n\n${body}` : body,
    });
  }
}

const rule = '-'.repeat(100);
const sections = [...packages.values()]
  .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  .map((p) => `${rule}\n${p.name} ${p.version} (${p.license})\n${rule}\n\n${p.text}\n`);
writeFileSync(
  licenseFile,
  'ts_worker.js bundles the following third-party packages (built from ts-worker/ in the iacfix\n' +
    'repository); hclwrite.wasm.gz beside it is the WebAssembly of @cdktf/hcl-tools, built from the Go\n' +
    'modules listed. Their licenses follow.\n\n' +
    sections.join('\n'),
);

// The formatter's WebAssembly, loaded by the worker from beside itself (not bundled: 1.5 MB of
// binary that only the `fmt` op needs). A plain copy, so the same lock gives the same bytes.
if (!packages.has('@cdktf/hcl-tools')) throw new Error('@cdktf/hcl-tools is not bundled; the fmt op needs it');
copyFileSync(join(here, 'node_modules/@cdktf/hcl-tools/main.wasm.gz'), hclWasm);

// Not bundled: it must stay small and plain to load the bundle through the code cache.
copyFileSync(join(here, 'src/start.js'), startScript);

const size = readFileSync(outfile).length;
console.log(`${relative(process.cwd(), outfile).split(sep).join('/')}: ${size} bytes, ${packages.size} bundled packages`);
