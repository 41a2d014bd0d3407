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
    this.view = { imports: [], classes: [], constructions: [], calls: [], identifier_counts: {}, bindings: [], chains: [] };
    this.references = new Map(); // name -> UTF-16 starts of the identifiers that refer to a binding
    this.referenceNodes = new Map(); // name -> those identifiers (read as a value or in a type: asked lazily)
    this.declared = new Map(); // name -> [pos, end] of the scopes that declare it as a value
    this.candidates = []; // { record, name, nameStart, scope }: bindings whose references are counted at the end
    this.chainNodes = []; // maximal `a.b.c` chains whose head is an identifier
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
    this.resolveBindings();
    this.keepChains();
    return this.view;
  }

  /**
   * Each binding's references: the identifiers of its name inside its scope, by name only, so an
   * inner binding of the same name and its uses count as uses of the outer one too. That errs on
   * the side of "used": a binding with no reference is certainly never read.
   */
  resolveBindings() {
    for (const { record, name, nameStart, scope } of this.candidates) {
      const starts = this.references.get(name) || [];
      const nodes = this.referenceNodes.get(name) || [];
      // a scope inside this one that declares the name again: the values read there are its own
      const shadows = (this.declared.get(name) || []).filter(
        ([pos, end]) => pos >= scope.pos && end <= scope.end && !(pos === scope.pos && end === scope.end),
      );
      const from = countBelow(starts, scope.pos);
      const to = countBelow(starts, scope.end);
      record.refs = [];
      for (let i = from; i < to; i++) {
        if (starts[i] === nameStart) continue;
        if (shadows.length && shadows.some(([pos, end]) => pos <= starts[i] && starts[i] < end) && !isInType(nodes[i])) continue;
        record.refs.push([this.offsets.toCp(starts[i]), this.offsets.toCp(starts[i] + name.length)]);
      }
      this.view.bindings.push(record);
    }
  }

  /**
   * The chains that start with an imported name (`aws.vpc.Vpc`, `vpc.Subnet`, types too) or with
   * what a construction is assigned to (`bucket.arn`, `this.vpc.id`), each with the indexes, calls
   * and members applied after it (`azs.names[0]`, `cluster.identity.get(0).oidc.get(0).issuer`).
   */
  keepChains() {
    const heads = new Set();
    for (const imp of this.view.imports) {
      if (imp.namespace) heads.add(imp.namespace);
      if (imp.default) heads.add(imp.default);
      for (const n of imp.names) heads.add(n.local);
    }
    for (const c of this.view.constructions) if (c.var) heads.add(c.var);
    for (const node of this.chainNodes) {
      let head = node;
      let second = null;
      while (head.kind === K.PropertyAccessExpression || head.kind === K.QualifiedName) {
        second = head;
        head = head.kind === K.QualifiedName ? head.left : head.expression;
      }
      const key = head.kind === K.ThisKeyword && second.kind === K.PropertyAccessExpression ? `this.${second.name.text}` : head.text;
      if (!heads.has(key)) continue;
      const chain = { text: this.textOf(node), type: node.kind === K.QualifiedName, ...this.located(node) };
      const after = [];
      let end = this.offsets.toCp(node.end);
      for (let current = node, parent = node.parent; ; current = parent, parent = parent.parent) {
        let segment;
        if (parent.kind === K.ElementAccessExpression && parent.expression === current) {
          segment = { kind: 'index', text: this.textOf(parent.argumentExpression) };
        } else if (parent.kind === K.CallExpression && parent.expression === current) {
          segment = { kind: 'call', args: parent.arguments.map((a) => this.textOf(a)) };
        } else if (parent.kind === K.PropertyAccessExpression && parent.expression === current) {
          segment = { kind: 'prop', name: parent.name.text };
        } else if (parent.kind === K.NonNullExpression) {
          segment = { kind: 'non-null' };
        } else {
          break;
        }
        const outerEnd = this.offsets.toCp(parent.end);
        after.push({ ...segment, span: [end, outerEnd] });
        end = outerEnd;
      }
      if (after.length) chain.after = after;
      this.view.chains.push(chain);
    }
  }

  /** A binding whose references resolveBindings counts; `record` goes into view.bindings. */
  addBinding(record, nameNode, scope) {
    this.candidates.push({ record: { ...record, name: nameNode.text, span: this.span(nameNode) }, name: nameNode.text, nameStart: this.start(nameNode), scope });
  }

  /** `const x = ...` (one declarator, a plain name, not exported or declared) in a block or module. */
  addVariableBinding(statement) {
    const list = statement.declarationList;
    if (list.declarations.length !== 1 || (statement.modifiers || []).some((m) => m.kind === K.ExportKeyword || m.kind === K.DeclareKeyword)) return;
    const decl = list.declarations[0];
    const isVar = !(list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const));
    let scope = statement.parent;
    while (scope.kind !== K.SourceFile && !(isVar ? ts.isFunctionLike(scope) : isBlockScope(scope))) scope = scope.parent;
    if (scope.kind === K.SourceFile && !ts.isExternalModule(this.sf)) return; // a script's globals are everyone's
    const init = decl.initializer;
    const record = {
      kind: 'variable',
      statement: this.span(statement),
      init: init ? this.span(init) : null,
      pure: init ? isPure(init) : true,
    };
    if (decl.name.kind === K.Identifier) {
      this.addBinding(record, decl.name, scope);
      return;
    }
    // `const { a, b: c } = props` / `const [x, y] = list`: each plain name of the pattern
    const pattern = decl.name;
    const elements = pattern.elements.map((e) => (e.kind === K.OmittedExpression ? null : this.span(e)));
    const rest = pattern.elements.some((e) => e.kind === K.BindingElement && e.dotDotDotToken);
    pattern.elements.forEach((e, index) => {
      if (e.kind !== K.BindingElement || e.name.kind !== K.Identifier) return;
      this.addBinding(
        { ...record, kind: 'element', pattern: this.span(pattern), array: pattern.kind === K.ArrayBindingPattern, elements, index, rest },
        e.name,
        scope,
      );
    });
  }

  /** The plain-name parameters of a function with a body (not `this`, not parameter properties). */
  addParameterBindings(fn) {
    if (!fn.body || fn.kind === K.SetAccessor) return;
    for (const p of fn.parameters) {
      if (p.name.kind !== K.Identifier || p.name.text === 'this' || (p.modifiers || []).length) continue;
      this.addBinding({ kind: 'parameter' }, p.name, fn);
    }
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
          const name = node.text;
          if (!this.references.has(name)) {
            this.references.set(name, []);
            this.referenceNodes.set(name, []);
          }
          this.references.get(name).push(this.start(node));
          this.referenceNodes.get(name).push(node);
          const scope = declarationScope(node);
          if (scope) {
            if (!this.declared.has(name)) this.declared.set(name, []);
            this.declared.get(name).push([scope.pos, scope.end]);
          }
        }
        return;
      case K.VariableStatement:
        this.addVariableBinding(node);
        break;
      case K.PropertyAccessExpression:
      case K.QualifiedName:
        if (isMaximalChain(node)) this.chainNodes.push(node);
        break;
      default:
        if (ts.isFunctionLike(node)) {
          fn = functionName(node) ?? fn;
          this.addParameterBindings(node);
        }
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
      this.view.classes.push({
        name: name ?? '', ...this.located(node), bases, properties: this.uninitializedProperties(node), members: this.classMembers(node),
      });
    }
    const membersStart = node.members.pos;
    ts.forEachChild(node, (child) =>
      child.pos >= membersStart ? this.visit(child, name, fn) : this.visit(child, cls, fn),
    );
  }

  /**
   * The class's instance properties declared with a type and no initializer (`public readonly
   * bucket: S3Bucket;`), each with whether the constructor assigns it on every path (`definite`:
   * as a statement of its body, or in both branches of an if/else) and whether any method of
   * the class assigns it at all (`assigned`): what tsc's strictPropertyInitialization checks.
   */
  uninitializedProperties(node) {
    const ctor = node.members.find((m) => m.kind === K.Constructor && m.body);
    const out = [];
    let assignedBy = null; // property name -> the members that assign `this.name`, found on first need
    for (const m of node.members) {
      if (m.kind !== K.PropertyDeclaration || m.initializer || m.questionToken || m.exclamationToken || !m.type) continue;
      if (m.name.kind !== K.Identifier || (m.modifiers || []).some((x) => x.kind === K.StaticKeyword || x.kind === K.AbstractKeyword || x.kind === K.DeclareKeyword)) continue;
      const name = m.name.text;
      assignedBy = assignedBy || thisAssignments(node);
      const members = assignedBy.get(name) || new Set();
      out.push({
        name,
        span: this.span(m.name),
        statement: this.span(m),
        type: this.textOf(m.type),
        definite: Boolean(ctor && assignsOnEveryPath(ctor.body, name)),
        assigned: members.size > 0,
        // assigned by a method other than the constructor: `readonly` forbids that (TS2540)
        elsewhere: [...members].some((member) => member !== ctor),
        readonly: (m.modifiers || []).find((x) => x.kind === K.ReadonlyKeyword) ? this.span(m.modifiers.find((x) => x.kind === K.ReadonlyKeyword)) : null,
      });
    }
    return out;
  }

  /**
   * Every property, method, accessor and constructor of the class with its modifiers as written
   * (`private`, `readonly`, `static`, ...; not decorators), and for a function member its
   * parameters (a constructor's parameter properties carry their modifiers) and its body.
   */
  classMembers(node) {
    const modifiers = (n) => (n.modifiers || []).filter((x) => ts.isModifier(x)).map((x) => ts.tokenToString(x.kind));
    const out = [];
    for (const m of node.members) {
      const kind = MEMBER_KINDS.get(m.kind);
      if (!kind) continue;
      const record = { kind, name: kind === 'constructor' ? 'constructor' : this.textOf(m.name), span: this.span(m), modifiers: modifiers(m) };
      if (m.parameters) {
        record.parameters = m.parameters.map((p) => ({
          name: this.textOf(p.name),
          span: this.span(p),
          type: p.type ? this.textOf(p.type) : null,
          modifiers: modifiers(p),
          optional: Boolean(p.questionToken || p.initializer),
          rest: Boolean(p.dotDotDotToken),
        }));
      }
      record.body = m.body ? this.span(m.body) : null;
      out.push(record);
    }
    return out;
  }

  addImport(node) {
    const record = { module: node.moduleSpecifier.text, ...this.importRecord(node), names: [] };
    const clause = node.importClause;
    if (clause) {
      if (clause.name) {
        record.default = clause.name.text;
        this.addBinding({ kind: 'import', statement: record.span }, clause.name, this.sf);
      }
      const bindings = clause.namedBindings;
      if (bindings && bindings.kind === K.NamespaceImport) {
        record.namespace = bindings.name.text;
        this.addBinding({ kind: 'import', statement: record.span }, bindings.name, this.sf);
      }
      if (bindings && bindings.kind === K.NamedImports) {
        for (const spec of bindings.elements) {
          record.names.push({
            name: (spec.propertyName || spec.name).text,
            local: spec.name.text,
            span: this.span(spec),
          });
          this.addBinding({ kind: 'import', statement: record.span }, spec.name, this.sf);
        }
      }
    }
    this.view.imports.push(record);
  }

  /** `import aws = require('...')` binds the whole module, like a namespace import. */
  addImportEquals(node) {
    const ref = node.moduleReference;
    if (ref.kind !== K.ExternalModuleReference || !ts.isStringLiteralLike(ref.expression)) return;
    const record = { module: ref.expression.text, ...this.importRecord(node), names: [], namespace: node.name.text };
    this.view.imports.push(record);
    this.addBinding({ kind: 'import', statement: record.span }, node.name, this.sf);
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
    case K.QualifiedName: // `ns.NAME` in a type
      return p.right === id;
    case K.PropertyAccessExpression:
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

/** `this.name = ...` */
function isThisAssignment(node, name) {
  return node.kind === K.BinaryExpression && node.operatorToken.kind === K.EqualsToken
    && node.left.kind === K.PropertyAccessExpression && node.left.expression.kind === K.ThisKeyword && node.left.name.text === name;
}

/** Whether the statements of `block` assign `this.name` whichever way they run. */
function assignsOnEveryPath(block, name) {
  for (const statement of block.statements || [block]) {
    if (statement.kind === K.ExpressionStatement && isThisAssignment(statement.expression, name)) return true;
    if (statement.kind === K.Block && assignsOnEveryPath(statement, name)) return true;
    if (statement.kind === K.IfStatement && statement.elseStatement
        && assignsOnEveryPath(statement.thenStatement, name) && assignsOnEveryPath(statement.elseStatement, name)) return true;
  }
  return false;
}

/** Property name → the members of the class whose code assigns `this.name = ...`. */
function thisAssignments(cls) {
  const out = new Map();
  for (const member of cls.members) {
    const walk = (node) => {
      if (node.kind === K.BinaryExpression && node.operatorToken.kind === K.EqualsToken
          && node.left.kind === K.PropertyAccessExpression && node.left.expression.kind === K.ThisKeyword) {
        const name = node.left.name.text;
        if (!out.has(name)) out.set(name, new Set());
        out.get(name).add(member);
      }
      ts.forEachChild(node, walk);
    };
    walk(member);
  }
  return out;
}

/** The nodes whose `let` / `const` declarations are theirs alone (a switch's clauses share one). */
function isBlockScope(node) {
  switch (node.kind) {
    case K.Block:
    case K.CaseBlock:
    case K.ModuleBlock:
    case K.SourceFile:
      return true;
    default:
      return ts.isFunctionLike(node);
  }
}

/**
 * The scope a declaration's name is bound in, for the names that are values: a variable (`var`:
 * its function; `let` / `const`: its block or loop), a parameter (its function), a function or
 * class declaration (the block around it), a catch variable (the catch clause). Null otherwise.
 */
function declarationScope(id) {
  let decl = id.parent;
  if (decl.name !== id) return null;
  switch (decl.kind) {
    case K.BindingElement:
      while (decl.kind === K.BindingElement || decl.kind === K.ObjectBindingPattern || decl.kind === K.ArrayBindingPattern) decl = decl.parent;
      if (decl.kind === K.Parameter) return decl.parent;
      if (decl.kind !== K.VariableDeclaration) return null;
    // falls through
    case K.VariableDeclaration: {
      const list = decl.parent;
      if (list.kind === K.CatchClause) return list;
      const isVar = list.kind === K.VariableDeclarationList && !(list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const));
      let scope = list.parent;
      if (!isVar && (scope.kind === K.ForStatement || scope.kind === K.ForOfStatement || scope.kind === K.ForInStatement)) return scope;
      while (scope.kind !== K.SourceFile && !(isVar ? ts.isFunctionLike(scope) : isBlockScope(scope))) scope = scope.parent;
      return scope;
    }
    case K.Parameter:
      return decl.parent;
    case K.FunctionDeclaration:
    case K.ClassDeclaration:
    case K.EnumDeclaration: {
      let scope = decl.parent;
      while (!isBlockScope(scope)) scope = scope.parent;
      return scope;
    }
    default:
      return null;
  }
}

