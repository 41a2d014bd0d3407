'use strict';
// iacfix TypeScript worker: a long-lived process that parses CDKTF TypeScript with ts-morph and
// answers one JSON request per stdin line with one JSON response per stdout line.
// The contract (ops, the View it returns) is docs/cdktf-view.md.
//
// stdout carries the protocol and nothing else: every console method goes to stderr, so a stray
// log line from a library cannot corrupt a response.

for (const method of ['log', 'info', 'warn', 'debug', 'trace']) console[method] = console.error;

const readline = require('node:readline');
const { Project, ts } = require('ts-morph');

const project = new Project({
  useInMemoryFileSystem: true,
  skipLoadingLibFiles: true,
  compilerOptions: {
    target: ts.ScriptTarget.ES2020,
    // With CommonJS TypeScript 6 resolves modules as a bundler does, so that the `types` of
    // `import { x } from './cache-stack'` come from the parsed /abs/lib/cache-stack.ts.
    module: ts.ModuleKind.CommonJS,
    strict: true,
    experimentalDecorators: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    noEmit: true,
  },
});

// ---------------------------------------------------------------------------------------------
// Offsets: the View speaks Python `str` offsets (code points); JS strings and the TypeScript AST
// speak UTF-16 units. They differ only after a character outside the BMP (a surrogate pair), so a
// file without any pair - nearly every source file - gets identity conversions and pays nothing.

/** Number of elements of the sorted array `xs` that are < x. */
function countBelow(xs, x) {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/**
 * Converts positions in the source file ts-morph parsed to and from the View's offsets into the
 * text it was given. Besides code points vs UTF-16 units, ts-morph drops a leading byte-order
 * mark, which the Python str still has: every position of such a file is one more in the View.
 */
class OffsetMap {
  constructor(text, parsedText) {
    const shift = text.length - parsedText.length; // 1 with a BOM, else 0
    // UTF-16 offset (in `text`) of each surrogate pair's first unit, and the same position in
    // code points. Lone surrogates are one unit and one code point (one character in Python).
    const pairs = [];
    for (const m of text.matchAll(SURROGATE_PAIR)) pairs.push(m.index);
    if (pairs.length === 0) {
      this.toCp = (p) => p + shift;
      this.fromCp = (c) => c - shift;
    } else {
      const pairsCp = pairs.map((u, i) => u - i);
      this.toCp = (p) => p + shift - countBelow(pairs, p + shift);
      this.fromCp = (c) => c + countBelow(pairsCp, c) - shift;
    }
    // Lines end at '\n' only (a '\r\n' ends at its '\n'), which is what counting '\n' in the
    // Python str gives; TypeScript's own line map also breaks at a lone '\r', U+2028 and U+2029.
    this.lineStarts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1 - shift);
  }

  /** [line, col] of a parsed-text position: 1-based, col in code points. */
  lineCol(p) {
    const line = countBelow(this.lineStarts, p + 1);
    return [line, this.toCp(p) - this.toCp(this.lineStarts[line - 1]) + 1];
  }
}

// ---------------------------------------------------------------------------------------------
// Building the View from the raw compiler AST. Walking `compilerNode` directly instead of the
// ts-morph wrappers avoids creating (and caching) a wrapper object for every node.

const K = ts.SyntaxKind;

/** What one walk over a source file needs: its (parsed) text, AST and offset conversions. */
class ViewBuilder {
  constructor(sf, offsets) {
    this.sf = sf;
    this.text = sf.text;
    this.offsets = offsets;
    this.view = { imports: [], classes: [], constructions: [], calls: [], identifier_counts: {} };
  }

  /** `getStart` skips leading trivia (comments, whitespace); `pos` would include it. */
  start(node) {
    return node.getStart(this.sf);
  }

  textOf(node) {
    return this.text.slice(this.start(node), node.end);
  }

  span(node) {
    return [this.offsets.toCp(this.start(node)), this.offsets.toCp(node.end)];
  }

  /** span, line and col of a node, the fields every located record of the View carries. */
  located(node) {
    const [line, col] = this.offsets.lineCol(this.start(node));
    return { span: this.span(node), line, col };
  }

