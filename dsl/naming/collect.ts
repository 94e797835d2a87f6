// The read-only half of the naming transform: one walk over the syntax tree
// that lists which initializers to wrap. Nothing is edited here; splice.ts
// applies the whole list in one pass (ts-morph's edit methods re-parse the
// file on every change, which is far too slow for large designs). The tree is
// parsed without parent pointers (twice as fast), so the walk carries the
// little context it needs: whether it is inside `declare`.
import { ts } from 'ts-morph';
import { isHashiSpecifier } from './detect.ts';

/** Wrap source range [start, end) as `__hashi_name(name, () => …)`. */
export interface Wrap {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** The expression starts with `{`; it needs parentheses as an arrow body. */
  readonly paren: boolean;
}

/** A statement start or expression-bodied arrow: where a source locator is set. */
export interface LocatorSite {
  readonly start: number;
  /** End of an arrow's expression body (wrapped as `(at, body)`); undefined for a statement. */
  readonly end: number | undefined;
  readonly line: number;
  readonly col: number;
}

export interface NamingPlan {
  readonly importsHashi: boolean;
  /** The file does not import `__hashi_name` itself (a second import would not compile). */
  readonly addImport: boolean;
  /** Where the runtime import goes: 0, or just past a `#!` line. */
  readonly importAt: number;
  /** Sorted by start; any two are nested or disjoint. */
  readonly wraps: Wrap[];
  /** Sorted by start (collected only when locators are asked for). */
  readonly sites: LocatorSite[];
}

// Facts about a subtree that forbid moving it into an arrow function.
const AWAIT_OR_YIELD = 1; // would change meaning (or not parse) inside the thunk
const ARGUMENTS = 2; // `arguments` of the enclosing function
const SK = ts.SyntaxKind;

export function planNaming(sf: ts.SourceFile, locators = false): NamingPlan {
  const importsHashi = sf.statements.some(
    (s) => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && isHashiSpecifier(s.moduleSpecifier.text),
  );
  const text = sf.text;
  const importAt = text.startsWith('#!') ? lineEnd(text, 0) : 0;
  const addImport = !(text.includes('__hashi_name') && sf.statements.some(importsRuntimeName));
  if (!importsHashi || sf.isDeclarationFile) return { importsHashi, addImport, importAt, wraps: [], sites: [] };

  const wraps: Wrap[] = [];
  const sites: LocatorSite[] = [];
  const site = (start: number, end: number | undefined): void => {
    const { line, character } = sf.getLineAndCharacterOfPosition(start);
    sites.push({ start, end, line: line + 1, col: character + 1 });
  };
  // Only statements inside statement lists get a locator call in front of
  // them: `if (c) x;` must not become `if (c) at(); x;`.
  const siteStatements = (statements: ts.NodeArray<ts.Statement>): void => {
    if (!locators || ambient) return;
    for (const st of statements) if (locatable(st)) site(st.getStart(sf), undefined);
  };
  let ambient = false; // inside `declare …`
  let acc = 0; // flags of the children visited so far by the current `childFlags`

  const wrapIfWorthIt = (name: string | undefined, init: ts.Expression | undefined, initFlags: number): void => {
    if (name === undefined || init === undefined || initFlags !== 0 || ambient || !worthWrapping(init)) return;
    const start = init.getStart(sf);
    wraps.push({ name, start, end: init.end, paren: text.charCodeAt(start) === 0x7b /* { */ });
  };
  const visitChild = (child: ts.Node): undefined => {
    acc |= visit(child);
    return undefined;
  };
  const childFlags = (node: ts.Node): number => {
    const saved = acc;
    acc = 0;
    ts.forEachChild(node, visitChild);
    const flags = acc;
    acc = saved;
    return flags;
  };
  const maybe = (node: ts.Node | undefined): number => (node ? visit(node) : 0);

  const visit = (node: ts.Node): number => {
    switch (node.kind) {
      case SK.Identifier:
        return (node as ts.Identifier).escapedText === 'arguments' ? ARGUMENTS : 0;
      case SK.PropertyAccessExpression:
        return visit((node as ts.PropertyAccessExpression).expression); // `.arguments` is not a reference
      case SK.AwaitExpression:
      case SK.YieldExpression:
        return childFlags(node) | AWAIT_OR_YIELD;
      case SK.VariableStatement: {
        const stmt = node as ts.VariableStatement;
        const saved = ambient;
        ambient ||= hasDeclare(stmt);
        const list = stmt.declarationList;
        const kind = list.flags & ts.NodeFlags.BlockScoped;
        const named = kind === ts.NodeFlags.Const || kind === ts.NodeFlags.Let; // not var, using, await using
        let flags = 0;
        for (const decl of list.declarations) {
          const initFlags = maybe(decl.initializer);
          flags |= initFlags | visit(decl.name);
          if (named && ts.isIdentifier(decl.name)) wrapIfWorthIt(decl.name.text, decl.initializer, initFlags);
        }
        ambient = saved;
        return flags;
      }
      case SK.PropertyDeclaration: {
        const prop = node as ts.PropertyDeclaration;
        const initFlags = maybe(prop.initializer);
        let flags = initFlags | visit(prop.name);
        for (const m of prop.modifiers ?? []) flags |= visit(m); // decorators
        if (!hasDeclare(prop)) wrapIfWorthIt(propertyName(prop.name), prop.initializer, initFlags);
        return flags;
      }
      case SK.ModuleDeclaration:
      case SK.ClassDeclaration:
      case SK.FunctionDeclaration: {
        const saved = ambient;
        ambient ||= hasDeclare(node as ts.ModuleDeclaration | ts.ClassDeclaration | ts.FunctionDeclaration);
        const flags = childFlags(node);
        ambient = saved;
        return node.kind === SK.FunctionDeclaration ? 0 : flags;
      }
      case SK.SourceFile:
      case SK.Block:
      case SK.ModuleBlock:
      case SK.CaseClause:
      case SK.DefaultClause:
        siteStatements((node as ts.Block).statements);
        return childFlags(node);
      case SK.ArrowFunction: {
        const body = (node as ts.ArrowFunction).body;
        if (locators && !ambient && !ts.isBlock(body)) site(body.getStart(sf), body.end);
        return childFlags(node) & ARGUMENTS; // arrows see the outer `arguments`, not its await/yield
      }
      case SK.FunctionExpression:
      case SK.MethodDeclaration:
      case SK.Constructor:
      case SK.GetAccessor:
      case SK.SetAccessor:
      case SK.ClassStaticBlockDeclaration:
        childFlags(node);
        return 0;
      default:
        return childFlags(node);
    }
  };
  visit(sf);
  wraps.sort((a, b) => a.start - b.start);
  sites.sort((a, b) => a.start - b.start);
  return { importsHashi, addImport, importAt, wraps, sites };
}

