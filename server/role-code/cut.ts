/**
 * Finding a top-level declaration in a TypeScript module by name, and putting another text in
 * its place. The slides cut a role's function out of its module this way (the code on a slide
 * is the code that runs); the bridge puts a learner's version of it back the same way.
 */
import ts from "typescript";

/** Where a declaration sits in its module: offsets into the text, and its first line (1-based). */
export interface DeclarationSpan {
  start: number;
  end: number;
  /** 1-based line of `start`. */
  line: number;
}

function declaredNames(statement: ts.Statement): string[] {
  if (
    ts.isFunctionDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement)
  ) {
    return statement.name ? [statement.name.text] : [];
  }
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((declaration) =>
      ts.isIdentifier(declaration.name) ? [declaration.name.text] : [],
    );
  }
  return [];
}

/** The span of the top-level declaration of `symbol`, its doc comment left out; throws when there is none. */
export function findDeclaration(source: string, fileName: string, symbol: string): DeclarationSpan {
  const sourceFile = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const statement = sourceFile.statements.find((candidate) => declaredNames(candidate).includes(symbol));
  if (!statement) throw new Error(`${fileName} has no top-level ${symbol}`);
  const start = statement.getStart(sourceFile);
  return { start, end: statement.getEnd(), line: sourceFile.getLineAndCharacterOfPosition(start).line + 1 };
}

/** The source text of a top-level declaration, with its doc comment left out. */
export function extractSymbol(source: string, fileName: string, symbol: string): string {
  const { start, end } = findDeclaration(source, fileName, symbol);
  return source.slice(start, end);
}

/** A module with one declaration replaced, and the line where the replacement begins. */
export interface SplicedModule {
  source: string;
  /** 1-based line of the module at which the replacement's first line sits. */
  firstLine: number;
  /** 1-based line of the module at which the replacement's last line sits. */
  lastLine: number;
  /** 1-based line at which the declaration replaced ended, in the module as it was. */
  originalLastLine: number;
}

/** `source` with the top-level declaration of `symbol` replaced by `replacement`. */
export function spliceSymbol(source: string, fileName: string, symbol: string, replacement: string): SplicedModule {
  const { start, end, line } = findDeclaration(source, fileName, symbol);
  return {
    source: source.slice(0, start) + replacement + source.slice(end),
    firstLine: line,
    lastLine: line + replacement.split("\n").length - 1,
    originalLastLine: line + source.slice(start, end).split("\n").length - 1,
  };
}