  build() {
    this.visit(this.sf, null, null);
    return this.view;
  }

  /**
   * One recursive walk, carrying the innermost enclosing class and named function.
   * `cls` changes only for a class's members (not its name or `extends` clause);
   * anonymous functions (callbacks, IIFEs) are transparent so that code in
   * `items.forEach(() => new X(...))` inside a constructor still reports "constructor".
   */
  visit(node, cls, fn) {
    switch (node.kind) {
      case K.ImportDeclaration:
        this.addImport(node);
        return; // its identifiers are the import specifiers, which identifier_counts skips
      case K.ImportEqualsDeclaration:
        this.addImportEquals(node);
        return;
      case K.ClassDeclaration:
      case K.ClassExpression:
        this.visitClass(node, cls, fn);
        return;
      case K.NewExpression:
        this.addConstruction(node, cls, fn);
        break;
      case K.ExpressionStatement:
        if (node.expression.kind === K.CallExpression) this.addCall(node, cls);
        break;
      case K.Identifier:
        if (!isPropertyName(node)) {
          const counts = this.view.identifier_counts;
          counts[node.text] = (counts[node.text] || 0) + 1;
        }
        return;
      default:
        if (ts.isFunctionLike(node)) fn = functionName(node) ?? fn;
    }
    ts.forEachChild(node, (child) => this.visit(child, cls, fn));
  }

  visitClass(node, cls, fn) {
    const name = node.name ? node.name.text : null;
    if (node.kind === K.ClassDeclaration) {
      const bases = [];
      for (const clause of node.heritageClauses || []) {
        if (clause.token !== K.ExtendsKeyword) continue;
        for (const t of clause.types) bases.push({ name: this.textOf(t.expression), span: this.span(t.expression) });
      }
      this.view.classes.push({ name: name ?? '', ...this.located(node), bases });
    }
    const membersStart = node.members.pos;
    ts.forEachChild(node, (child) =>
      child.pos >= membersStart ? this.visit(child, name, fn) : this.visit(child, cls, fn),
    );
  }

  addImport(node) {
    const record = { module: node.moduleSpecifier.text, ...this.importRecord(node), names: [] };
    const clause = node.importClause;
    if (clause) {
      if (clause.name) record.default = clause.name.text;
      const bindings = clause.namedBindings;
      if (bindings && bindings.kind === K.NamespaceImport) record.namespace = bindings.name.text;
      if (bindings && bindings.kind === K.NamedImports) {
        for (const spec of bindings.elements) {
          record.names.push({
            name: (spec.propertyName || spec.name).text,
            local: spec.name.text,
            span: this.span(spec),
          });
        }
      }
    }
    this.view.imports.push(record);
  }

  /** `import aws = require('...')` binds the whole module, like a namespace import. */
  addImportEquals(node) {
    const ref = node.moduleReference;
    if (ref.kind !== K.ExternalModuleReference || !ts.isStringLiteralLike(ref.expression)) return;
    this.view.imports.push({
      module: ref.expression.text,
      ...this.importRecord(node),
      names: [],
      namespace: node.name.text,
    });
  }

  importRecord(node) {
    const { span, line } = this.located(node);
    return { span, line };
  }

  addConstruction(node, cls, fn) {
    const args = (node.arguments || []).map((a) => this.value(a));
    const third = args[2];
    this.view.constructions.push({
      callee: this.textOf(node.expression),
      callee_span: this.span(node.expression),
      args,
      config: third && third.kind === 'object' ? third : null,
      var: this.assignedTo(node),
      enclosing_class: cls,
      enclosing_function: fn,
      ...this.located(node),
    });
  }