/** Statements that run code (declarations of functions, classes, types and imports do not). */
function locatable(st: ts.Statement): boolean {
  switch (st.kind) {
    case SK.FunctionDeclaration:
    case SK.ClassDeclaration:
    case SK.InterfaceDeclaration:
    case SK.TypeAliasDeclaration:
    case SK.EnumDeclaration:
    case SK.ModuleDeclaration:
    case SK.ImportDeclaration:
    case SK.ImportEqualsDeclaration:
    case SK.ExportDeclaration:
    case SK.ExportAssignment:
    case SK.EmptyStatement:
      return false;
    case SK.VariableStatement:
      return !hasDeclare(st as ts.VariableStatement);
    default:
      return true;
  }
}

/** `import { __hashi_name } from …` (possibly among other names). */
function importsRuntimeName(s: ts.Statement): boolean {
  const bindings = ts.isImportDeclaration(s) ? s.importClause?.namedBindings : undefined;
  return bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.some((e) => e.name.text === '__hashi_name');
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name)) return name.text;
  if (ts.isPrivateIdentifier(name)) return name.text.slice(1);
  return undefined; // computed or quoted names are left alone
}

function hasDeclare(node: { readonly modifiers?: ts.NodeArray<ts.ModifierLike> | undefined }): boolean {
  return node.modifiers?.some((m) => m.kind === SK.DeclareKeyword) ?? false;
}

/** Not a literal, not a function or class (kept as written), not already wrapped, not `vi.hoisted(…)`. */
function worthWrapping(init: ts.Expression): boolean {
  const e = stripTypeSyntax(init);
  switch (e.kind) {
    case SK.NumericLiteral:
    case SK.BigIntLiteral:
    case SK.StringLiteral:
    case SK.NoSubstitutionTemplateLiteral:
    case SK.TrueKeyword:
    case SK.FalseKeyword:
    case SK.NullKeyword:
    case SK.ArrowFunction:
    case SK.FunctionExpression:
    case SK.ClassExpression:
      return false;
    case SK.Identifier:
      return (e as ts.Identifier).text !== 'undefined';
    case SK.PrefixUnaryExpression: {
      const u = e as ts.PrefixUnaryExpression;
      const signedNumber =
        (u.operator === SK.MinusToken || u.operator === SK.PlusToken) && (ts.isNumericLiteral(u.operand) || ts.isBigIntLiteral(u.operand));
      return !signedNumber;
    }
    case SK.CallExpression: {
      const callee = (e as ts.CallExpression).expression;
      if (ts.isIdentifier(callee)) return callee.text !== '__hashi_name';
      // Vitest hoists `const x = vi.hoisted(…)` by its shape; keep that shape.
      return !(ts.isPropertyAccessExpression(callee) && callee.name.text === 'hoisted' && ts.isIdentifier(callee.expression) && /^(vi|vitest)$/.test(callee.expression.text));
    }
    default:
      return true;
  }
}

/** Look through parentheses and type-only wrappers: `(x)`, `x as T`, `<T>x`, `x!`, `x satisfies T`. */
function stripTypeSyntax(e: ts.Expression): ts.Expression {
  while (
    ts.isParenthesizedExpression(e) ||
    ts.isAsExpression(e) ||
    ts.isTypeAssertionExpression(e) ||
    ts.isNonNullExpression(e) ||
    ts.isSatisfiesExpression(e)
  ) {
    e = e.expression;
  }
  return e;
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl < 0 ? text.length : nl + 1;
}