/** An identifier that names a type (`T`, `aws.vpc.Vpc` in an annotation), not a value. */
function isInType(id) {
  let node = id;
  while (node.parent.kind === K.QualifiedName) node = node.parent; // TypeScript's own test skips `aws` in `aws.vpc.Vpc`
  return ts.isPartOfTypeNode(node);
}

/** `a.b.c` that is not itself the left part of a longer `a.b.c.d`. */
function isMaximalChain(node) {
  const p = node.parent;
  if (p.kind === K.PropertyAccessExpression && p.expression === node) return false;
  if (p.kind === K.QualifiedName && p.left === node) return false;
  return true;
}

/**
 * An expression whose evaluation does nothing but produce its value: literals, names, member
 * reads, functions, and objects, arrays, templates and operators made of those. A call, `new`,
 * an assignment or `++` may do something else.
 */
function isPure(node) {
  switch (node.kind) {
    case K.StringLiteral:
    case K.NumericLiteral:
    case K.BigIntLiteral:
    case K.NoSubstitutionTemplateLiteral:
    case K.RegularExpressionLiteral:
    case K.TrueKeyword:
    case K.FalseKeyword:
    case K.NullKeyword:
    case K.Identifier:
    case K.ThisKeyword:
    case K.ArrowFunction:
    case K.FunctionExpression:
      return true;
    case K.PropertyAccessExpression:
    case K.ParenthesizedExpression:
    case K.AsExpression:
    case K.SatisfiesExpression:
    case K.NonNullExpression:
    case K.TypeAssertionExpression:
    case K.TypeOfExpression:
    case K.SpreadElement:
    case K.SpreadAssignment:
      return isPure(node.expression);
    case K.ElementAccessExpression:
      return isPure(node.expression) && isPure(node.argumentExpression);
    case K.TemplateExpression:
      return node.templateSpans.every((span) => isPure(span.expression));
    case K.ArrayLiteralExpression:
      return node.elements.every((e) => e.kind === K.OmittedExpression || isPure(e));
    case K.ObjectLiteralExpression:
      return node.properties.every((p) =>
        p.kind === K.PropertyAssignment ? (p.name.kind !== K.ComputedPropertyName || isPure(p.name.expression)) && isPure(p.initializer)
          : p.kind === K.ShorthandPropertyAssignment || p.kind === K.MethodDeclaration || p.kind === K.GetAccessor || p.kind === K.SetAccessor || (p.kind === K.SpreadAssignment && isPure(p)));
    case K.PrefixUnaryExpression:
      return node.operator !== K.PlusPlusToken && node.operator !== K.MinusMinusToken && isPure(node.operand);
    case K.BinaryExpression: {
      const op = node.operatorToken.kind;
      const assigns = op >= K.FirstAssignment && op <= K.LastAssignment;
      return !assigns && isPure(node.left) && isPure(node.right);
    }
    case K.ConditionalExpression:
      return isPure(node.condition) && isPure(node.whenTrue) && isPure(node.whenFalse);
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

/** The class members a view's `members` lists, by their kind there. */
const MEMBER_KINDS = new Map([
  [K.PropertyDeclaration, 'property'],
  [K.MethodDeclaration, 'method'],
  [K.Constructor, 'constructor'],
  [K.GetAccessor, 'getter'],
  [K.SetAccessor, 'setter'],
]);

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