  /** What the value of `node` is stored in: `const x = node` → "x", `this.x = node` → "this.x". */
  assignedTo(node) {
    let expr = node;
    while (isTransparentWrapper(expr.parent)) expr = expr.parent;
    const parent = expr.parent;
    if (parent.kind === K.VariableDeclaration && parent.initializer === expr && parent.name.kind === K.Identifier) {
      return parent.name.text;
    }
    if (parent.kind === K.BinaryExpression && parent.right === expr && parent.operatorToken.kind === K.EqualsToken) {
      return this.textOf(parent.left);
    }
    // A class field `readonly bucket = new S3Bucket(...)` is the same as `this.bucket = ...`.
    if (parent.kind === K.PropertyDeclaration && parent.initializer === expr && !hasStaticModifier(parent)) {
      return `this.${this.textOf(parent.name)}`;
    }
    return null;
  }

  addCall(statement, cls) {
    const call = statement.expression;
    this.view.calls.push({
      callee: this.textOf(call.expression),
      args: call.arguments.map((a) => this.value(a)),
      statement_span: this.span(statement),
      ...this.located(call),
      enclosing_class: cls,
    });
  }

  value(node) {
    const v = { kind: 'expr', text: this.textOf(node), ...this.located(node) };
    switch (node.kind) {
      case K.StringLiteral:
      case K.NoSubstitutionTemplateLiteral:
        v.kind = 'string';
        v.value = node.text;
        break;
      case K.NumericLiteral:
        v.kind = 'number';
        v.value = Number(node.text);
        break;
      case K.PrefixUnaryExpression: // -1, +1: a number to anyone reading the config
        if (node.operand.kind === K.NumericLiteral && (node.operator === K.MinusToken || node.operator === K.PlusToken)) {
          v.kind = 'number';
          v.value = node.operator === K.MinusToken ? -Number(node.operand.text) : Number(node.operand.text);
        }
        break;
      case K.TrueKeyword:
      case K.FalseKeyword:
        v.kind = 'bool';
        v.value = node.kind === K.TrueKeyword;
        break;
      case K.NullKeyword:
        v.kind = 'null';
        v.value = null;
        break;
      case K.TemplateExpression:
        v.kind = 'template';
        break;
      case K.ArrayLiteralExpression:
        v.kind = 'array';
        v.items = node.elements.filter((e) => e.kind !== K.OmittedExpression).map((e) => this.value(e));
        break;
      case K.ObjectLiteralExpression:
        v.kind = 'object';
        v.props = [];
        for (const p of node.properties) {
          const prop = this.prop(p);
          if (prop) v.props.push(prop);
        }
        break;
    }
    return v;
  }

  prop(node) {
    switch (node.kind) {
      case K.PropertyAssignment:
        return this.propRecord(node, node.name, this.value(node.initializer));
      case K.ShorthandPropertyAssignment:
        return this.propRecord(node, node.name, this.value(node.name));
      case K.MethodDeclaration:
      case K.GetAccessor:
      case K.SetAccessor:
        // `key() { ... }`: still a key of the object; its value is the whole member, as "expr".
        return this.propRecord(node, node.name, { kind: 'expr', text: this.textOf(node), ...this.located(node) });
      default:
        return null; // SpreadAssignment `...x`: not a key of its own
    }
  }

  /** `span` runs from the key to the end of the value, leaving out a trailing comma. */
  propRecord(node, name, value) {
    // The key a name stands for: `a`, `'a'` and `1` give their text, `[expr]` its source.
    const key = name.kind === K.ComputedPropertyName ? this.textOf(name) : name.text;
    return { key, key_span: this.span(name), value, span: this.span(node) };
  }
}

/** Identifiers that name a member rather than refer to a binding: `x.NAME`, `{ NAME: v }`, ... */
function isPropertyName(id) {
  const p = id.parent;
  switch (p.kind) {
    case K.PropertyAccessExpression:
    case K.QualifiedName:
    case K.PropertyAssignment:
    case K.PropertyDeclaration:
    case K.PropertySignature:
    case K.MethodDeclaration:
    case K.MethodSignature:
    case K.GetAccessor:
    case K.SetAccessor:
    case K.EnumMember:
      return p.name === id;
    case K.BindingElement: // `const { NAME: local } = x`
      return p.propertyName === id;
    default:
      return false;
  }
}

