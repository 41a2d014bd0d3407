'use strict';
// Starts the bundled worker (ts_worker.js, beside this file) from V8's code cache, so that a
// start does not compile its 4 MB again: `node ts_worker_start.js [CACHE_DIR]`. Not bundled:
// build.mjs copies it as is to src/iacfix/backends/ts_worker_start.js.
//
// Without CACHE_DIR (or with an empty one) it is a plain require of the bundle. With one, the
// bundle is compiled by vm.Script from the cached data in CACHE_DIR/ts_worker-<key>.v8cache, the
// key naming the bundle (size, mtime) and the Node (version, arch). When there is none or V8
// rejects it, the cache is written (temp file, rename) once the first request has been answered,
// so that the functions compiled lazily for it are in the cache too.
//
// Why not Node's own compile cache (module.enableCompileCache, NODE_COMPILE_CACHE, Node >= 22):
// it keeps the code compiled when the module loaded, about 10 kB for this bundle, and a start
// from it took 0.26 s against 0.10 s from this cache (Node 24, a ping; 0.48 s with no cache).
//
// A cache that cannot be read or written is skipped: the worker runs the same without it.
// stdout carries the protocol: anything this script has to say goes to stderr.

const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const BUNDLE = path.join(__dirname, 'ts_worker.js');

function warn(message) {
  process.stderr.write(`iacfix ts worker start: ${message}\n`);
}

/** An error that only says the cache folder is not usable here (read-only home, CI, ...). */
function unusable(err) {
  return ['EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR', 'ENOSPC', 'EDQUOT', 'EEXIST'].includes(err && err.code);
}

function cacheFile(cacheDir, stat) {
  const key = crypto
    .createHash('sha256')
    .update(JSON.stringify([process.version, process.arch, stat.size, stat.mtimeMs]))
    .digest('hex')
    .slice(0, 16);
  return path.join(cacheDir, `ts_worker-${key}.v8cache`);
}

function readCache(file) {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if (!unusable(err)) warn(`cannot read ${file}: ${err.message}`);
    return undefined;
  }
}

function writeCache(file, script) {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temp, script.createCachedData());
    fs.renameSync(temp, file); // atomic: another worker reads the old file or the new one
    removeStale(file);
  } catch (err) {
    if (!unusable(err)) warn(`cannot write ${file}: ${err.message}`);
    try {
      fs.unlinkSync(temp);
    } catch {
      // there was none
    }
  }
}

const STALE_MS = 30 * 24 * 3600 * 1000;

/** Caches of other bundles or Nodes (an upgrade) written over a month ago: 3 MB each. A cache
 * still in use elsewhere (another install sharing the folder) is written again at its next start. */
function removeStale(file) {
  const dir = path.dirname(file);
  for (const name of fs.readdirSync(dir)) {
    const other = path.join(dir, name);
    if (!/^ts_worker-[0-9a-f]+\.v8cache$/.test(name) || other === file) continue;
    try {
      if (Date.now() - fs.statSync(other).mtimeMs > STALE_MS) fs.unlinkSync(other);
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/** Once the first request has been answered (stdout written), then `callback`. */
function afterFirstAnswer(callback) {
  const write = process.stdout.write;
  process.stdout.write = function (...args) {
    process.stdout.write = write;
    setImmediate(callback);
    return write.apply(this, args);
  };
}

/** What `require(BUNDLE)` does, with the compiled code taken from and kept in `cacheDir`. */
function withCachedData(cacheDir) {
  const stat = fs.statSync(BUNDLE);
  const source = fs.readFileSync(BUNDLE, 'utf8');
  const file = cacheFile(cacheDir, stat);
  const cachedData = readCache(file);
  const script = new vm.Script(Module.wrap(source), { filename: BUNDLE, cachedData });
  // A missing, stale or corrupt cache (V8 checks its header and the source length): replace it.
  if (cachedData === undefined || script.cachedDataRejected) afterFirstAnswer(() => writeCache(file, script));

  // The module the bundle runs as, as Module._load would make it: same require, __dirname, etc.
  const mod = new Module(BUNDLE, module);
  mod.filename = BUNDLE;
  mod.paths = Module._nodeModulePaths(path.dirname(BUNDLE));
  Module._cache[BUNDLE] = mod;
  const moduleRequire = Module.createRequire(BUNDLE);
  script.runInThisContext({ displayErrors: true }).call(
    mod.exports, mod.exports, moduleRequire, mod, BUNDLE, path.dirname(BUNDLE));
  mod.loaded = true;
}

const cacheDir = process.argv[2] || '';
if (cacheDir) withCachedData(cacheDir);
else require(BUNDLE);