/** Nodes between a `new X()` and what it is assigned to that do not change the value. */
function isTransparentWrapper(node) {
  switch (node.kind) {
    case K.ParenthesizedExpression:
    case K.AsExpression:
    case K.SatisfiesExpression:
    case K.NonNullExpression:
    case K.TypeAssertionExpression:
      return true;
    default:
      return false;
  }
}

function hasStaticModifier(node) {
  return (node.modifiers || []).some((m) => m.kind === K.StaticKeyword);
}

/**
 * The name a function-like node is known by, or null when it is anonymous: declarations and
 * methods by their name, constructors as "constructor", and `const f = () => ...` /
 * `f: function () {...}` by what they are assigned to.
 */
function functionName(node) {
  if (node.kind === K.Constructor) return 'constructor';
  if (node.name && (node.name.kind === K.Identifier || node.name.kind === K.PrivateIdentifier)) return node.name.text;
  if (node.kind === K.ArrowFunction || node.kind === K.FunctionExpression) {
    const parent = node.parent;
    if ((parent.kind === K.VariableDeclaration || parent.kind === K.PropertyAssignment || parent.kind === K.PropertyDeclaration)
        && parent.initializer === node && parent.name.kind === K.Identifier) {
      return parent.name.text;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Requests

/** Offset maps of the last parsed text of each file, keyed by ts-morph's standardized path. */
const offsetsByPath = new Map();

function parse({ path, text }) {
  if (typeof path !== 'string' || typeof text !== 'string') throw new Error('parse needs "path" and "text" strings');
  const sourceFile = project.createSourceFile(path, text, { overwrite: true });
  const sf = sourceFile.compilerNode;
  const offsets = new OffsetMap(text, sf.text);
  offsetsByPath.set(sourceFile.getFilePath(), offsets);
  // Syntax errors come from the parser's own diagnostics, which parsing has already produced;
  // program.getSyntacticDiagnostics would give the same list, and the full (semantic)
  // diagnostics need a type check of the program, seconds for a file importing cdktf.
  const errors = sf.parseDiagnostics.map((d) => {
    const [line, col] = offsets.lineCol(d.start);
    return { line, col, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
  });
  return { view: new ViewBuilder(sf, offsets).build(), errors };
}

function types({ path, spans }) {
  if (typeof path !== 'string' || !Array.isArray(spans)) throw new Error('types needs "path" and "spans"');
  const sourceFile = project.getSourceFile(path);
  const offsets = sourceFile && offsetsByPath.get(sourceFile.getFilePath());
  if (!offsets) throw new Error(`not parsed: ${path}`);
  // The program (and its checker) is rebuilt by ts-morph only after a parse changed a file.
  const program = project.getProgram().compilerObject;
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(sourceFile.getFilePath());
  return {
    types: spans.map(([s, e]) => {
      const node = expressionAt(sf, offsets.fromCp(s), offsets.fromCp(e));
      return node ? typeName(checker, checker.getTypeAtLocation(node)) : null;
    }),
  };
}

/** The innermost expression whose source is exactly [start, end) (UTF-16), or null. */
function expressionAt(sf, start, end) {
  let found = null;
  let node = sf;
  while (node) {
    if (node !== sf && node.getStart(sf) === start && node.end === end && ts.isExpression(node)) found = node;
    // Descend into the child whose range (leading trivia included) contains the span.
    node = ts.forEachChild(node, (child) => (child.pos <= start && end <= child.end ? child : undefined));
  }
  return found;
}

const PRIMITIVES = [
  [ts.TypeFlags.BooleanLike, 'boolean'],
  [ts.TypeFlags.StringLike, 'string'],
  [ts.TypeFlags.NumberLike, 'number'],
];

/** "boolean" / "string" / "number" for those types, their literals and unions of their literals. */
function typeName(checker, type) {
  const parts = type.isUnion() ? type.types : [type];
  for (const [flags, name] of PRIMITIVES) {
    if ((type.flags & flags) || parts.every((t) => t.flags & flags)) return name;
  }
  return checker.typeToString(type);
}

// ---------------------------------------------------------------------------------------------
// HCL formatting: HashiCorp's hclwrite (the formatter inside `terraform fmt`), compiled to Go
// WebAssembly by @cdktf/hcl-tools. The wasm ships gzipped beside this bundle (build.mjs copies it
// there) and is loaded on the first `fmt` request only, so parse-only sessions never pay for it.

const HCL_WASM = require('node:path').join(__dirname, 'hclwrite.wasm.gz');
const HCL_BRIDGE = '__hcl_helpers_config_wasm__'; // the global the Go program registers `format` on

let hclModule = null; // the compiled WebAssembly.Module, kept for restarts
let hclFormatter = null; // { go, root } of the running Go program

function hclFormatterRunning() {
  if (hclFormatter && !hclFormatter.go.exited) return hclFormatter;
  if (!hclModule) {
    // Go's wasm_exec.js wants crypto.getRandomValues, a global on Node >= 19 only.
    if (!globalThis.crypto) globalThis.crypto = require('node:crypto').webcrypto;
    require('@cdktf/hcl-tools/wasm/wasm_exec.js'); // defines globalThis.Go
    const bytes = require('node:zlib').gunzipSync(require('node:fs').readFileSync(HCL_WASM));
    hclModule = new WebAssembly.Module(bytes);
  }
  const root = {};
  globalThis[HCL_BRIDGE] = root;
  const go = new globalThis.Go();
  // run() executes main() until it blocks, which is after it has registered root.format.
  go.run(new WebAssembly.Instance(hclModule, go.importObject));
  if (typeof root.format !== 'function') throw new Error('the hclwrite wasm did not register format');
  hclFormatter = { go, root };
  return hclFormatter;
}

/**
 * hclwrite.Format of `text`: spacing, indentation and `=` alignment, exactly as `terraform fmt`
 * lays them out. It works on tokens and does not parse, so the caller sends text that parses.
 * The Go function answers through its callback before returning: no await needed.
 */
function fmt({ text }) {
  if (typeof text !== 'string') throw new Error('fmt needs a "text" string');
  const { root } = hclFormatterRunning();
  let error = null;
  let formatted = null;
  try {
    root.format(text, (err, out) => {
      error = err;
      formatted = out;
    });
  } catch (err) {
    hclFormatter = null; // a panic ends the Go program: the next request starts a fresh one
    throw new Error(`hclwrite failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (error) throw new Error(`hclwrite: ${error}`);
  if (typeof formatted !== 'string') throw new Error('hclwrite returned no text');
  return { text: formatted };
}

/**
 * Drop parsed files from the project. A run tells the worker which files it is done with: the
 * project otherwise keeps every file it ever parsed (and the type checker every one of them), so a
 * sweep over many projects would grow without bound (~800 MB over the 672-task corpus).
 */
function forget({ paths }) {
  if (!Array.isArray(paths)) throw new Error('forget needs "paths"');
  let forgotten = 0;
  for (const path of paths) {
    const sourceFile = typeof path === 'string' ? project.getSourceFile(path) : undefined;
    if (!sourceFile) continue;
    offsetsByPath.delete(sourceFile.getFilePath());
    project.removeSourceFile(sourceFile);
    forgotten += 1;
  }
  return { forgotten };
}

const OPS = new Map([
  ['ping', () => ({ node: process.version, typescript: ts.version })],
  ['parse', parse],
  ['types', types],
  ['fmt', fmt],
  ['forget', forget],
]);

function handle(line) {
  let id = null;
  try {
    const request = JSON.parse(line);
    if (request === null || typeof request !== 'object' || Array.isArray(request)) throw new Error('a request is a JSON object');
    id = request.id ?? null;
    const op = OPS.get(request.op);
    if (!op) throw new Error(`unknown op: ${JSON.stringify(request.op)}`);
    return { id, ok: true, ...op(request) };
  } catch (err) {
    return { id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on('line', (line) => {
  if (line.trim() === '') return;
  process.stdout.write(JSON.stringify(handle(line)) + '\n');
});
// When stdin closes the readline interface closes; nothing else holds the event loop, so the
// process exits once stdout has been flushed.
